import Markup

/// Cleaning, in two phases. The template phase removes what is never content anywhere on a page
/// (scripts, forms, navigation, header/footer outside the article, cookie banners, skip links,
/// breadcrumbs, pagination); it runs before link discovery. The content phase removes the
/// blocks that sit inside the content area without being the article (share bars, related
/// news, teaser lists, sliders, galleries, comments); it runs on the chosen content only.
struct Cleaner {
    /// Removes every `<script>` and `<style>` element under `root` (the page's metadata reads
    /// the JSON-LD first).
    static func removeScripts(from root: Node) {
        root.walk { node in
            guard node.isElement else { return false }
            if node.hasName("script") || node.hasName("style") {
                node.remove()
                return false
            }
            return true
        }
    }

    /// Phase 1: the page template.
    func removeTemplate(from body: Node) {
        // First what never shows as text (scripts, styles, comments), so the text measures of
        // the second pass count what a reader sees.
        body.walk { node in
            guard node.isElement else {
                if node.kind == .comment { node.remove() }
                return false
            }
            if Rules.invisibleTags.contains(node.name) {
                node.remove()
                return false
            }
            return true
        }
        let pageText = (reading: TextMetrics.readingTextLength(of: body), paragraphs: TextMetrics.paragraphTextLength(of: body))
        body.walk { node in
            guard node.isElement, isTemplate(node) else { return node.isElement }
            // Broken markup (an unclosed <header>, <noscript> or <aside>, a hidden wrapper) can
            // enclose the whole page: an element holding most of the page's reading text is
            // never template; its children are judged one by one instead.
            if wrapsPage(node, pageText: pageText) { return true }
            node.remove()
            return false
        }
    }

    /// Whether an element is page template by tag, position, visibility, role or class/id.
    private func isTemplate(_ node: Node) -> Bool {
        let name = node.name
        if Rules.removedTags.contains(name) { return true }
        if name == "form" || name == "header" || name == "footer" || name == "aside" {
            // A header inside an article is its heading; a small footer or aside inside an
            // article is its meta line; a form is never content (unless it wraps the page).
            let insideArticle = node.ancestors.contains { $0.hasName("article") }
            if name == "form" { return true }
            // An article's own header (headline and lead) often sits outside `<article>`; a
            // site header never carries a paragraph of reading text. Its children are judged
            // one by one (navigation in it still goes).
            if name == "header", !insideArticle, Self.holdsReadingParagraph(node) { return false }
            if !insideArticle { return true }
            return name != "header" && TextMetrics.textLength(of: node) < 200
        }
        if isHidden(node) || hasTemplateRole(node) { return true }
        return TokenMatcher.matchesTemplate(node) && !TokenMatcher.isProtected(node) && !node.hasName("main")
    }

    /// A `<p>` with at least this many characters outside links is reading text.
    static let readingParagraphLength = 120
    /// ... when at most this share of its characters are links.
    static let readingParagraphLinkDensity = 0.2

    /// Whether a subtree holds a `<p>` of reading text (long, few links).
    static func holdsReadingParagraph(_ node: Node) -> Bool {
        var found = false
        node.walk { child in
            guard !found, child.isElement else { return false }
            guard child.hasName("p") else { return true }
            found = isReadingParagraph(child)
            return false
        }
        return found
    }

    /// A `<p>` with at least `readingParagraphLength` characters outside links and a link
    /// density of at most `readingParagraphLinkDensity`.
    static func isReadingParagraph(_ node: Node) -> Bool {
        TextMetrics.readingTextLength(of: node) >= readingParagraphLength
            && TextMetrics.linkDensity(of: node) <= readingParagraphLinkDensity
    }

    /// Whether an element holds most of the page's reading text or of its paragraph text (and
    /// so is not template). Two measures, because a long cookie notice or link-heavy article
    /// can each make one of them miss the wrapper.
    private func wrapsPage(_ node: Node, pageText: (reading: Int, paragraphs: Int)) -> Bool {
        let reading = TextMetrics.readingTextLength(of: node)
        if reading >= Self.wrapperMinimumText, Double(reading) > Self.wrapperReadingShare * Double(pageText.reading) {
            return true
        }
        let paragraphs = TextMetrics.paragraphTextLength(of: node)
        return paragraphs > Self.wrapperMinimumParagraphText
            && Double(paragraphs) > Self.wrapperParagraphShare * Double(pageText.paragraphs)
    }

