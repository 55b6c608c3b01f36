import FeedModel
import Foundation
import Markup

/// Page metadata read from the intact document before cleaning: `<meta>` tags, JSON-LD,
/// microdata, `<link>` elements, `<base>`, the `lang` attribute.
struct PageMetadata {
    var meta: [String: String] = [:]
    var jsonLD: [[String: Any]] = []
    var titleTag: String?
    var canonical: String?
    var baseHref: String?
    var language: String?
    var feeds: [String] = []
    var generator: String?
    /// `[itemprop=datePublished]` / `<time datetime>` values in document order.
    var microdataPublished: [String] = []
    var microdataModified: [String] = []
    /// Microdata `itemtype` values (`https://schema.org/Recipe`), in document order.
    var itemTypes: [String] = []
    /// "Erstellt von …" and similar bylines, in document order.
    var bylines: [String] = []

    /// The article object of the JSON-LD (NewsArticle, Article, BlogPosting, ...), if any.
    var articleLD: [String: Any]? {
        jsonLD.first { object in
            let type = (object["@type"] as? String) ?? ((object["@type"] as? [String])?.first ?? "")
            return type.hasSuffix("Article") || type == "BlogPosting" || type == "Report" || type == "WebPage"
                && object["datePublished"] != nil
        }
    }

    /// Whether the JSON-LD or the microdata describes the page as one article (not a collection;
    /// a blog's index marks up every post as a `BlogPosting`, so exactly one microdata item counts).
    var declaresArticle: Bool {
        jsonLD.contains { object in
            let type = (object["@type"] as? String) ?? ((object["@type"] as? [String])?.first ?? "")
            return Self.isArticleType(type)
        } || itemTypes.count { Self.isArticleType(String($0.split(separator: "/").last ?? "")) } == 1
    }

    /// A schema.org type of one article: Article and its subtypes (NewsArticle, ...), a blog
    /// post, a recipe.
    static func isArticleType(_ type: String) -> Bool {
        type.hasSuffix("Article") || type == "BlogPosting" || type == "Recipe"
    }

    static func read(_ document: HTMLDocument) -> PageMetadata {
        var result = PageMetadata()
        let root = document.root
        result.language = root?.attribute("lang") ?? root?.attribute("xml:lang")
        document.documentNode.walk { node in
            guard node.isElement else { return false }
            switch node.name {
            case "meta":
                let key = (node.attribute("property") ?? node.attribute("name") ?? node.attribute("itemprop") ?? "")
                    .lowercased()
                if let content = node.attribute("content"), !key.isEmpty, result.meta[key] == nil {
                    result.meta[key] = TextTools.collapse(content)
                }
                if let equiv = node.attribute("http-equiv")?.lowercased(), equiv == "content-language",
                    let content = node.attribute("content")
                {
                    result.meta["content-language"] = content
                }
                if key == "datepublished", let content = node.attribute("content") {
                    result.microdataPublished.append(content)
                }
                if key == "datemodified", let content = node.attribute("content") {
                    result.microdataModified.append(content)
                }
                return false
            case "title":
                if result.titleTag == nil, !(node.ancestors.contains { $0.hasName("svg") }) {
                    result.titleTag = TextTools.collapse(Self.textWithoutScripts(node))
                }
                return false
            case "link":
                let rel = (node.attribute("rel") ?? "").lowercased().split(separator: " ")
                if rel.contains("canonical"), result.canonical == nil { result.canonical = node.attribute("href") }
                if rel.contains("alternate"), let type = node.attribute("type")?.lowercased(),
                    ByteSearch.containsText(type, "rss") || ByteSearch.containsText(type, "atom")
                        || ByteSearch.containsText(type, "feed+json"),
                    let href = node.attribute("href")
                {
                    result.feeds.append(href)
                }
                return false
            case "base":
                if result.baseHref == nil { result.baseHref = node.attribute("href") }
                return false
            case "script":
                if ByteSearch.containsText((node.attribute("type") ?? "").lowercased(), "ld+json") {
                    result.jsonLD += Self.parseJSONLD(Self.ownText(node))
                }
                return false
            case "style", "svg":
                return false
            default:
                if let type = node.attribute("itemtype") { result.itemTypes.append(type) }
                if let prop = node.attribute("itemprop"), prop == "datePublished" || prop == "dateModified" {
                    let value = node.attribute("datetime") ?? node.attribute("content")
                        ?? TextTools.collapse(Self.textWithoutScripts(node))
                    if prop == "datePublished" { result.microdataPublished.append(value) }
                    if prop == "dateModified" { result.microdataModified.append(value) }
                }
                if node.hasName("time"), node.attribute("itemprop") == nil, let datetime = node.attribute("datetime"),
                    !Self.isInFooterRegion(node)
                {
                    result.microdataPublished.append(datetime)
                }
                return true
            }
        }
        result.generator = result.meta["generator"]
        return result
    }

