import FeedModel
import FeedParsing
import Foundation
import Markup

/// One page through the stages, in this order (each step explains why it sits where it does):
/// 1. metadata from the intact document (cleaning would remove `<head>` scripts with JSON-LD,
///    bylines and `<time>` elements in article footers);
/// 2. CMS fingerprint, so its rules apply before the generic heuristics;
/// 3. template cleaning (scripts, forms, navigation, header/footer, cookie banners);
/// 4. link discovery on the cleaned page (navigation links are gone, teaser items are not yet);
/// 5. content selection: `content:` selector, CMS selectors, semantic markup, scoring;
/// 6. images, attachments, title and date from the chosen content, before blocks are stripped;
/// 7. strip selectors and content-level boilerplate (share bars, related news, sliders, ...);
/// 8. blocks: demo and placeholder blocks, in-page duplicates and repeated filler removed;
///    the lead, when the page describes it and it sits before the content, put first (its
///    blocks filtered alike); a recipe's declared ingredients' visible list when the content
///    left it out;
/// 9. the sanitizer, last, renders the HTML.
struct PagePipeline {
    let options: ExtractionOptions
    let document: HTMLDocument
    let url: URL?
    /// The page's first bytes, ASCII lower-cased (CMS fingerprints).
    let rawPrefix: [UInt8]

    func run() -> PageExtraction {
        // Without <body> (fragments, broken pages) the document node is the page.
        let body = document.body ?? document.documentNode
        var page = PageMetadata.read(document)
        // Scripts and styles have given their JSON-LD: from here on no step can count their
        // text, which the document may hold or not (`HTMLDocument(skipsScriptText:)`).
        Cleaner.removeScripts(from: document.documentNode)
        page.bylines = BylineReader.bylines(in: body)
        let base = page.baseHref.flatMap { URLTools.resolve($0, against: url) } ?? url
        var feeds: [URL] = []
        for href in page.feeds {
            if let feed = URLTools.resolve(href, against: base).map(URLTools.canonical), !feeds.contains(feed) {
                feeds.append(feed)
            }
        }
        let cms = detectCMS(page)

        let cleaner = Cleaner()
        cleaner.removeTemplate(from: body)
        let frequencies = blockFrequencies(body)

        // Link discovery.
        let canonicalRaw = page.canonical.flatMap { URLTools.resolve($0, against: base) }
        var excluded = Set(feeds.map(\.absoluteString))
        if let canonicalRaw { excluded.insert(canonicalRaw.absoluteString) }
        let discovery = LinkDiscovery(base: base, pageURL: url, excluded: excluded)
        var links: [URL] = []
        var group: LinkDiscovery.Group?
        if let selector = options.links {
            links = discovery.links(selector: selector, in: document)
        } else {
            group = discovery.bestGroup(in: body, preferred: cms?.listItems ?? [], document: document)
        }

        // Content selection.
        let finder = ContentFinder()
        var selection: (roots: [Node], method: ContentFinder.Method)?
        if let content = options.content {
            selection = finder.find(in: body, document: document, selectors: [content], method: .selector)
        }
        if selection == nil, let cms {
            selection = finder.find(in: body, document: document, selectors: cms.content, method: .cms)
        }
        let chosen = selection ?? finder.findGeneric(in: body, document: document)

        // Listing or article, by signal.
        if options.links != nil, !links.isEmpty {
            return PageExtraction(kind: .listing, links: links, feeds: feeds)
        }
        // A page that declares itself an article (og:type, JSON-LD) is one, whatever its teasers.
        let declaresArticle = page.meta["og:type"]?.lowercased() == "article" || page.declaresArticle
        if let group, chosen.method != .cms, chosen.method != .selector, !declaresArticle,
            PageKindDecision().isListing(group: group, contentRoots: chosen.roots)
        {
            return PageExtraction(kind: .listing, links: group.links, feeds: feeds)
        }

        let resolver = MetadataResolver(page: page)
        let title = resolver.title(contentRoots: chosen.roots, body: body)
        let published = resolver.published(contentRoots: chosen.roots)
        let media = MediaCollector(base: base)
        let images = media.images(in: chosen.roots)
        let attachments = media.attachments(in: chosen.roots)

        cleaner.strip((cms?.strip ?? []) + options.strip, in: document)
        let filter = BlockFilter(title: title, frequencies: frequencies)
        let extraction = FallbackCascade(cleaner: cleaner, filter: filter, finder: finder).run(main: chosen, body: body)
        var blocks = extraction.blocks
        if extraction.method != .selector {
            let description = page.meta["og:description"] ?? page.meta["description"] ?? page.meta["twitter:description"]
            // Recipe pages: the declared ingredients' visible list when the content left it out.
            blocks = RecipeIngredients(objects: page.jsonLD).list(body: body, blocks: blocks, filter: filter) + blocks
            let lead = LeadRecovery(description: description).lead(body: body, roots: chosen.roots, blocks: blocks)
            if !lead.isEmpty {
                // The lead element can hold more than the lead (an excerpt box with its meta
                // lines and comment link): its blocks pass the same filter, and a block the
                // content already holds is not repeated.
                let present = Set(blocks.map { TextTools.key($0.text) })
                blocks = filter.filter(lead).filter { !present.contains(TextTools.key($0.text)) } + blocks
            }
            // Script-rendered pages: the declared article body when the DOM holds little of it.
            if let declared = StructuredBody(objects: page.jsonLD).replacement(for: blocks) { blocks = declared }
        }
        let sanitizer = Sanitizer(baseURL: base, excluded: extraction.excluded)
        let rendered = BlockRenderer(sanitizer: sanitizer).render(blocks)

        var canonical = canonicalRaw.map(URLTools.canonical)
        if canonical == nil, let url { canonical = URLTools.canonical(url) }
        let article = Article(
            url: url, canonical: canonical, title: title, published: published, updated: resolver.updated(),
            author: resolver.author(), publisher: resolver.publisher(body: body), language: resolver.language(),
            text: rendered.text, html: rendered.html, images: images, attachments: attachments,
            confidence: confidence(method: extraction.method, blocks: blocks), cms: cms?.name)
        return PageExtraction(kind: .article, article: article, links: [], feeds: feeds)
    }