    /// An element holding more than this share of the page's reading text wraps the page ...
    static let wrapperReadingShare = 0.5
    /// ... if it holds at least this many characters.
    static let wrapperMinimumText = 200
    /// An element holding more than this share of the page's paragraph text wraps the page ...
    static let wrapperParagraphShare = 0.4
    /// ... if it holds more than this many paragraph characters.
    static let wrapperMinimumParagraphText = 300

    /// Phase 2: boilerplate inside the content area, returned rather than removed, so several
    /// candidate extractions can be built from one document (the fallback cascade).
    func contentBoilerplate(in roots: [Node]) -> Set<Node> {
        var found = Set<Node>()
        // The bulk is measured against all the roots together: a root that is mostly a
        // related box (a sibling section of the article) does not protect that box.
        let totalText = roots.reduce(0) { $0 + TextMetrics.paragraphTextLength(of: $1) }
        for root in roots {
            root.walk { node in
                guard node.isElement else { return false }
                let match = TokenMatcher.contentBoilerplateMatch(node)
                if match == .weak, Self.isReadingBlock(node) { return true }
                if match != .none, !protects(node, totalText: totalText) {
                    found.insert(node)
                    return false
                }
                return true
            }
        }
        return found
    }

    /// Whether an element matched only by a weak token (`teaser`, `widget`, `author`) is
    /// article text after all: a lone paragraph or heading with few links (a lead styled as
    /// "teaser"), or a block with at least `readingBlockParagraphs` paragraphs of reading text
    /// and few links overall (a page builder's text widget). Teaser lists, sidebar widgets and
    /// author boxes hold short or link-heavy text and stay boilerplate.
    static func isReadingBlock(_ node: Node) -> Bool {
        let name = node.name
        if name == "p" || (name.count == 2 && name.hasPrefix("h") && name.last!.isNumber) {
            return TextMetrics.linkDensity(of: node) < 0.5
        }
        guard TextMetrics.linkDensity(of: node) < readingParagraphLinkDensity else { return false }
        var paragraphs = 0
        node.walk { child in
            guard paragraphs < readingBlockParagraphs, child.isElement else { return false }
            guard child.hasName("p") else { return true }
            if isReadingParagraph(child) { paragraphs += 1 }
            return false
        }
        return paragraphs >= readingBlockParagraphs
    }

    /// Paragraphs of reading text that make a weakly matched block article text.
    static let readingBlockParagraphs = 2

    /// Removes every element matched by one of the selectors (invalid selectors are ignored;
    /// the configuration check reports them).
    func strip(_ selectors: [String], in document: MarkupDocument) {
        for selector in selectors {
            for node in (try? document.select(selector)) ?? [] { node.remove() }
        }
    }

    private func isHidden(_ node: Node) -> Bool {
        if node.attribute("hidden") != nil { return true }
        if node.attribute("aria-hidden") == "true" { return true }
        if let style = node.attribute("style")?.lowercased().filter({ $0 != " " }),
            ByteSearch.contains(style, "display:none") || ByteSearch.contains(style, "visibility:hidden")
        {
            return true
        }
        return false
    }

    private func hasTemplateRole(_ node: Node) -> Bool {
        guard let role = node.attribute("role")?.lowercased() else { return false }
        return Rules.templateRoles.contains(role)
    }

    /// An element that holds most of the page's text is never removed by a class rule: a
    /// class name alone is weak evidence against the bulk of the page.
    private func protects(_ node: Node, totalText: Int) -> Bool {
        if node.hasName("body") || node.hasName("html") || node.hasName("main") { return true }
        if TokenMatcher.isProtected(node) { return true }
        // A list named related, comments, teasers ... is its items, however much text their
        // excerpts hold: never the article body.
        if node.hasName("ul") || node.hasName("ol") { return false }
        return holdsMostText(node, totalText: totalText)
    }

    /// Whether an element holds the bulk (more than half) of the content's paragraph text.
    private func holdsMostText(_ node: Node, totalText: Int) -> Bool {
        let length = TextMetrics.paragraphTextLength(of: node)
        return totalText > 0 && length > 300 && Double(length) > 0.5 * Double(totalText)
    }
}