    /// The text of a script: its own text (and CDATA) children. A script holds nothing else,
    /// but on broken pages libxml2 can nest later content inside one (what follows a root
    /// element's end, or a script in `<head>` followed by text); that content, with any scripts
    /// in it, is not the script's text.
    static func ownText(_ node: Node) -> String {
        var text = ""
        var child = node.firstChild
        while let current = child {
            if current.isText { text += current.content }
            child = current.nextSibling
        }
        return text
    }

    /// `text.trimmingCharacters(in: .whitespacesAndNewlines).data(using: .utf8)` without
    /// Foundation's trimming when the text, trimmed of ASCII white space, starts and ends with
    /// an ASCII character: no other white space can be left at its ends then.
    static func trimmedUTF8(_ text: String) -> Data? {
        let utf8 = text.utf8
        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || (byte >= 0x09 && byte <= 0x0D) }
        var start = utf8.startIndex
        var end = utf8.endIndex
        while start < end, isSpace(utf8[start]) { start = utf8.index(after: start) }
        while start < end, isSpace(utf8[utf8.index(before: end)]) { end = utf8.index(before: end) }
        if start < end, utf8[start] < 0x80, utf8[utf8.index(before: end)] < 0x80 { return Data(utf8[start..<end]) }
        return text.trimmingCharacters(in: .whitespacesAndNewlines).data(using: .utf8)
    }

    /// The text of a subtree without the text of the script and style elements in it (read
    /// before they are removed; the document may hold their text or not).
    static func textWithoutScripts(_ node: Node) -> String {
        var hasScript = false
        node.walk { child in
            if child.hasName("script") || child.hasName("style") { hasScript = true }
            return !hasScript && child.isElement
        }
        guard hasScript else { return node.text }
        var text = ""
        node.walk { child in
            if child.isText {
                text += child.content
                return false
            }
            return child.isElement && !child.hasName("script") && !child.hasName("style")
        }
        return text
    }

    private static func isInFooterRegion(_ node: Node) -> Bool {
        node.ancestors.contains { ancestor in
            ancestor.hasName("footer") || ancestor.hasName("aside")
                || TokenMatcher.tokens(of: ancestor).contains { $0 == "footer" || $0 == "sidebar" || $0.contains("related") }
        }
    }

    static func parseJSONLD(_ text: String) -> [[String: Any]] {
        guard let data = trimmedUTF8(text),
            let object = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
        else { return [] }
        var result: [[String: Any]] = []
        func collect(_ value: Any) {
            if let dictionary = value as? [String: Any] {
                result.append(dictionary)
                if let graph = dictionary["@graph"] { collect(graph) }
            } else if let array = value as? [Any] {
                for element in array { collect(element) }
            }
        }
        collect(object)
        return result
    }

    /// A name from a JSON-LD person/organization value (string, object, or array of either).
    static func name(from value: Any?) -> String? {
        if let string = value as? String { return TextTools.collapse(string).nilIfEmpty }
        if let object = value as? [String: Any] { return name(from: object["name"]) }
        if let array = value as? [Any] {
            let names = array.compactMap { name(from: $0) }
            return names.isEmpty ? nil : names.joined(separator: ", ")
        }
        return nil
    }
}

extension String {
    /// nil for an empty string.
    var nilIfEmpty: String? { isEmpty ? nil : self }
}