    private func detectCMS(_ page: PageMetadata) -> CMSPack? {
        let generator = (page.generator ?? "").lowercased()
        for pack in CMSPack.all where pack.generatorMarkers.contains(where: { ByteSearch.contains(generator, $0) }) { return pack }
        for pack in CMSPack.all where pack.sourceMarkers.contains(where: { ByteSearch.contains(rawPrefix, $0) }) { return pack }
        return nil
    }

    /// How often each block text occurs on the (template-cleaned) page.
    private func blockFrequencies(_ body: Node) -> [String: Int] {
        var counts: [String: Int] = [:]
        for block in BlockBuilder().blocks(in: [body]) where block.characterCount >= 40 {
            counts[block.text, default: 0] += 1
        }
        return counts
    }

    private func confidence(method: ContentFinder.Method, blocks: [Block]) -> Double {
        var score: Double
        switch method {
        case .selector, .cms: score = 0.9
        case .semantic: score = 0.8
        case .scoring: score = 0.6
        case .body, .baseline: score = 0.3
        }
        let length = blocks.reduce(0) { $0 + $1.characterCount }
        if length < 200 { score *= 0.4 } else if length < 500 { score *= 0.7 }
        let links = blocks.reduce(0) { $0 + $1.linkTextLength }
        if length > 0 { score *= 1 - min(0.5, Double(links) / Double(length)) }
        return min(1, max(0, score))
    }
}

/// Drops blocks that are not article text: the title heading, demo/placeholder blocks (and
/// what sits under a demo heading), template phrases, link lists, in-page duplicates and
/// filler repeated across the page.
struct BlockFilter {
    let title: String?
    let frequencies: [String: Int]

