import Foundation
import Markup

/// Finds the article container. The cascade, first hit wins:
/// 1. the source's `content:` selector (feeds.yml);
/// 2. the CMS pack's content selectors;
/// 3. semantic markup (`itemprop=articleBody`, a dominant `<article>`, well-known body classes)
///    when it holds enough of the page's text;
/// 4. a scoring pass over paragraphs (text length, commas, link density, class hints), with the
///    top candidate's related siblings.
/// When the article appears several times on one page, every path picks one container — the
/// first of the fullest copies — so copies are never concatenated.
struct ContentFinder {
    /// How the container was found (feeds the confidence).
    enum Method: String {
        case selector, cms, semantic, scoring, body
        /// The fallback cascade's baseline: every reading block of the page.
        case baseline
    }

    /// A minimum of text for a selector hit to count.
    static let minimumSelectorText = 120
    /// Semantic containers must hold at least this share of the best scored candidate's text.
    static let semanticShare = 0.6

    /// Positive class/id hints (token parts).
    private static let positiveHints: [String] = [
        "article", "blog", "body", "content", "entry", "main", "news", "page", "post", "story", "text",
    ]
    /// Negative class/id hints (token parts).
    private static let negativeHints: [String] = [
        "ad-", "caption", "combx", "comment", "contact", "foot", "footer", "footnote", "hidden", "link", "masthead",
        "media", "meta", "outbrain", "promo", "related", "scroll", "shoutbox", "sidebar", "skyscraper", "sponsor",
        "shopping", "tags", "teaser", "tool", "widget",
    ]
    /// `Rules.articleGenreTokens`, longest first (removed from class/id values before the hints).
    private static let genreTokens = Rules.articleGenreTokens.sorted { $0.count > $1.count }
    /// Commas of the scripts on the pages (each counts a point): `,` `，` `、` `،`.
    private static let commas: [Unicode.Scalar] = [",", "，", "、", "،"]
    /// Well-known article body selectors, most specific first.
    private static let semanticSelectors: [String] = [
        "[itemprop=articleBody]", ".article-body", ".article__body", ".articleBody", ".article-content",
        ".article__content", ".entry-content", ".post-content", ".post-body", ".story-body", ".story-content",
        ".field-name-body", ".td-post-content", ".rich-text", ".c-article-body", "article",
    ]

    func find(in body: Node, document: HTMLDocument, selectors: [String], method: Method) -> (roots: [Node], method: Method)? {
        for selector in selectors {
            guard let matched = try? document.select(selector), !matched.isEmpty else { continue }
            // Outermost matches only, then the fullest copy among equal texts.
            let outer = matched.filter { node in !matched.contains { $0 != node && $0.contains(node) } }
            let withText = outer.filter { TextMetrics.textLength(of: $0) >= Self.minimumSelectorText }
            guard !withText.isEmpty else { continue }
            if method == .selector { return (withText, method) }
            return ([fullest(withText)], method)
        }
        return nil
    }

    /// The generic cascade (steps 3 and 4).
    func findGeneric(in body: Node, document: HTMLDocument) -> (roots: [Node], method: Method) {
        let scored = score(body)
        let best = scored.map { TextMetrics.textLength(of: $0.first!) } ?? 0
        for selector in Self.semanticSelectors {
            guard let matched = try? document.select(selector), !matched.isEmpty else { continue }
            let outer = matched.filter { node in !matched.contains { $0 != node && $0.contains(node) } }
            let candidates = outer.filter { paragraphTextLength($0) >= 200 }
            guard !candidates.isEmpty else { continue }
            let top = fullest(candidates)
            let length = TextMetrics.textLength(of: top)
            if Double(length) >= Self.semanticShare * Double(best), TextMetrics.linkDensity(of: top) < 0.5 {
                return ([top], .semantic)
            }
        }
        if let scored { return (scored, .scoring) }
        return ([body], .body)
    }

    /// The candidate with the most text; among near-equal texts, the first.
    func fullest(_ nodes: [Node]) -> Node {
        var best = nodes[0]
        var bestLength = paragraphTextLength(best)
        for node in nodes.dropFirst() {
            let length = paragraphTextLength(node)
            if Double(length) > Double(bestLength) * 1.1 {
                best = node
                bestLength = length
            }
        }
        return best
    }

    /// Text in paragraph-like elements of a subtree.
    func paragraphTextLength(_ node: Node) -> Int { TextMetrics.paragraphTextLength(of: node) }

    // MARK: Scoring

