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

    /// The points of this page's last scoring walk (see `score`).
    private let memo = Memo()

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
    static let semanticSelectors: [String] = [
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
        let semantic = SemanticMatches(Self.semanticSelectors, in: document)
        for (index, selector) in Self.semanticSelectors.enumerated() {
            guard let matched = semantic.matches[index] ?? (try? document.select(selector)), !matched.isEmpty else {
                continue
            }
            let outer = matched.filter { node in !matched.contains { $0 != node && $0.contains(node) } }
            let candidates = outer.filter { paragraphTextLength($0) >= 200 }
            guard !candidates.isEmpty else { continue }
            let top = fullest(candidates)
            let length = TextMetrics.textLength(of: top)
            if Double(length) >= Self.semanticShare * Double(best), TextMetrics.linkDensity(of: top) < 0.5 {
                return (withParts([top], body: body), .semantic)
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
        let points: Points
        if let kept = memo.points, kept.body == body, kept.generation == body.document.generation {
            points = kept
        } else {
            points = accumulate(body)
            memo.points = points
        }
        return choose(body, order: points.order, index: points.index, scores: classWeights ? points.weighted : points.unweighted)
    }

    /// The points of one scoring walk, with and without class/id weights (the walk and the
    /// paragraph texts are the same for both; the fallback cascade asks for the second).
    struct Points {
        let body: Node
        /// The document's change count when the points were gathered: valid while it holds.
        let generation: UInt32
        /// The scored elements in the order they were first reached.
        var order: [Node] = []
        /// Each scored element's position in `order` and the score arrays.
        var index: [Node: Int] = [:]
        var weighted: [Double] = []
        var unweighted: [Double] = []
    }

    /// The last scoring walk of this page (the cascade's second opinion scores the same body
    /// again, usually with the tree unchanged). A class so the value-typed finder can fill it;
    /// it lives and dies with one page's extraction.
    final class Memo {
        var points: Points?
    }

    private func accumulate(_ body: Node) -> Points {
        var result = Points(body: body, generation: body.document.generation)
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
            // The collapsed text's length and commas, counted on its bytes when its scalars
            // allow (the only comma among them is `,`).
            let length: Int
            let commas: Int
            if let counts = TextTools.collapsedCounts(of: node) {
                (length, commas) = counts
            } else {
                let text = TextTools.collapse(node.text)
                length = text.count
                commas = TextTools.count(Self.commas, in: text)
            }
            if length < 25 { return name != "p" }
            var points = 1.0
            points += Double(commas)
            points += min(Double(length) / 100, 3)
            let density = TextMetrics.linkDensity(of: node)
            points *= (1 - density)
            var ancestor = node.parentElement
            var level = 0
            while let current = ancestor, level < 3 {
                let position: Int
                if let known = result.index[current] {
                    position = known
                } else {
                    position = result.order.count
                    result.index[current] = position
                    result.order.append(current)
                    let base = initialScore(current)
                    result.weighted.append(base + classWeight(current))
                    result.unweighted.append(base)
                }
                let divider = level == 0 ? 1.0 : (level == 1 ? 2.0 : Double(level) * 3)
                result.weighted[position] += points / divider
                result.unweighted[position] += points / divider
                ancestor = current.parentElement
                level += 1
                if current == body { break }
            }
            return name != "p" && name != "pre"
        }
        return result
    }

    /// The best candidate of one set of scores, with its related siblings.
    private func choose(_ body: Node, order: [Node], index: [Node: Int], scores initial: [Double]) -> [Node]? {
        guard !order.isEmpty else { return nil }
        var scores = initial
        var top: Node?
        var topScore = -Double.infinity
        for (position, node) in order.enumerated() {
            let adjusted = scores[position] * (1 - TextMetrics.linkDensity(of: node))
            scores[position] = adjusted
            if adjusted > topScore {
                topScore = adjusted
                top = node
            }
        }
        guard var candidate = top else { return nil }
        // Climb while the parent scores nearly as well (the article is split in sub-containers).
        while let parent = candidate.parentElement, parent != body, let position = index[parent],
            scores[position] >= topScore * 0.75
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
            if let position = index[sibling], scores[position] + bonus >= threshold {
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
        return withParts(roots, body: body)
    }

    // MARK: Article parts

    /// A wrapper may hold at most this many characters besides what it wraps ...
    static let wrapperSlack = 150
    /// ... or this share of it, whichever is more (a section heading, a date line).
    static let wrapperSlackShare = 0.25
    /// Wrappers climbed at most when looking for the article's other parts.
    static let partLevels = 3
    /// A part holds at least this many characters of paragraph text ...
    static let partMinimumText = 100
    /// ... with at most this share of them in links.
    static let partLinkDensity = 0.3

    /// The chosen roots and the article's other parts: a CMS that splits the body into
    /// sections (one `articleBody` or `cssSection` per part, each maybe in its own wrapper)
    /// makes the scoring and the semantic pick see only one of them. Climbing from the roots
    /// through wrappers that hold little else (at most `wrapperSlack` characters or
    /// `wrapperSlackShare` of the text), a level whose element has siblings of the same tag
    /// and first class token holding reading text (`isPart`) gives the run of them around it:
    /// parts, headings before a part, and short blocks (ads, images) skipped, up to the first
    /// sibling with other text. Without such siblings the roots stay as they are.
    func withParts(_ roots: [Node], body: Node) -> [Node] {
        guard let first = roots.first, let parent = first.parentElement,
            roots.allSatisfy({ $0.parentElement == parent })
        else { return roots }
        var anchor = first
        var covered = roots.reduce(0) { $0 + TextMetrics.textLength(of: $1) }
        // The candidate's own level first (its siblings beside the roots), then the wrappers.
        for level in 0...Self.partLevels {
            if level > 0 {
                guard let up = anchor.parentElement, up != body, up.parentElement != nil else { break }
                let extra = TextMetrics.textLength(of: up) - covered
                guard Double(extra) <= max(Double(Self.wrapperSlack), Self.wrapperSlackShare * Double(covered)) else { break }
                anchor = up
                covered = TextMetrics.textLength(of: up)
            }
            guard let key = Self.firstClassToken(anchor), let container = anchor.parentElement, !Self.isNonArticle(anchor)
            else { continue }
            let siblings = container.elementChildren
            let ends = level == 0 ? roots : [anchor]
            guard let start = siblings.firstIndex(of: ends.first!), let end = siblings.lastIndex(of: ends.last!) else {
                continue
            }
            let isPart: (Node) -> Bool = { node in
                !roots.contains(node) && node.name == anchor.name && Self.firstClassToken(node) == key
                    && self.paragraphTextLength(node) >= Self.partMinimumText
                    && TextMetrics.linkDensity(of: node) <= Self.partLinkDensity && !Self.isNonArticle(node)
                    && !Self.hasLinkedHeading(node)
            }
            let after = Self.run(siblings[(end + 1)...], forward: true, isPart: isPart)
            let before = Self.run(siblings[..<start].reversed(), forward: false, isPart: isPart).reversed()
            guard after.contains(where: isPart) || before.contains(where: isPart) else { continue }
            return Array(before) + ends + after
        }
        return roots
    }

    /// The parts in a run of siblings (`forward` in document order, else backwards from the
    /// roots): a heading goes with the part after it in the document, short blocks are
    /// skipped, anything else ends the run.
    private static func run<S: Sequence>(_ siblings: S, forward: Bool, isPart: (Node) -> Bool) -> [Node]
    where S.Element == Node {
        var found: [Node] = []
        var pending: [Node] = []
        for node in siblings {
            if isPart(node) {
                found += pending + [node]
                pending = []
            } else if node.name.count == 2, node.name.hasPrefix("h"), node.name.last!.isNumber {
                // Backwards, what follows the heading in the document was a part (or the roots).
                if forward { pending.append(node) } else { found.append(node) }
            } else if TextMetrics.readingTextLength(of: node) < partMinimumText {
                continue
            } else {
                break
            }
        }
        return found
    }

    /// Whether the class/id name something beside the article (comments, replies, related
    /// news, a teaser, a sidebar): never an article part, however much text it holds.
    static func isNonArticle(_ node: Node) -> Bool {
        TokenMatcher.contentBoilerplateMatch(node) != .none || TokenMatcher.matchesNonListingItem(node)
            || TokenMatcher.matchesTemplate(node)
    }

    /// Whether a subtree holds a heading that is mostly a link: the title of a post in a
    /// listing or of a teaser, which is its own article, not a part of this one.
    static func hasLinkedHeading(_ node: Node) -> Bool {
        var found = false
        node.walk { child in
            guard !found, child.isElement else { return false }
            let name = child.name
            guard name.count == 2, name.hasPrefix("h"), name.last!.isNumber else { return true }
            found = TextMetrics.linkDensity(of: child) > 0.5
            return false
        }
        return found
    }

    /// The first token of an element's class value that names what it holds rather than
    /// where it sits (`Rules.layoutClassTokens`, or a token with a digit: "col-md-8",
    /// "small-12"); nil without one. Two siblings called "row" can be anything.
    static func firstClassToken(_ node: Node) -> Substring? {
        guard let value = node.attribute("class") else { return nil }
        let tokens = value.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" })
        return tokens.first { token in
            !token.contains(where: \.isNumber) && !Rules.layoutClassTokens.contains(token.lowercased())
        }
    }

    /// The score an element starts with by its tag (`classWeight` is added for the first pass).
    private func initialScore(_ node: Node) -> Double {
        var score: Double
        switch node.name {
        case "article": score = 10
        case "div", "main", "section": score = 5
        case "pre", "td", "blockquote": score = 3
        case "address", "ol", "ul", "dl", "dd", "dt", "li", "form": score = -3
        case "h1", "h2", "h3", "h4", "h5", "h6", "th": score = -5
        default: score = 0
        }
        return score
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
                total += TextTools.collapsedCount(of: child)
            } else if child.isElement {
                if Rules.inlineTags.contains(child.name) {
                    total += TextTools.collapsedCount(of: child)
                } else {
                    hasBlockChild = true
                }
            }
        }
        return total >= 25 && (!hasBlockChild || total >= 100)
    }
}