    func filter(_ blocks: [Block]) -> [Block] {
        let titleKey = title.map(TextTools.key)
        var counts = blocks.compactMap { frequencies[$0.text] }.sorted()
        let median = counts.isEmpty ? 1 : counts[counts.count / 2]
        counts.removeAll()
        var result: [Block] = []
        var seen = Set<String>()
        var suppressedBelow: Int?
        var inRelatedSection = false
        for (index, block) in blocks.enumerated() {
            // The lower-cased text, its collapsed form (the key) and the key trimmed of
            // punctuation (the phrase key), each made once for every rule below.
            let (key, lower) = TextTools.keyAndLowercased(block.text)
            let phrase = TextTools.phraseKey(key: key)
            let length = block.characterCount  // in characters: counted once, compared often
            // A related-content heading: it and the short or link-heavy blocks under it go; a
            // long reading block ends the section.
            if length <= 60, Self.isRelatedHeading(phrase) {
                inRelatedSection = true
                continue
            }
            if inRelatedSection {
                if length >= Self.relatedSectionEnd && block.linkDensity < 0.3 {
                    inRelatedSection = false
                } else {
                    continue
                }
            }
            if length <= 120, Self.isCredit(key) { continue }
            if length <= Self.captionLength, Self.endsWithCredit(key) { continue }
            if length <= Self.callToActionLength, Self.isCallToAction(key) { continue }
            if length <= Self.dateLineLength, Self.isDateLine(block.text, key: key) { continue }
            if length <= Self.bylineLength, Self.isBylineDate(block.text, key: key) { continue }
            if length <= Self.readingTimeLength, Self.isReadingTime(key) { continue }
            if length <= Self.callToActionLength, Self.isSiteNotice(key) { continue }
            if length <= Self.inlineRelatedLength, block.linkDensity >= 0.5, Self.isInlineRelated(key) { continue }
            if length <= Self.inlineRelatedLength, Self.isPostNavigation(key) { continue }
            if case .heading(let level) = block.kind {
                if let suppressed = suppressedBelow, level <= suppressed { suppressedBelow = nil }
                if key == titleKey && index < 3 { continue }
                if DemoDetector.isDemo(block.text, lowercased: lower, phraseKey: phrase, count: length, isHeading: true) {
                    suppressedBelow = level
                    continue
                }
            }
            if suppressedBelow != nil { continue }
            if DemoDetector.isDemo(block.text, lowercased: lower, phraseKey: phrase, count: length, isHeading: false) {
                continue
            }
            if Rules.boilerplatePhrases.contains(phrase) { continue }
            if block.linkDensity > 0.8 && length < 100 { continue }
            if length >= 10 {
                if seen.contains(key) { continue }
                seen.insert(key)
            }
            if let count = frequencies[block.text], count >= 3, count > median { continue }
            result.append(block)
        }
        return dropLinkLists(result)
    }

    /// A block of reading text at least this long ends a related-content section.
    static let relatedSectionEnd = 200

    static func isRelatedHeading(_ key: String) -> Bool {
        Rules.relatedSectionHeadings.contains { heading in
            guard key.hasPrefix(heading), key.count <= heading.count + 30 else { return false }
            // Whole words only: "tags" opens a tag box, "tagsüber" does not.
            return key.dropFirst(heading.count).first.map { !$0.isLetter } ?? true
        }
    }

    /// Whether a (lower-cased) block text opens with a credit prefix, also in parentheses or
    /// brackets ("(Quelle: Foto Max Muster)").
    static func isCredit(_ key: String) -> Bool {
        let text = key.drop { $0 == "(" || $0 == "[" || $0 == " " }
        return Rules.creditPrefixes.contains { text.hasPrefix($0) }
    }

    /// A block of at most this many characters that ends in a credit is an image caption.
    static let captionLength = 250
    /// The credit must start within this many characters of the block's end.
    static let creditTail = 80

    /// A date stamp line is at most this many characters long.
    static let dateLineLength = 60

    /// Whether a block is only a date stamp: it holds a date, and every word beside the
    /// numbers is a month name or a label of `Rules.dateLineLabels`. The page's dates are
    /// metadata (`published`, `updated`), not article text. A `@` (an embedded post's
    /// signature line) keeps the block.
    static func isDateLine(_ text: String, key: String) -> Bool {
        guard !ByteSearch.containsText(key, "@") else { return false }
        for word in key.split(whereSeparator: { !($0.isLetter || $0.isNumber) }) {
            if word.allSatisfy(\.isNumber) { continue }
            let word = String(word)
            if Rules.dateLineLabels.contains(word) || DateParser.month(named: word) != nil { continue }
            return false
        }
        return PageDates().inText(text) != nil
    }

