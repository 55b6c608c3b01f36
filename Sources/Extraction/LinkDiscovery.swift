import Foundation
import Markup

/// Link discovery on listing pages: the article links of the page's repeated item structure
/// (or of the source's `links:` selector), absolute, in document order, each once.
struct LinkDiscovery {
    /// A repeated item structure: the items and their article links.
    struct Group {
        var items: [Node]
        var links: [URL]
        /// Non-whitespace characters of the items' text.
        var textLength: Int
    }

    /// A listing needs at least this many items with distinct article links.
    static let minimumItems = 3

    let base: URL?
    let pageURL: URL?
    /// URLs that are never articles (feeds, the page itself).
    let excluded: Set<String>
    /// Resolved hrefs of this page (nested items see the same anchors again).
    private let memo = HrefMemo()

    /// The article URLs of one page's hrefs, resolved once each. A class so the value-typed
    /// discovery can fill it while it walks; it lives and dies with one page's extraction.
    private final class HrefMemo {
        var urls: [String: URL?] = [:]
    }

    init(base: URL?, pageURL: URL?, excluded: Set<String>) {
        self.base = base
        self.pageURL = pageURL
        self.excluded = excluded
    }

    /// Links of the elements matched by a selector (`a` elements, or the first article link
    /// inside each matched element).
    func links(selector: String, in document: MarkupDocument) -> [URL] {
        guard let matched = try? document.select(selector) else { return [] }
        var result: [URL] = []
        var seen = Set<String>()
        for node in matched {
            let url: URL?
            if node.hasName("a") {
                url = articleURL(node.attribute("href"))
            } else {
                url = itemLink(node)
            }
            if let url, seen.insert(url.absoluteString).inserted { result.append(url) }
        }
        return result
    }

    /// The best repeated item structure under `root`: siblings of one signature (tag and
    /// class tokens), most of which carry a title link to a distinct article URL.
    func bestGroup(in root: Node, preferred: [String], document: MarkupDocument) -> Group? {
        for selector in preferred {
            guard let items = try? document.select(selector), items.count >= Self.minimumItems else { continue }
            if let group = makeGroup(items) { return group }
        }
        var best: Group?
        root.walk { node in
            guard node.isElement else { return false }
            let children = node.elementChildren
            guard children.count >= Self.minimumItems else { return true }
            var bySignature: [String: [Node]] = [:]
            for child in children { bySignature[signature(child), default: []].append(child) }
            for (_, items) in bySignature where items.count >= Self.minimumItems {
                // Inline items (links in a line of text) are navigation, not a listing.
                if Rules.inlineTags.contains(items[0].name) || TokenMatcher.matchesNonListingItem(items[0]) { continue }
                guard let group = makeGroup(items) else { continue }
                if best == nil || group.links.count > best!.links.count
                    || (group.links.count == best!.links.count && group.textLength > best!.textLength)
                {
                    best = group
                }
            }
            return true
        }
        return best
    }

    private func makeGroup(_ items: [Node]) -> Group? {
        var links: [URL] = []
        var seen = Set<String>()
        var withLink = 0
        var textLength = 0
        for item in items {
            textLength += TextMetrics.textLength(of: item)
            guard let url = itemLink(item) else { continue }
            withLink += 1
            if seen.insert(url.absoluteString).inserted { links.append(url) }
        }
        guard links.count >= Self.minimumItems, Double(withLink) >= 0.75 * Double(items.count) else { return nil }
        return Group(items: items, links: links, textLength: textLength)
    }

    /// The article link of one item: a link inside a heading first, else the link with the
    /// longest text; only links that can lead to an article.
    func itemLink(_ item: Node) -> URL? {
        let anchors = item.hasName("a") ? [item] : item.elements(named: "a")
        var best: (url: URL, score: Int)?
        for anchor in anchors {
            guard let url = articleURL(anchor.attribute("href")) else { continue }
            let text = TextTools.collapse(anchor.text)
            // A title has words: a one-word link (a user name, "more") is not an article title.
            var score = ByteSearch.containsText(text, " ") ? text.count : min(text.count, 9)
            if Self.isInHeading(anchor) { score += 1000 }
            if score < 15 && score < 1000 { score = max(score, (anchor.attribute("title") ?? "").count / 2) }
            if best == nil || score > best!.score { best = (url, score) }
        }
        guard let best, best.score >= 10 else { return nil }
        return best.url
    }

    private static let headingTags: Set<String> = ["h1", "h2", "h3", "h4", "h5", "h6"]