/// Reads title, dates, author and publisher with fallbacks, in one place.
struct MetadataResolver {
    let page: PageMetadata
    let dates = PageDates()

    /// The article's own heading: an `h1` inside or just before the content, unless it is a
    /// demo heading; else JSON-LD headline, og:title, `<title>` without the site name.
    func title(contentRoots: [Node], body: Node?) -> String? {
        let ogTitle = page.meta["og:title"] ?? page.meta["twitter:title"]
        var headings: [String] = []
        for root in contentRoots {
            for h1 in root.elements(named: "h1") { headings.append(TextTools.collapse(h1.text)) }
        }
        if let first = contentRoots.first {
            // The nearest heading before the content (the title often sits above the body).
            var node: Node? = first
            var steps = 0
            while let current = node, steps < 6, headings.isEmpty {
                var sibling = current.previousElementSibling
                while let candidate = sibling, headings.isEmpty {
                    if candidate.hasName("h1") {
                        headings.append(TextTools.collapse(candidate.text))
                    } else if let h1 = candidate.elements(named: "h1").last {
                        headings.append(TextTools.collapse(h1.text))
                    }
                    sibling = candidate.previousElementSibling
                }
                node = current.parentElement
                steps += 1
            }
        }
        headings = headings.filter { !$0.isEmpty && !DemoDetector.isDemo($0, isHeading: true) }
        if let heading = headings.first { return heading }
        if let headline = PageMetadata.name(from: page.articleLD?["headline"]) { return headline }
        if let body {
            let all = body.elements(named: "h1").map { TextTools.collapse($0.text) }.filter {
                !$0.isEmpty && !DemoDetector.isDemo($0, isHeading: true)
            }
            if all.count == 1 { return all[0] }
            if let og = ogTitle, let match = all.first(where: { og.contains($0) || $0.contains(og) }) { return match }
        }
        if let og = ogTitle, !og.isEmpty { return og }
        return page.titleTag.map(stripSiteName)
    }

    private func stripSiteName(_ title: String) -> String {
        for separator in [" | ", " – ", " — ", " - ", " :: ", " · "] where title.contains(separator) {
            let parts = title.components(separatedBy: separator)
            return parts.max { $0.count < $1.count } ?? title
        }
        return title
    }

    /// Published date: JSON-LD, meta tags, microdata/`<time>`, then a date written near the
    /// heading or at the top of the content.
    func published(contentRoots: [Node]) -> Date? {
        if let raw = page.articleLD?["datePublished"] as? String, let date = dates.machine(raw) { return date }
        for key in [
            "article:published_time", "og:published_time", "datepublished", "dc.date.issued", "dcterms.issued",
            "dc.date", "dcterms.date", "date", "pubdate", "publishdate", "publish-date", "sailthru.date",
            "parsely-pub-date", "dc.date.created", "dcterms.created",
        ] {
            if let raw = page.meta[key], let date = dates.machine(raw) ?? dates.inText(raw) { return date }
        }
        for raw in page.microdataPublished {
            if let date = dates.machine(raw) ?? dates.inText(raw) { return date }
        }
        return textDate(contentRoots: contentRoots)
    }

    /// Modified date from JSON-LD or meta tags.
    func updated() -> Date? {
        if let raw = page.articleLD?["dateModified"] as? String, let date = dates.machine(raw) { return date }
        for key in ["article:modified_time", "og:updated_time", "datemodified", "dc.date.modified", "dcterms.modified", "last-modified"] {
            if let raw = page.meta[key], let date = dates.machine(raw) { return date }
        }
        for raw in page.microdataModified {
            if let date = dates.machine(raw) { return date }
        }
        return nil
    }