    /// A byline with a date is at most this many characters long.
    static let bylineLength = 80
    /// A byline names its author in at most this many words.
    static let bylineNameWords = 4

    /// Whether a block is only a byline with the page's date ("von Anja Muster am 14. Mai 2014,
    /// 15:40 Uhr"): it opens with a word of `Rules.bylineWords`, holds a date `PageDates` reads
    /// in text, and besides numbers, month names and the labels of
    /// `Rules.dateLineLabels` has at most `bylineNameWords` words, the first of them capitalized
    /// (a name; "Von März 2020 bis Mai 2021" is a period, not a byline).
    static func isBylineDate(_ text: String, key: String) -> Bool {
        let words = text.split(whereSeparator: { !($0.isLetter || $0.isNumber) })
        guard let first = words.first, Rules.bylineWords.contains(TextTools.key(String(first))) else { return false }
        var names = 0
        for word in words.dropFirst() {
            if word.allSatisfy(\.isNumber) { continue }
            let lower = TextTools.key(String(word))
            if Rules.dateLineLabels.contains(lower) || DateParser.month(named: lower) != nil { continue }
            if names == 0, !(word.first?.isUppercase ?? false) { return false }
            names += 1
            if names > bylineNameWords { return false }
        }
        return PageDates().inText(text) != nil
    }

    /// A call to action is at most this many characters long.
    static let callToActionLength = 300

    /// A reading-time line is at most this many characters long.
    static let readingTimeLength = 40

    /// Whether a (lower-cased) block text is a reading-time line: a number, "min" and a word
    /// of `Rules.readingTimeWords` ("4 min read", "lesezeit: 2 minuten").
    static func isReadingTime(_ key: String) -> Bool {
        key.contains(where: \.isNumber) && ByteSearch.contains(key, "min")
            && Rules.readingTimeWords.contains { containsWord(key, $0) }
    }

    /// Whether a (lower-cased) block text is the site talking about itself rather than the
    /// article: an access or feedback prompt, an appeal to support the site, a rights notice
    /// or disclaimer, an advertising disclosure.
    static func isSiteNotice(_ key: String) -> Bool {
        if Rules.accessPrompts.contains(where: { ByteSearch.contains(key, $0) }) { return true }
        if Rules.feedbackPrompts.contains(where: { ByteSearch.contains(key, $0) }) { return true }
        if Rules.advertisingDisclosures.contains(where: { ByteSearch.contains(key, $0) }) { return true }
        if isAdvertisingLabel(key) { return true }
        // An appeal or a notice in quotes is reported speech (an article about the site's
        // campaign, or about copyright).
        if let first = key.first, !Self.quoteMarks.contains(first),
            Rules.appealPhrases.contains(where: { containsWord(key, $0) })
        {
            return true
        }
        func unquoted(_ notice: String) -> Bool {
            ByteSearch.ranges(of: notice, in: key[...]).contains { range in
                range.lowerBound == key.startIndex || !Self.quoteMarks.contains(key[key.index(before: range.lowerBound)])
            }
        }
        if Rules.rightsNotices.contains(where: unquoted) { return true }
        return Rules.conditionalRightsNotices.contains(where: unquoted)
            && Rules.rightsNoticeCues.contains { ByteSearch.contains(key, $0) }
    }

    /// Characters that open a quotation or a parenthesis.
    static let quoteMarks: Set<Character> = ["\"", "'", "(", "«", "‘", "“", "„", "‹"]

    /// Whether a (lower-cased) block text starts with an advertising label and a separator
    /// ("anzeige - …", "*werbung. …").
    static func isAdvertisingLabel(_ key: String) -> Bool {
        let text = key.drop { $0 == "*" || $0 == " " }
        for label in Rules.advertisingLabels where text.hasPrefix(label) {
            let rest = text.dropFirst(label.count).drop { $0 == " " }
            if let next = rest.first, "-–—:,.|".contains(next) { return true }
        }
        return false
    }