    /// Readability-style scoring: every paragraph gives points to its ancestors; the best
    /// candidate is returned with the siblings that look like part of the same article.
    func score(_ body: Node, classWeights: Bool = true) -> [Node]? {
        var scores: [Node: Double] = [:]
        var order: [Node] = []
        body.walk { node in
            guard node.isElement else { return false }
            let name = node.name
            let isParagraph: Bool
            switch name {
            case "p", "pre", "td", "blockquote": isParagraph = true
            case "div", "section", "li", "dd":
                isParagraph = hasDirectText(node)
            default: isParagraph = false
            }
            guard isParagraph else { return true }
            let text = TextTools.collapse(node.text)
            let length = text.count
            if length < 25 { return name != "p" }
            var points = 1.0
            points += Double(TextTools.count(Self.commas, in: text))
            points += min(Double(length) / 100, 3)
            let density = TextMetrics.linkDensity(of: node)
            points *= (1 - density)
            var ancestor = node.parentElement
            var level = 0
            while let current = ancestor, level < 3 {
                if scores[current] == nil {
                    scores[current] = initialScore(current, classWeights: classWeights)
                    order.append(current)
                }
                let divider = level == 0 ? 1.0 : (level == 1 ? 2.0 : Double(level) * 3)
                scores[current, default: 0] += points / divider
                ancestor = current.parentElement
                level += 1
                if current == body { break }
            }
            return name != "p" && name != "pre"
        }
        guard !order.isEmpty else { return nil }
        var top: Node?
        var topScore = -Double.infinity
        for node in order {
            let adjusted = scores[node, default: 0] * (1 - TextMetrics.linkDensity(of: node))
            scores[node] = adjusted
            if adjusted > topScore {
                topScore = adjusted
                top = node
            }
        }
        guard var candidate = top else { return nil }
        // Climb while the parent scores nearly as well (the article is split in sub-containers).
        while let parent = candidate.parentElement, parent != body, let parentScore = scores[parent],
            parentScore >= topScore * 0.75
        {
            candidate = parent
        }
        // Siblings that belong to the article.
        guard let parent = candidate.parentElement else { return [candidate] }
        let threshold = max(10, topScore * 0.2)
        let candidateClass = candidate.attribute("class")
        var roots: [Node] = []
        for sibling in parent.elementChildren {
            if sibling == candidate {
                roots.append(sibling)
                continue
            }
            var bonus = 0.0
            if let cls = candidateClass, !cls.isEmpty, sibling.attribute("class") == cls { bonus = topScore * 0.2 }
            if let siblingScore = scores[sibling], siblingScore + bonus >= threshold {
                roots.append(sibling)
            } else if sibling.hasName("p") {
                let text = TextTools.collapse(sibling.text)
                let density = TextMetrics.linkDensity(of: sibling)
                if (text.count > 80 && density < 0.25)
                    || (text.count > 0 && text.count <= 80 && density == 0 && (text.last == "." || text.last == "!" || text.last == "?"))
                {
                    roots.append(sibling)
                }
            }
        }
        return roots
    }

    private func initialScore(_ node: Node, classWeights: Bool) -> Double {
        var score: Double
        switch node.name {
        case "article": score = 10
        case "div", "main", "section": score = 5
        case "pre", "td", "blockquote": score = 3
        case "address", "ol", "ul", "dl", "dd", "dt", "li", "form": score = -3
        case "h1", "h2", "h3", "h4", "h5", "h6", "th": score = -5
        default: score = 0
        }
        return classWeights ? score + classWeight(node) : score
    }

    private func classWeight(_ node: Node) -> Double {
        var weight = 0.0
        for value in [node.attribute("class"), node.attribute("id")] {
            guard var value = value?.lowercased(), !value.isEmpty else { continue }
            // An article genre token ("commentary") is no negative hint ("comment").
            for genre in Self.genreTokens where ByteSearch.contains(value, genre) {
                value = value.replacingOccurrences(of: genre, with: " ")
            }
            if Self.negativeHints.contains(where: { ByteSearch.contains(value, $0) }) { weight -= 25 }
            if Self.positiveHints.contains(where: { ByteSearch.contains(value, $0) }) { weight += 25 }
        }
        if node.attribute("itemprop") == "articleBody" { weight += 50 }
        return weight
    }

    private func hasDirectText(_ node: Node) -> Bool {
        var total = 0
        var hasBlockChild = false
        for child in node.children {
            if child.isText {
                total += TextTools.collapse(child.content).count
            } else if child.isElement {
                if Rules.inlineTags.contains(child.name) {
                    total += TextTools.collapse(child.text).count
                } else {
                    hasBlockChild = true
                }
            }
        }
        return total >= 25 && (!hasBlockChild || total >= 100)
    }
}