/// Class/id token matching against the rule tables.
enum TokenMatcher {
    /// The lower-cased tokens of an element's class and id, split at non-alphanumerics.
    static func tokens(of node: Node) -> [Substring] {
        var raw = ""
        if let cls = node.attribute("class") { raw += cls.lowercased() }
        if let id = node.attribute("id") { raw += " " + id.lowercased() }
        guard !raw.isEmpty else { return [] }
        // ASCII (nearly every class and id): a Character is a letter or number exactly when
        // its byte is one, so split the bytes without looking up Unicode properties.
        if raw.utf8.allSatisfy({ $0 < 0x80 }) {
            return raw.utf8.split(whereSeparator: { !Self.isASCIIAlphanumeric($0) }).map { Substring($0) }
        }
        return raw.split(whereSeparator: { !($0.isLetter || $0.isNumber) })
    }

    private static func isASCIIAlphanumeric(_ byte: UInt8) -> Bool {
        (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x30 && byte <= 0x39)
    }

    static func matchesTemplate(_ node: Node) -> Bool {
        for token in tokens(of: node) {
            if Rules.templateTokensExact.contains(String(token)) { return true }
            // A token shorter than every part holds none of them (most tokens: "col", "md").
            guard token.utf8.count >= shortestTemplatePart else { continue }
            for part in Rules.templateTokenParts where ByteSearch.contains(token, part) { return true }
        }
        return false
    }

    /// The byte length of the shortest part of each token part table.
    private static let shortestTemplatePart = Rules.templateTokenParts.map(\.utf8.count).min() ?? 0
    private static let shortestContentPart = Rules.contentTokenParts.map(\.utf8.count).min() ?? 0

    /// How strongly an element's class/id marks content-level boilerplate.
    enum TokenMatch {
        case none
        /// Only tokens of `Rules.weakContentTokens` matched: the text decides.
        case weak
        case strong
    }

    static func contentBoilerplateMatch(_ node: Node) -> TokenMatch {
        var weak = false
        for token in tokens(of: node) {
            let text = String(token)
            if Rules.articleGenreTokens.contains(text) { continue }
            let hit = Rules.contentTokensExact.contains(text)
                || (token.utf8.count >= shortestContentPart && Rules.contentTokenParts.contains { ByteSearch.contains(token, $0) })
            guard hit else { continue }
            if Rules.weakContentTokens.contains(text) { weak = true } else { return .strong }
        }
        return weak ? .weak : .none
    }

    /// Whether an element is a comment, answer, forum post or slide: repeated, linked, but
    /// never an item of a listing of articles.
    static func matchesNonListingItem(_ node: Node) -> Bool {
        for token in tokens(of: node) where !Rules.articleGenreTokens.contains(String(token)) {
            for part in Rules.nonListingItemTokenParts where ByteSearch.contains(token, part) { return true }
        }
        return false
    }

    static func isProtected(_ node: Node) -> Bool {
        var raw = ""
        if let cls = node.attribute("class") { raw += cls.lowercased() }
        if let id = node.attribute("id") { raw += " " + id.lowercased() }
        if node.attribute("itemprop") == "articleBody" { return true }
        guard !raw.isEmpty else { return false }
        return Rules.protectedTokenParts.contains { ByteSearch.contains(raw, $0) }
    }
}

/// Text measures over the DOM.
enum TextMetrics {
    /// The number of non-whitespace characters of a subtree's text.
    static func textLength(of node: Node) -> Int { node.textLength }

    /// Non-whitespace characters inside links of a subtree.
    static func linkTextLength(of node: Node) -> Int {
        if node.hasName("a") { return node.textLength }
        var count = 0
        node.walk { child in
            guard child.isElement else { return false }
            if child.hasName("a") {
                count += child.textLength
                return false
            }
            return true
        }
        return count
    }

    /// Text in paragraph-like elements (p, li, headings, pre, blockquote, td) of a subtree.
    static func paragraphTextLength(of node: Node) -> Int {
        var total = 0
        node.walk { child in
            guard child.isElement else { return false }
            switch child.name {
            case "p", "pre", "blockquote", "td", "li", "h2", "h3", "h4", "h5", "h6", "dd":
                total += child.textLength
                return false
            default:
                return true
            }
        }
        return total
    }

    /// Characters outside links (what is read, not clicked).
    static func readingTextLength(of node: Node) -> Int { max(0, textLength(of: node) - linkTextLength(of: node)) }

    /// Link characters over all characters (0 when there is no text).
    static func linkDensity(of node: Node) -> Double {
        let total = textLength(of: node)
        guard total > 0 else { return 0 }
        return Double(linkTextLength(of: node)) / Double(total)
    }
}