    /// Whether a (lower-cased) block text starts with a word of `Rules.postNavigationPrefixes`
    /// ("nächster eintrag …", "article suivant …").
    static func isPostNavigation(_ key: String) -> Bool {
        Rules.postNavigationPrefixes.contains { prefix in
            key.hasPrefix(prefix) && !(key.dropFirst(prefix.count).first?.isLetter ?? false)
        }
    }

    /// A related link in the text ("Lesen Sie auch: …") is at most this many characters long.
    static let inlineRelatedLength = 250

    /// Whether a (lower-cased) block text is a related-content heading followed by a colon and
    /// more ("le puede interesar: …", "tags: a, b, c"); the caller checks that it is mostly a link.
    static func isInlineRelated(_ key: String) -> Bool {
        Rules.relatedSectionHeadings.contains { heading in
            guard key.hasPrefix(heading) else { return false }
            let rest = key.dropFirst(heading.count).drop { $0 == " " }
            return rest.first == ":" && rest.dropFirst().contains { $0.isLetter || $0.isNumber }
        }
    }

    /// Whether a (lower-cased) block text asks the reader to subscribe, follow or register
    /// on a channel: a phrase of `Rules.callToActionVerbs` and one of `Rules.callToActionChannels`.
    static func isCallToAction(_ key: String) -> Bool {
        Rules.callToActionVerbs.contains { containsWord(key, $0) }
            && Rules.callToActionChannels.contains { containsWord(key, $0) }
    }

    /// Whether `phrase` occurs in `text` with no letter directly before or after it.
    static func containsWord(_ text: String, _ phrase: String) -> Bool {
        ByteSearch.ranges(of: phrase, in: text[...]).contains { range in
            !(range.lowerBound > text.startIndex && text[text.index(before: range.lowerBound)].isLetter)
                && !(range.upperBound < text.endIndex && text[range.upperBound].isLetter)
        }
    }

    /// Whether a (lower-cased) block text ends in an image credit: `©`, a marker of
    /// `Rules.creditTailMarkers` (a stock agency, "symbolbild"), `(c)` outside an "(a) (b) (c)"
    /// enumeration, or a word of `Rules.creditTailWords` standing alone and followed by `:` or
    /// `©`, in its last `creditTail` characters.
    static func endsWithCredit(_ key: String) -> Bool {
        let tail = key.suffix(creditTail)
        if ByteSearch.containsText(tail, "©") { return true }
        if Rules.creditTailMarkers.contains(where: { ByteSearch.contains(tail, $0) }) { return true }
        if ByteSearch.contains(tail, "(c)"), !ByteSearch.contains(key, "(b)") { return true }
        for word in Rules.creditTailWords {
            for range in ByteSearch.ranges(of: word, in: tail) {
                if range.lowerBound > tail.startIndex, tail[tail.index(before: range.lowerBound)].isLetter { continue }
                let rest = tail[range.upperBound...].drop { $0 == " " }
                if rest.first == ":" || rest.first == "©" { return true }
            }
        }
        return false
    }

    /// A list whose items are nearly all links is navigation, not text.
    private func dropLinkLists(_ blocks: [Block]) -> [Block] {
        var byList: [Node: (count: Int, links: Int)] = [:]
        for block in blocks {
            guard case .listItem = block.kind, let list = block.list else { continue }
            var entry = byList[list] ?? (0, 0)
            entry.count += 1
            if block.linkDensity > 0.7 { entry.links += 1 }
            byList[list] = entry
        }
        return blocks.filter { block in
            guard case .listItem = block.kind, let list = block.list, let entry = byList[list] else { return true }
            return !(entry.count >= 2 && Double(entry.links) >= 0.8 * Double(entry.count))
        }
    }
}

/// Renders blocks as plain text (blank line between blocks) and sanitized HTML.
struct BlockRenderer {
    let sanitizer: Sanitizer

