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

    /// The lead's blocks to put before `blocks`, or none.
    func lead(body: Node, roots: [Node], blocks: [Block]) -> [Block] {
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