    /// A date written in the first short blocks of the content or next to the heading, not
    /// one introduced as "Letzte Aktualisierung", "Stand" and the like.
    func textDate(contentRoots: [Node]) -> Date? {
        var texts: [String] = []
        for root in contentRoots {
            // Short elements in the content (date lines, meta lines), first ones first.
            root.walk { node in
                guard node.isElement else { return false }
                let text = TextTools.collapse(node.text)
                if text.count <= 120, !text.isEmpty {
                    texts.append(text)
                    return false
                }
                return true
            }
            // Siblings before the content (a header above the body).
            var sibling = root.previousElementSibling
            var count = 0
            while let candidate = sibling, count < 4 {
                let text = TextTools.collapse(candidate.text)
                if text.count <= 300 { texts.insert(text, at: 0) }
                sibling = candidate.previousElementSibling
                count += 1
            }
        }
        for text in texts.prefix(40) {
            let lower = text.lowercased()
            if Rules.footerDatePrefixes.contains(where: { lower.hasPrefix($0) || lower.contains($0 + ":") }) { continue }
            if let date = dates.inText(text) { return date }
        }
        return nil
    }

    /// The author: a byline ("Erstellt von …", "Von …", "By …"), meta author, JSON-LD author.
    func author() -> String? {
        if let byline = page.bylines.first { return byline }
        if let meta = page.meta["author"], !meta.isEmpty, !meta.hasPrefix("http") { return meta }
        if let name = PageMetadata.name(from: page.articleLD?["author"]) { return name }
        if let meta = page.meta["article:author"], !meta.hasPrefix("http") { return meta }
        return nil
    }

    /// The publisher: JSON-LD publisher, og:site_name, publisher meta tags, else the name in a
    /// copyright line or the site logo's alt text.
    func publisher(body: Node?) -> String? {
        if let name = PageMetadata.name(from: page.articleLD?["publisher"]) { return name }
        for key in ["og:site_name", "publisher", "dc.publisher", "dcterms.publisher", "application-name"] {
            if let value = page.meta[key], !value.isEmpty { return value }
        }
        guard let body else { return nil }
        for node in body.descendantElements where node.hasName("img") {
            guard let alt = node.attribute("alt").map(TextTools.collapse), alt.count >= 8,
                node.ancestors.contains(where: { ancestor in
                    ancestor.hasName("a") && {
                        let href = ancestor.attribute("href") ?? ""
                        return href == "/" || href.contains("home") || href.contains("startseite")
                            || (ancestor.attribute("title") ?? "").lowercased().contains("startseite")
                    }()
                })
            else { continue }
            var name = alt
            for prefix in ["Logo: ", "Logo ", "Logo des ", "Logo der "] where name.hasPrefix(prefix) {
                name = String(name.dropFirst(prefix.count))
            }
            if let range = name.range(of: " (Link zur Startseite)") { name = String(name[..<range.lowerBound]) }
            return name
        }
        return nil
    }

    /// The page language: `<html lang>`, content-language, og:locale; as a primary subtag.
    func language() -> String? {
        let raw = page.language ?? page.meta["content-language"] ?? page.meta["og:locale"] ?? page.meta["language"]
        guard let raw, !raw.isEmpty else { return nil }
        let primary = raw.split(whereSeparator: { $0 == "-" || $0 == "_" }).first.map { $0.lowercased() }
        return primary
    }
}

/// Collects bylines from the intact document.
enum BylineReader {
    /// Prefixes that introduce an author name, sorted.
    static let prefixes: [String] = ["Autor: ", "Autorin: ", "By ", "Erstellt von ", "Text: ", "Von "]

    static func bylines(in root: Node?) -> [String] {
        guard let root else { return [] }
        var result: [String] = []
        root.walk { node in
            guard node.isElement else { return false }
            if node.hasName("script") || node.hasName("style") { return false }
            // Cheap bound first: the collapsed text is at least as long as its non-space count.
            let length = node.textLength
            if length > 100 { return true }
            // Only ASCII white space (or nothing): the collapsed text is empty, no byline.
            if length == 0 { return false }
            let text = TextTools.collapse(node.text)
            let count = text.count
            guard count <= 100 else { return true }
            for prefix in ["Erstellt von ", "Autor: ", "Autorin: "] where text.hasPrefix(prefix) {
                let name = String(text.dropFirst(prefix.count)).trimmingCharacters(in: .whitespaces)
                if !name.isEmpty, name.count <= 80 { result.append(name) }
                return false
            }
            return count > 12
        }
        return result
    }
}