/// The elements each of a list of selectors matches, found in one walk of the document
/// instead of one XPath evaluation per selector (a class selector evaluates `normalize-space`,
/// `concat` and `contains` on every element of the page). Three simple forms are matched here,
/// with the semantics of the XPath `CSSSelector` compiles them to: `.name` (a token of the
/// `class` value split at XML white space, byte-equal), `[name=value]` (the attribute value
/// byte-equal) and `tag` (the element name). The matches are every element of the document
/// in document order, as `document.select` returns them. A selector of another form gets
/// `nil` (the caller asks libxml2).
struct SemanticMatches {
    private enum Simple {
        case className([UInt8])
        case attribute(name: String, value: String)
        case tag(String)

        init?(_ selector: String) {
            func isName(_ text: Substring) -> Bool {
                !text.isEmpty && text.utf8.allSatisfy { byte in
                    (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x30 && byte <= 0x39)
                        || byte == 0x2D || byte == 0x5F
                }
            }
            if selector.hasPrefix("."), isName(selector.dropFirst()) {
                self = .className(Array(selector.utf8.dropFirst()))
            } else if selector.hasPrefix("["), selector.hasSuffix("]") {
                let inner = selector.dropFirst().dropLast()
                let parts = inner.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                guard parts.count == 2, isName(parts[0]), isName(parts[1]) else { return nil }
                self = .attribute(name: parts[0].lowercased(), value: String(parts[1]))
            } else if isName(selector[...]), selector.utf8.allSatisfy({ $0 >= 0x61 && $0 <= 0x7A }) {
                self = .tag(selector)
            } else {
                return nil
            }
        }
    }

