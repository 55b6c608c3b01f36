import Markup

/// Cleaning, in two phases. The template phase removes what is never content anywhere on a page
/// (scripts, forms, navigation, header/footer outside the article, cookie banners, skip links,
/// breadcrumbs, pagination); it runs before link discovery. The content phase removes the
/// blocks that sit inside the content area without being the article (share bars, related
/// news, teaser lists, sliders, galleries, comments); it runs on the chosen content only.
struct Cleaner {
    /// Phase 1: the page template.
    func removeTemplate(from body: Node) {
        let totalText = TextMetrics.paragraphTextLength(of: body)
        body.walk { node in
            guard node.isElement else {
                if node.kind == .comment { node.remove() }
                return false
            }
            let name = node.name
            if Rules.removedTags.contains(name) {
                // A <nav> that wraps the whole page is a broken template, not navigation.
                if name == "nav", holdsMostText(node, totalText: totalText) { return true }
                node.remove()
                return false
            }
            if name == "form" || name == "header" || name == "footer" || name == "aside" {
                // A form that wraps the whole page (ASP.NET) or a header inside an article stays.
                let insideArticle = node.ancestors.contains { $0.hasName("article") }
                if name == "header" && insideArticle { return true }
                if name != "aside" && holdsMostText(node, totalText: totalText) { return true }
                if (name == "footer" || name == "aside") && insideArticle && TextMetrics.textLength(of: node) < 200 {
                    node.remove()
                    return false
                }
                if !insideArticle || name == "form" {
                    node.remove()
                    return false
                }
                return true
            }
            if isHidden(node) || hasTemplateRole(node) {
                node.remove()
                return false
            }
            if TokenMatcher.matchesTemplate(node), !protects(node, totalText: totalText) {
                node.remove()
                return false
            }
            return true
        }
    }

    /// Phase 2: boilerplate inside the content area.
    func removeContentBoilerplate(from root: Node) {
        let totalText = TextMetrics.paragraphTextLength(of: root)
        root.walk { node in
            guard node.isElement else { return false }
            if TokenMatcher.matchesContentBoilerplate(node), !protects(node, totalText: totalText) {
                node.remove()
                return false
            }
            return true
        }
    }

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
            style.contains("display:none") || style.contains("visibility:hidden")
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
        return holdsMostText(node, totalText: totalText)
    }

    /// Whether an element holds the bulk of the page's paragraph text.
    private func holdsMostText(_ node: Node, totalText: Int) -> Bool {
        let length = TextMetrics.paragraphTextLength(of: node)
        return totalText > 0 && length > 300 && Double(length) > 0.4 * Double(totalText)
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
        return raw.split(whereSeparator: { !($0.isLetter || $0.isNumber) })
    }

    static func matchesTemplate(_ node: Node) -> Bool {
        for token in tokens(of: node) {
            if Rules.templateTokensExact.contains(String(token)) { return true }
            for part in Rules.templateTokenParts where token.contains(part) { return true }
        }
        return false
    }

    static func matchesContentBoilerplate(_ node: Node) -> Bool {
        for token in tokens(of: node) {
            if Rules.contentTokensExact.contains(String(token)) { return true }
            for part in Rules.contentTokenParts where token.contains(part) { return true }
        }
        return false
    }

    static func isProtected(_ node: Node) -> Bool {
        var raw = ""
        if let cls = node.attribute("class") { raw += cls.lowercased() }
        if let id = node.attribute("id") { raw += " " + id.lowercased() }
        if node.attribute("itemprop") == "articleBody" { return true }
        guard !raw.isEmpty else { return false }
        return Rules.protectedTokenParts.contains { raw.contains($0) }
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

    /// Link characters over all characters (0 when there is no text).
    static func linkDensity(of node: Node) -> Double {
        let total = textLength(of: node)
        guard total > 0 else { return 0 }
        return Double(linkTextLength(of: node)) / Double(total)
    }
}