    /// Whether an ancestor element of the node is a heading (walked up without building the
    /// list of ancestors).
    private static func isInHeading(_ node: Node) -> Bool {
        var current = node.parentElement
        while let element = current {
            if headingTags.contains(element.name) { return true }
            current = element.parentElement
        }
        return false
    }

    /// A link target that can be an article: http(s), not a file, not the page itself, not a
    /// feed, not pagination or a filter.
    func articleURL(_ href: String?) -> URL? {
        guard let href else { return nil }
        if let known = memo.urls[href] { return known }
        let url = resolveArticleURL(href)
        memo.urls[href] = url
        return url
    }

    private func resolveArticleURL(_ href: String?) -> URL? {
        guard let href, !href.isEmpty, !href.hasPrefix("#") else { return nil }
        guard URLTools.isSafe(href, schemes: ["http", "https"]), let url = URLTools.resolve(href, against: base) else {
            return nil
        }
        guard let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https" else { return nil }
        if URLTools.isFile(url) { return nil }
        var withoutFragment = URLComponents(url: url, resolvingAgainstBaseURL: true)
        withoutFragment?.fragment = nil
        let clean = withoutFragment?.url ?? url
        if excluded.contains(clean.absoluteString) { return nil }
        if let pageURL, clean.absoluteString == pageURL.absoluteString { return nil }
        if isPagination(clean) { return nil }
        // Articles of a listing live on the listing's own site.
        if let site = (pageURL ?? base)?.host.map(Self.siteKey), let host = clean.host.map(Self.siteKey), site != host {
            return nil
        }
        return clean
    }

    private func isPagination(_ url: URL) -> Bool {
        let lower = url.absoluteString.lowercased()
        let markers = ["currentpage", "page=", "/page/", "seite=", "offset=", "start="]
        if let query = URLComponents(url: url, resolvingAgainstBaseURL: true)?.percentEncodedQuery?.lowercased() {
            let decoded = query.removingPercentEncoding ?? query
            if markers.contains(where: { Self.contains(decoded, $0) }) { return true }
            if Self.contains(decoded, "type=") || Self.contains(decoded, "filter") || Self.contains(decoded, "category") {
                return true
            }
        }
        return Self.contains(lower, "/page/")
    }

    /// `text.contains(marker)` (Foundation's search, which matches canonically equivalent
    /// text) for an ASCII marker, asked only when the marker's bytes occur: no other scalar
    /// sequence is canonically equivalent to these ASCII letters, `/` and `=`, so without the
    /// bytes there is no match, and most URLs hold none of the markers.
    private static func contains(_ text: String, _ marker: String) -> Bool {
        ByteSearch.contains(text, marker) && text.contains(marker)
    }

    private static func siteKey(_ host: String) -> String {
        let lower = host.lowercased()
        return lower.hasPrefix("www.") ? String(lower.dropFirst(4)) : lower
    }

    func signature(_ node: Node) -> String {
        let value = node.attribute("class") ?? ""
        if let classes = Self.asciiSignatureClasses(value) { return node.name + "." + classes.joined(separator: ".") }
        let classes = node.classList.map { $0.lowercased() }.filter { !$0.contains(where: \.isNumber) }.sorted()
        return node.name + "." + classes.joined(separator: ".")
    }

    /// The class tokens of `signature` for an ASCII class value, read as bytes: split at
    /// space, tab, CR and LF as `Node.classList` splits the Characters (a CR LF pair is one
    /// Character, which is none of them, so it stays inside its token), lower-cased, without
    /// tokens holding a digit (the only ASCII numbers), sorted (ASCII strings sort by bytes).
    /// Nil for a value with other bytes.
    static func asciiSignatureClasses(_ value: String) -> [String]? {
        var tokens: [String] = []
        var current: [UInt8] = []
        var hasDigit = false
        func finish() {
            if !current.isEmpty, !hasDigit { tokens.append(String(decoding: current, as: UTF8.self)) }
            current.removeAll(keepingCapacity: true)
            hasDigit = false
        }
        let bytes = Array(value.utf8)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte >= 0x80 { return nil }
            if byte == 0x0D, index + 1 < bytes.count, bytes[index + 1] == 0x0A {
                current.append(0x0D)
                current.append(0x0A)
                index += 2
                continue
            }
            if byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D {
                finish()
            } else {
                if byte >= 0x30 && byte <= 0x39 { hasDigit = true }
                current.append(byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte)
            }
            index += 1
        }
        finish()
        tokens.sort()
        return tokens
    }
}