    func render(_ blocks: [Block]) -> (text: String, html: String) {
        var text: [String] = []
        var html = ""
        var openList: (node: Node, tag: String)?
        for block in blocks {
            text.append(block.text)
            if case .listItem(let ordered) = block.kind {
                let tag = ordered ? "ol" : "ul"
                if let open = openList, open.node != block.list {
                    html += "</\(open.tag)>"
                    openList = nil
                }
                if openList == nil, let list = block.list {
                    html += "<\(tag)>"
                    openList = (list, tag)
                }
                html += "<li>" + inner(block) + "</li>"
                continue
            }
            if let open = openList {
                html += "</\(open.tag)>"
                openList = nil
            }
            switch block.kind {
            case .heading(let level): html += "<h\(level)>" + inner(block) + "</h\(level)>"
            case .quote: html += "<blockquote>" + inner(block) + "</blockquote>"
            case .preformatted: html += "<pre>" + inner(block) + "</pre>"
            case .tableRow: html += "<p>" + Sanitizer.escapeText(block.text) + "</p>"
            case .paragraph, .listItem: html += "<p>" + inner(block) + "</p>"
            }
        }
        if let open = openList { html += "</\(open.tag)>" }
        return (text.joined(separator: "\n\n"), html)
    }

    /// The block's content without its own element tag.
    private func inner(_ block: Block) -> String {
        if block.nodes.count == 1, let node = block.nodes.first, node.isElement, !Rules.inlineTags.contains(node.name) {
            return sanitizer.sanitizeChildren(of: node)
        }
        return block.nodes.map { sanitizer.sanitize($0) }.joined()
    }
}

/// Images with captions and downloadable attachments of the content.
struct MediaCollector {
    let base: URL?

    /// MIME types by file extension, sorted.
    static let mimeTypes: [String: String] = [
        "csv": "text/csv", "doc": "application/msword",
        "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "epub": "application/epub+zip", "odp": "application/vnd.oasis.opendocument.presentation",
        "ods": "application/vnd.oasis.opendocument.spreadsheet", "odt": "application/vnd.oasis.opendocument.text",
        "pdf": "application/pdf", "ppt": "application/vnd.ms-powerpoint",
        "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation", "rtf": "application/rtf",
        "xls": "application/vnd.ms-excel", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "zip": "application/zip",
    ]

    func images(in roots: [Node]) -> [ArticleImage] {
        var result: [ArticleImage] = []
        for root in roots {
            for img in root.elements(named: "img") {
                guard let raw = img.attribute("src") ?? img.attribute("data-src"),
                    URLTools.isSafe(raw, schemes: URLTools.safeMediaSchemes),
                    let src = URLTools.resolve(raw, against: base)
                else { continue }
                if let width = img.attribute("width").flatMap(Int.init), width < 60 { continue }
                if let height = img.attribute("height").flatMap(Int.init), height < 60 { continue }
                let alt = img.attribute("alt").map(TextTools.collapse)?.nilIfEmpty
                var caption: String?
                if let figure = img.ancestors.first(where: { $0.hasName("figure") }),
                    let figcaption = figure.firstElement(named: "figcaption")
                {
                    caption = TextTools.collapse(figcaption.text).nilIfEmpty
                }
                if result.contains(where: { $0.src == src }) { continue }
                result.append(ArticleImage(src: src, alt: alt, caption: caption))
            }
        }
        return result
    }

    func attachments(in roots: [Node]) -> [Attachment] {
        var result: [Attachment] = []
        for root in roots {
            for anchor in root.elements(named: "a") {
                guard let href = anchor.attribute("href"), URLTools.isSafe(href, schemes: ["http", "https"]),
                    let url = URLTools.resolve(href, against: base)
                else { continue }
                let ext = url.pathExtension.lowercased()
                guard let mime = Self.mimeTypes[ext] else { continue }
                if result.contains(where: { $0.url == url }) { continue }
                let type = anchor.attribute("type")?.lowercased().nilIfEmpty ?? mime
                let label = TextTools.collapse(anchor.text).nilIfEmpty ?? anchor.attribute("title")
                result.append(Attachment(url: url, type: type, label: label))
            }
        }
        return result
    }
}