    /// The matches of each selector, in the order of the selectors; nil for a selector of
    /// another form.
    let matches: [[Node]?]

    init(_ selectors: [String], in document: MarkupDocument) {
        let simple = selectors.map(Simple.init)
        var found: [[Node]?] = simple.map { $0 == nil ? nil : [] }
        let needsClass = simple.contains { if case .className = $0 { true } else { false } }
        document.documentNode.walk { node in
            guard node.isElement else { return false }
            let classTokens = needsClass ? Self.classTokens(node.attribute("class")) : []
            for (index, selector) in simple.enumerated() {
                guard let selector else { continue }
                let hit: Bool
                switch selector {
                case .className(let name): hit = classTokens.contains { $0.elementsEqual(name) }
                case .attribute(let name, let value): hit = node.attribute(name) == value
                case .tag(let name): hit = node.hasName(name)
                }
                if hit { found[index]!.append(node) }
            }
            return true
        }
        matches = found
    }

    /// The tokens of a class value split at XML white space (space, tab, CR, LF), which is what
    /// `contains(concat(' ', normalize-space(@class), ' '), ' name ')` tests a name against.
    private static func classTokens(_ value: String?) -> [ArraySlice<UInt8>] {
        guard let value, !value.isEmpty else { return [] }
        return Array(value.utf8).split { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }
    }
}

