import Foundation
import Markup

/// Recovers an article's lead when the content container does not hold it. Many pages set the
/// headline and lead in a header block apart from the body container; the page names its lead
/// in its description meta (`og:description`, `description`, `twitter:description`). When a
/// visible element before the content says the same (the description is a prefix of its text,
/// or its text a prefix of a truncated description) and the extracted text lacks it, its blocks
/// are put first. Text that is not visible on the page is never added.
struct LeadRecovery {
    /// Descriptions shorter than this are slogans or labels, not leads.
    static let minimumDescription = 50
    /// The lead element's text may be at most this multiple of the description (plus
    /// `slack`): a container that starts with the lead and holds more is not the lead.
    static let maximumFactor = 3.0
    static let slack = 100
    /// The most link characters over all characters a lead may have.
    static let maximumLinkDensity = 0.3

    let description: String?

    /// The lead's blocks to put before `blocks`, or none: the element the description names,
    /// else one marked as the lead by its class (`markedLead`).
    func lead(body: Node, roots: [Node], blocks: [Block]) -> [Block] {
        let described = describedLead(body: body, roots: roots, blocks: blocks)
        if !described.isEmpty { return described }
        return Self.markedLead(roots: roots, blocks: blocks)
    }

    /// Ancestors of the content searched for a marked lead.
    static let markedLeadLevels = 3
    /// A marked lead holds this many characters at least ...
    static let markedLeadMinimum = 60
    /// ... and at most this many.
    static let markedLeadMaximum = 800

    /// A lead the page marks by class (`Rules.leadClassTokens`: "lead", "intro", "standfirst",
    /// ...) just before the content: in the content's parent, grandparent or great-grandparent,
    /// in a sibling before the branch that holds the content (the nearest such element). Its
    /// text must read as a lead (`markedLeadMinimum`...`markedLeadMaximum` characters, few
    /// links) and be missing from the extracted text.
    static func markedLead(roots: [Node], blocks: [Block]) -> [Block] {
        guard let first = roots.first else { return [] }
        var branch = first
        for _ in 0..<markedLeadLevels {
            guard let parent = branch.parentElement, !parent.hasName("body") else { break }
            let siblings = parent.elementChildren
            guard let position = siblings.firstIndex(of: branch) else { break }
            for sibling in siblings[..<position].reversed() {
                if let lead = markedLead(in: sibling) {
                    let text = TextTools.collapse(lead.text)
                    let extracted = blocks.map(\.text).joined(separator: " ")
                    if extracted.contains(String(text.prefix(60))) { return [] }
                    return BlockBuilder().blocks(in: [lead])
                }
            }
            branch = parent
        }
        return []
    }

    /// The last element of a subtree marked as a lead whose text reads as one.
    private static func markedLead(in node: Node) -> Node? {
        var found: Node?
        node.walk { child in
            guard child.isElement else { return false }
            let tokens = TokenMatcher.tokens(of: child)
            if !tokens.isEmpty, tokens.contains(where: { Rules.leadClassTokens.contains(String($0)) }) {
                let length = child.textLength
                if length >= markedLeadMinimum, length <= markedLeadMaximum,
                    TextMetrics.linkDensity(of: child) <= maximumLinkDensity
                {
                    found = child
                }
                return false
            }
            return true
        }
        return found
    }

    /// The element the description meta names (see the type's comment), or none.
    private func describedLead(body: Node, roots: [Node], blocks: [Block]) -> [Block] {
        guard let raw = description else { return [] }
        var stem = TextTools.collapse(raw)
        for suffix in ["…", "...", "[…]", "[...]"] where stem.hasSuffix(suffix) {
            stem = String(stem.dropLast(suffix.count)).trimmingCharacters(in: .whitespaces)
        }
        let stemCount = stem.count
        guard stemCount >= Self.minimumDescription else { return [] }
        let rootSet = Set(roots)
        var reachedContent = false
        var best: (node: Node, length: Int)?
        body.walk { node in
            guard !reachedContent, node.isElement else { return false }
            if rootSet.contains(node) {
                reachedContent = true
                return false
            }
            // Too long to be the lead (white space aside): look only inside, without building
            // the text of every large wrapper.
            let limit = Self.maximumFactor * Double(stemCount) + Double(Self.slack)
            if Double(node.textLength) > limit { return true }
            let text = TextTools.collapse(node.text)
            guard !text.isEmpty else { return false }
            let isLead = text.hasPrefix(stem) || (stem.hasPrefix(text) && Double(text.count) >= 0.6 * Double(stemCount))
            if isLead {
                let textCount = text.count
                if Double(textCount) <= limit, TextMetrics.linkDensity(of: node) <= Self.maximumLinkDensity,
                    best.map({ textCount < $0.length }) ?? true
                {
                    best = (node, textCount)
                }
            }
            return true
        }
        guard reachedContent, let lead = best else { return [] }
        // Already in the text (the container held a copy): nothing to add.
        let extracted = blocks.map(\.text).joined(separator: " ")
        if extracted.contains(String(stem.prefix(60))) { return [] }
        var node = lead.node
        // An inline element is part of its paragraph: take the paragraph.
        while Rules.inlineTags.contains(node.name), let parent = node.parentElement { node = parent }
        return BlockBuilder().blocks(in: [node])
    }
}
