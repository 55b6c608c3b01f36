import Foundation
import FeedModel
import Markup

/// Namespace URIs the XML formats use. Elements are matched by URI, never by prefix.
enum FeedNamespace {
    static let atom10 = "http://www.w3.org/2005/Atom"
    static let atom03 = "http://purl.org/atom/ns#"
    static let rss10 = "http://purl.org/rss/1.0/"
    static let rss090 = "http://my.netscape.com/rdf/simple/0.9/"
    static let rdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
    static let dc = "http://purl.org/dc/elements/1.1/"
    static let dcterms = "http://purl.org/dc/terms/"
    static let content = "http://purl.org/rss/1.0/modules/content/"
    static let xhtml = "http://www.w3.org/1999/xhtml"
    static let media = "http://search.yahoo.com/mrss/"
    /// Namespaces some RSS 2.0 feeds put their elements in.
    static let rss20Variants: Set<String> = [
        "http://backend.userland.com/rss2", "http://blogs.law.harvard.edu/tech/rss", "http://backend.userland.com/rss",
    ]
}

/// The streaming parser for the XML feed formats (RSS 0.9x/1.0/2.0, Atom 0.3/1.0): one pass
/// over the events of ``XMLStreamParser`` (or of an ``XMLPullReader``: the recovering re-read
/// and the charsets the repair pass cannot handle) into a ``WireFeed``.
///
/// Elements are recognized by namespace family and local name in the context of their
/// nearest container (channel/feed, item/entry, Atom person, media:group). Unknown elements
/// are skipped with their subtree, so an extension's `<x:title>` never overrides a title.
/// Text elements are captured with their descendants: plain text, plus a serialization of
/// any child markup (HTML inside an RSS `description`, Atom `type="xhtml"`).
struct XMLFeedParser {
    enum Family { case rss, atom, rdf, dc, dcterms, content, xhtml, media, other }
    enum Role { case root, channel, entry, person, mediaGroup }

    struct Frame {
        var role: Role
        var base: URL?
    }

    enum Leaf {
        case feedTitle, feedLink, feedLanguage, feedUpdated, feedTTL
        case title, link, guid, id, published, updated, rssAuthor, creator, summary, dcDescription, content
        case xhtmlBody, category, personName, personEmail, personURI
    }

    struct Capture {
        var leaf: Leaf
        /// The element's family (not the whole element: a capture is made for most elements).
        var family: Family
        /// Its `isPermaLink` attribute (read for a guid only).
        var isPermaLink: String?
        var base: URL?
        var type: TextContent.Kind
        var unwrapDiv: Bool
        /// The plain text (UTF-8): every run of character data kept, as it came.
        var text: [UInt8] = []
        /// The serialization of the captured content (UTF-8), built only once a child element
        /// appears (see ``markupValue``): most captures are plain text.
        var markup: [UInt8] = []
        var hasElements = false
        var names: [String?] = []
        var maxLength: Int
        /// Whether the current run of character data is kept: decided at its first piece (a
        /// run is kept whole when the text was shorter than `maxLength` where it began).
        var runKept = false

        /// The captured text.
        var textValue: String { String(decoding: text, as: UTF8.self) }

        /// The captured content as markup: text escaped, child elements serialized.
        var markupValue: String {
            if hasElements { return String(decoding: markup, as: UTF8.self) }
            var escaped: [UInt8] = []
            HTMLText.appendEscaped(text[...], to: &escaped)
            return String(decoding: escaped, as: UTF8.self)
        }

        mutating func start(_ e: XMLPullElement) {
            if !hasElements {
                markup.removeAll()
                HTMLText.appendEscaped(text[...], to: &markup)
            }
            hasElements = true
            if unwrapDiv, names.isEmpty, e.localName == "div",
                String(decoding: markup, as: UTF8.self).allSatisfy(\.isWhitespace)
            {
                unwrapDiv = false
                markup = []
                names.append(nil)
                return
            }
            let name =
                (e.namespaceURI == nil || e.namespaceURI == FeedNamespace.xhtml) ? e.localName : e.qualifiedName
            var tag = "<" + name
            for attribute in e.attributes {
                tag += " " + attribute.qualifiedName + "=\"" + HTMLText.escape(attribute.value) + "\""
            }
            if Capture.voidElements.contains(name.lowercased()) {
                tag += " />"
                names.append("")
            } else {
                tag += ">"
                names.append(name)
            }
            if markup.count < maxLength { markup.append(contentsOf: tag.utf8) }
        }

        mutating func end() {
            if let name = names.popLast(), let name, !name.isEmpty, markup.count < maxLength {
                markup.append(contentsOf: "</".utf8)
                markup.append(contentsOf: name.utf8)
                markup.append(0x3E)
            }
        }

        /// One whole run of character data (a text event of ``XMLPullReader``).
        mutating func append(_ value: String) {
            guard text.count < maxLength else { return }
            let start = text.count
            text.append(contentsOf: value.utf8)
            if hasElements { HTMLText.appendEscaped(text[start...], to: &markup) }
        }

        /// A piece of a run of character data (``XMLStreamParser``); a run is kept or dropped
        /// whole, as ``append(_:)`` does with the run in one piece.
        mutating func append(_ piece: XMLTextPiece, startsRun: Bool) {
            if startsRun { runKept = text.count < maxLength }
            guard runKept else { return }
            let start = text.count
            piece.append(to: &text)
            if hasElements { HTMLText.appendEscaped(text[start...], to: &markup) }
        }

        static let voidElements: Set<String> = [
            "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr",
        ]
    }

    let documentURL: URL?
    let maxTextLength: Int
    var feed: WireFeed?
    var frames: [Frame] = []
    var capture: Capture?
    var skipDepth = 0
    var entry: WireEntry?
    var person: Person?
    var rssNamespace: String?
    var rootFamily: Family = .other
    var rootLanguage: String?
    var notAFeed: String?
    /// The last base HTML was resolved against, with its parts (see ``flushEntry()``).
    var lastContentBase: (url: URL, parts: URLResolution.Base)?
    /// The parts of `documentURL` (the base of every entry without `xml:base`), computed once.
    var documentParts: URLResolution.Base?
    /// An empty byte buffer for the next capture's text (see ``handleEnd()``).
    var spareText: [UInt8] = []
    /// The buffer HTML values are rewritten into (``assign(_:)``), reused from value to value.
    var rewriteBuffer: [UInt8] = []

    init(documentURL: URL?, maxTextLength: Int) {
        self.documentURL = documentURL
        self.maxTextLength = maxTextLength
    }

    /// Reads every event of `reader`; returns nil (and sets `notAFeed`) when the root element
    /// is no feed.
    static func parse(_ reader: XMLPullReader, documentURL: URL?, maxTextLength: Int) -> (WireFeed?, String?) {
        var parser = XMLFeedParser(documentURL: documentURL, maxTextLength: maxTextLength)
        while let event = reader.next() {
            parser.handle(event)
            if parser.notAFeed != nil { break }
        }
        parser.finish()
        return (parser.feed, parser.notAFeed)
    }

    /// Parses the document `read` supplies with ``XMLStreamParser`` (SAX2, no tree); returns
    /// the feed (nil and `notAFeed` when the root element is no feed) and the parser's outcome.
    static func parse(
        streamingFrom read: (UnsafeMutableRawBufferPointer) -> Int, options: XMLPullOptions, documentURL: URL?,
        maxTextLength: Int
    ) -> (WireFeed?, String?, XMLStreamOutcome) {
        let sink = StreamSink(XMLFeedParser(documentURL: documentURL, maxTextLength: maxTextLength))
        let outcome = XMLStreamParser.parse(streamingFrom: read, options: options, handler: sink)
        sink.parser.finish()
        return (sink.parser.feed, sink.parser.notAFeed, outcome)
    }

    /// Hands the events of an ``XMLStreamParser`` to the parser: elements are described only
    /// when not skipped, text is copied only while captured.
    final class StreamSink: XMLStreamHandler {
        // Unchecked: only this object's methods touch `parser`, one at a time, on the parse's
        // thread (libxml2 calls back synchronously); the dynamic check cost ~3 % of a parse.
        @exclusivity(unchecked) var parser: XMLFeedParser

        init(_ parser: XMLFeedParser) { self.parser = parser }

        func startElement(_ element: () -> XMLPullElement) { parser.handleStart(element) }

        func endElement() { parser.handleEnd() }

        func characters(_ text: XMLTextPiece, startsRun: Bool) {
            if parser.skipDepth == 0, parser.capture != nil { parser.capture!.append(text, startsRun: startsRun) }
        }

        var isDone: Bool { parser.notAFeed != nil }
    }

    mutating func finish() {
        if entry != nil { flushEntry() }
        if var f = feed, f.language == nil, let rootLanguage {
            f.language = rootLanguage
            feed = f
        }
    }

    mutating func handle(_ event: XMLPullEvent) {
        switch event {
        case .startElement(let element):
            handleStart { element }
        case .endElement:
            handleEnd()
        case .text(let text):
            if skipDepth == 0, capture != nil { capture!.append(text) }
        case .entityReference:
            break  // XMLRepair resolved or refused every declared entity before libxml2 saw it.
        }
    }

    /// An element starts; `element` is only asked for when the element is not skipped.
    mutating func handleStart(_ element: () -> XMLPullElement) {
        if skipDepth > 0 {
            skipDepth += 1
        } else if capture != nil {
            capture!.start(element())
        } else {
            start(element())
        }
    }

    mutating func handleEnd() {
        if skipDepth > 0 {
            skipDepth -= 1
        } else if capture != nil {
            if capture!.names.isEmpty {
                var finished = capture.take()!  // moved out, not copied
                assign(finished)
                // The text buffer serves the next capture (no allocation and regrowth per value);
                // a very large one is let go.
                if finished.text.capacity <= 1 << 20 {
                    swap(&spareText, &finished.text)
                    spareText.removeAll(keepingCapacity: true)
                }
            } else {
                capture!.end()
            }
        } else if let frame = frames.popLast() {
            switch frame.role {
            case .entry: flushEntry()
            case .person:
                if let person, entry != nil, entry!.author == nil, person.name != nil || person.email != nil {
                    entry!.author = person
                }
                person = nil
            default: break
            }
        }
    }

    private func family(_ namespace: String?) -> Family {
        guard let namespace else { return .rss }
        switch namespace {
        case FeedNamespace.atom10, FeedNamespace.atom03: return .atom
        case FeedNamespace.rss10, FeedNamespace.rss090: return .rss
        case FeedNamespace.rdf: return .rdf
        case FeedNamespace.dc: return .dc
        case FeedNamespace.dcterms: return .dcterms
        case FeedNamespace.content: return .content
        case FeedNamespace.xhtml: return .xhtml
        case FeedNamespace.media, "http://search.yahoo.com/mrss": return .media
        default:
            if namespace == rssNamespace || FeedNamespace.rss20Variants.contains(namespace) { return .rss }
            return .other
        }
    }

    private func base(of element: XMLPullElement, parent: URL?) -> URL? {
        guard let xmlBase = element.attribute("base", namespace: XMLPullElement.xmlNamespace) else { return parent }
        return HTMLText.resolveURL(xmlBase, base: parent) ?? parent
    }

    private mutating func startRoot(_ element: XMLPullElement, base: URL?) {
        let namespace = element.namespaceURI
        rootLanguage = element.attribute("lang", namespace: XMLPullElement.xmlNamespace)
        switch element.localName {
        case "rss":
            rssNamespace = namespace
            let version = element.attribute("version")?.trimmingCharacters(in: .whitespaces)
            let format: FeedFormat =
                switch version {
                case "0.90": .rss090
                case "0.91": .rss091
                case "0.92": .rss092
                case "0.93": .rss093
                case "0.94": .rss094
                default: .rss20
                }
            feed = WireFeed(format: format)
            frames.append(Frame(role: .root, base: base))
        case "RDF" where namespace == FeedNamespace.rdf || namespace == nil:
            feed = WireFeed(format: .rss10)
            frames.append(Frame(role: .root, base: base))
        case "feed" where namespace == FeedNamespace.atom10 || namespace == FeedNamespace.atom03 || namespace == nil:
            let isAtom03 = namespace == FeedNamespace.atom03 || element.attribute("version") == "0.3"
            if namespace == nil { rssNamespace = nil }
            feed = WireFeed(format: isAtom03 ? .atom03 : .atom10)
            frames.append(Frame(role: .channel, base: base))
        case "channel":
            rssNamespace = namespace
            feed = WireFeed(format: .rss20)
            frames.append(Frame(role: .channel, base: base))
        default:
            notAFeed = "the root element <\(element.qualifiedName)> is not RSS, RDF or Atom"
        }
    }

    private mutating func start(_ element: XMLPullElement) {
        let parent = frames.last
        let elementBase = base(of: element, parent: parent?.base ?? documentURL)
        guard let parent else {
            startRoot(element, base: elementBase)
            return
        }
        let fam = family(element.namespaceURI)
        // In a namespace-less Atom feed (recovered junk), treat unqualified names as Atom.
        let isAtom = fam == .atom || (fam == .rss && (feed?.format == .atom10 || feed?.format == .atom03))
        let isRSS = fam == .rss && !isAtom
        let local = element.localName

        // Containers.
        if (isRSS && local == "item") || (isAtom && local == "entry") {
            if entry != nil { flushEntry() }  // a recovered document may nest items
            entry = WireEntry()
            if let about = element.attribute("about", namespace: FeedNamespace.rdf) { entry!.id = about }
            frames.append(Frame(role: .entry, base: elementBase))
            return
        }
        if isRSS && local == "channel" && parent.role == .root {
            if element.namespaceURI == FeedNamespace.rss090 { feed?.format = .rss090 }
            frames.append(Frame(role: .channel, base: elementBase))
            return
        }
        switch parent.role {
        case .root:
            skipDepth = 1
        case .channel:
            startInChannel(element, base: elementBase, isRSS: isRSS, isAtom: isAtom, family: fam)
        case .entry:
            startInEntry(element, base: elementBase, isRSS: isRSS, isAtom: isAtom, family: fam)
        case .person:
            if isAtom {
                switch local {
                case "name": beginCapture(.personName, element, base: elementBase, family: fam)
                case "email": beginCapture(.personEmail, element, base: elementBase, family: fam)
                case "uri", "url": beginCapture(.personURI, element, base: elementBase, family: fam)
                default: skipDepth = 1
                }
            } else {
                skipDepth = 1
            }
        case .mediaGroup:
            if fam == .media, local == "content" { mediaContent(element, base: elementBase) }
            skipDepth = 1
        }
    }

    private mutating func startInChannel(
        _ element: XMLPullElement, base: URL?, isRSS: Bool, isAtom: Bool, family fam: Family
    ) {
        let local = element.localName
        if isRSS || isAtom {
            switch local {
            case "title":
                beginCapture(.feedTitle, element, base: base, family: fam)
                return
            case "link" where isRSS:
                beginCapture(.feedLink, element, base: base, family: fam)
                return
            case "link" where isAtom:
                let rel = element.attribute("rel")?.lowercased() ?? "alternate"
                if rel == "alternate", let href = element.attribute("href") {
                    if feed?.format == .atom10 || feed?.format == .atom03 {
                        if feed?.link == nil { feed?.link = WireURL(raw: href, base: base) }
                    } else if feed?.alternateLink == nil {
                        feed?.alternateLink = WireURL(raw: href, base: base)
                    }
                }
            case "language" where isRSS:
                beginCapture(.feedLanguage, element, base: base, family: fam)
                return
            case "ttl" where isRSS:
                beginCapture(.feedTTL, element, base: base, family: fam)
                return
            case "lastBuildDate" where isRSS, "updated" where isAtom, "modified" where isAtom:
                beginCapture(.feedUpdated, element, base: base, family: fam)
                return
            default: break
            }
        } else if fam == .dc, local == "language" {
            beginCapture(.feedLanguage, element, base: base, family: fam)
            return
        } else if (fam == .dc && local == "date") || (fam == .dcterms && local == "modified") {
            beginCapture(.feedUpdated, element, base: base, family: fam)
            return
        }
        skipDepth = 1
    }

    private mutating func startInEntry(
        _ element: XMLPullElement, base: URL?, isRSS: Bool, isAtom: Bool, family fam: Family
    ) {
        let local = element.localName
        var leaf: Leaf?
        switch fam {
        case _ where isRSS:
            switch local {
            case "title": leaf = .title
            case "link": leaf = .link
            case "guid": leaf = .guid
            case "pubDate": leaf = .published
            case "author": leaf = .rssAuthor
            case "description": leaf = .summary
            case "category": leaf = .category
            case "enclosure":
                if let url = element.attribute("url") {
                    entry?.enclosures.append(
                        WireEnclosure(
                            url: WireURL(raw: url, base: base), type: element.attribute("type"),
                            length: element.attribute("length")))
                }
            default: break
            }
        case _ where isAtom:
            switch local {
            case "title": leaf = .title
            case "id": leaf = .id
            case "published", "issued": leaf = .published
            case "updated", "modified": leaf = .updated
            case "summary": leaf = .summary
            case "content": leaf = element.attribute("src") == nil ? .content : nil
            case "author":
                if entry?.author == nil {
                    person = Person()
                    frames.append(Frame(role: .person, base: base))
                    return
                }
            case "link":
                atomLink(element, base: base)
            case "category":
                if let term = element.attribute("term") ?? element.attribute("label"),
                    !HTMLText.trimmingSpaces(term).isEmpty
                {
                    entry?.categories.append(term)
                } else if feed?.format == .atom03 {
                    leaf = .category
                }
            default: break
            }
        case .dc:
            switch local {
            case "creator": leaf = .creator
            case "date": leaf = .updated
            case "subject": leaf = .category
            case "description": leaf = .dcDescription
            default: break
            }
        case .dcterms:
            switch local {
            case "issued": leaf = .published
            case "modified": leaf = .updated
            default: break
            }
        case .content:
            if local == "encoded" { leaf = .content }
        case .xhtml:
            if local == "body" { leaf = .xhtmlBody }
        case .media:
            if local == "group" {
                frames.append(Frame(role: .mediaGroup, base: base))
                return
            }
            if local == "content" { mediaContent(element, base: base) }
        default: break
        }
        if let leaf {
            beginCapture(leaf, element, base: base, family: fam)
        } else {
            skipDepth = 1
        }
    }

    private mutating func atomLink(_ element: XMLPullElement, base: URL?) {
        guard let href = element.attribute("href") else { return }
        let rel = element.attribute("rel").map { HTMLText.trimmingSpaces($0.lowercased()) } ?? "alternate"
        switch rel {
        case "alternate":
            let type = element.attribute("type")?.lowercased()
            let isHTML = type == nil || HTMLText.contains(type!, "html")
            if entry?.alternateLink == nil || (isHTML && entry?.alternateLinkIsNotHTML == true) {
                entry?.alternateLink = WireURL(raw: href, base: base)
                entry?.alternateLinkIsNotHTML = !isHTML
            }
        case "enclosure":
            entry?.enclosures.append(
                WireEnclosure(
                    url: WireURL(raw: href, base: base), type: element.attribute("type"),
                    length: element.attribute("length")))
        default:
            break
        }
    }

    private mutating func mediaContent(_ element: XMLPullElement, base: URL?) {
        guard let url = element.attribute("url") else { return }
        entry?.mediaContents.append(
            WireEnclosure(
                url: WireURL(raw: url, base: base), type: element.attribute("type"),
                length: element.attribute("fileSize")))
    }

    /// `fam`: the element's family (``family(_:)`` of its namespace, computed once by `start`).
    private mutating func beginCapture(_ leaf: Leaf, _ element: XMLPullElement, base: URL?, family fam: Family) {
        let type = textType(element, leaf: leaf, family: fam)
        capture = Capture(
            leaf: leaf, family: fam,
            isPermaLink: leaf == .guid ? element.attribute("isPermaLink") : nil, base: base, type: type,
            unwrapDiv: type == .xhtml && leaf != .xhtmlBody, maxLength: maxTextLength)
        swap(&capture!.text, &spareText)  // empty, with the capacity of earlier values
    }

    /// The type of a text construct. RSS text elements carry HTML (`description`,
    /// `content:encoded`); Atom says so in `type` (1.0) or `type` + `mode` (0.3).
    private func textType(_ element: XMLPullElement, leaf: Leaf, family fam: Family) -> TextContent.Kind {
        switch leaf {
        case .xhtmlBody: return .xhtml
        case .summary, .content, .title, .feedTitle:
            let isAtom = fam == .atom || feed?.format == .atom10 || feed?.format == .atom03
            guard isAtom, leaf != .content || element.namespaceURI != FeedNamespace.content else {
                return leaf == .summary || leaf == .content ? .html : .text
            }
            let type = element.attribute("type").map { HTMLText.trimmingSpaces($0.lowercased()) }
            switch type {
            case nil, "text", "text/plain": return .text
            case "html", "text/html": return .html
            case "xhtml", "application/xhtml+xml": return element.attribute("mode") == "escaped" ? .html : .xhtml
            default: return HTMLText.contains(type!, "html") ? .html : .text
            }
        default: return .text
        }
    }

    private mutating func assign(_ capture: borrowing Capture) {
        var type = capture.type
        // The value's UTF-8 bytes: the serialized markup, or the text (escaped for XHTML).
        let source: [UInt8]
        if type == .xhtml, !capture.hasElements {
            var escaped: [UInt8] = []
            HTMLText.appendEscaped(capture.text[...], to: &escaped)
            source = escaped
        } else if capture.hasElements {
            source = capture.markup
            if type == .text { type = .html }
        } else {
            source = capture.text
        }
        let value: String
        var resolvedNow = false
        if type != .text, let documentURL, entry != nil, let base = htmlBase(capture, documentURL: documentURL, source) {
            // HTML of an entry with its base known already: its href/src are resolved on the
            // bytes, and the String is made once (flushEntry would make it twice).
            // (The bytes are valid UTF-8: see ``HTMLText/string(ofValidUTF8:)``.)
            let simpleBase = parts(of: base)
            (value, resolvedNow) = source.withUnsafeBufferPointer { b in
                let kept = UnsafeBufferPointer(rebasing: b[HTMLText.trimmedRange(b)])
                guard !kept.isEmpty else { return ("", false) }
                guard HTMLText.rewritingURLs(kept, base: base, simpleBase: simpleBase, into: &rewriteBuffer) else {
                    return (HTMLText.string(ofValidUTF8: kept), true)
                }
                return (rewriteBuffer.withUnsafeBufferPointer { HTMLText.string(ofValidUTF8: $0) }, true)
            }
            if rewriteBuffer.capacity > 1 << 20 { rewriteBuffer = [] }  // a very large one is let go
        } else {
            value = source.withUnsafeBufferPointer { b in
                HTMLText.string(ofValidUTF8: UnsafeBufferPointer(rebasing: b[HTMLText.trimmedRange(b)]))
            }
        }
        if type == .text, capture.leaf == .title || capture.leaf == .feedTitle,
            capture.family == .rss, feed?.format != .atom10, feed?.format != .atom03,
            HTMLText.looksLikeHTML(value)
        {
            type = .html  // RSS titles often carry escaped markup or double-escaped entities.
        }
        if resolvedNow {
            if capture.leaf == .summary { entry!.summaryResolved = true } else { entry!.contentResolved = true }
        }
        let text = WireText(value: value, type: type)
        switch capture.leaf {
        case .feedTitle: if feed?.title == nil { feed?.title = text }
        case .feedLink: if feed?.link == nil, !value.isEmpty { feed?.link = WireURL(raw: value, base: capture.base) }
        case .feedLanguage: if feed?.language == nil, !value.isEmpty { feed?.language = value }
        case .feedUpdated: if feed?.updated == nil, !value.isEmpty { feed?.updated = value }
        case .feedTTL: if feed?.ttl == nil, !value.isEmpty { feed?.ttl = value }
        case .personName: if person?.name == nil, !value.isEmpty { person?.name = HTMLText.collapseWhitespace(value) }
        case .personEmail: if person?.email == nil, !value.isEmpty { person?.email = value }
        case .personURI: if person?.uri == nil, !value.isEmpty { person?.uri = value }
        default:
            guard entry != nil else { return }
            assignToEntry(capture.leaf, text, capture: capture)
        }
    }

    /// The base ``flushEntry()`` will resolve this HTML value's `href`/`src` against, when it is
    /// known as the value is read and the value will be kept: for content, its element's base;
    /// for a summary, the content's base once content was read, or any base when the summary
    /// has no `href`/`src` to resolve (a later content element may still change the base).
    private func htmlBase(_ capture: borrowing Capture, documentURL: URL, _ source: [UInt8]) -> URL? {
        switch capture.leaf {
        case .content, .xhtmlBody:
            guard entry!.content == nil else { return nil }
            return capture.base ?? documentURL
        case .summary:
            guard entry!.summary == nil else { return nil }
            if entry!.content != nil { return entry!.contentBase ?? documentURL }
            let hasURLs = source.withUnsafeBufferPointer { HTMLText.hasURLAttribute($0) }
            return hasURLs ? nil : (entry!.contentBase ?? capture.base ?? documentURL)
        default:
            return nil
        }
    }

    /// The parts of `base` for resolution: those of the document URL computed once per parse,
    /// of other bases once per distinct base in a row.
    private mutating func parts(of base: URL) -> URLResolution.Base {
        if base == documentURL {
            if documentParts == nil { documentParts = URLResolution.Base(base) }
            return documentParts!
        }
        if lastContentBase?.url != base { lastContentBase = (base, URLResolution.Base(base)) }
        return lastContentBase!.parts
    }

    private mutating func assignToEntry(_ leaf: Leaf, _ text: WireText, capture: Capture) {
        let value = text.value
        switch leaf {
        case .title: if entry!.title == nil { entry!.title = text }
        case .link: if entry!.link == nil, !value.isEmpty { entry!.link = WireURL(raw: value, base: capture.base) }
        case .guid:
            if entry!.guid == nil, !value.isEmpty {
                entry!.guid = value
                entry!.guidBase = capture.base
                let permaLink = capture.isPermaLink.map { HTMLText.trimmingSpaces($0.lowercased()) }
                entry!.guidIsPermaLink = permaLink == nil || permaLink == "true"
            }
        case .id: if entry!.id == nil, !value.isEmpty { entry!.id = value }
        case .published: if entry!.published == nil, !value.isEmpty { entry!.published = value }
        case .updated: if entry!.updated == nil, !value.isEmpty { entry!.updated = value }
        case .rssAuthor: if entry!.author == nil { entry!.author = HTMLText.person(fromRSSAuthor: value) }
        case .creator:
            if entry!.author == nil, !value.isEmpty { entry!.author = Person(name: HTMLText.collapseWhitespace(value)) }
        case .summary:
            if entry!.summary == nil, !value.isEmpty {
                entry!.summary = text
                entry!.contentBase = entry!.contentBase ?? capture.base
            }
        case .dcDescription:
            if entry!.summary == nil, !value.isEmpty { entry!.summary = WireText(value: value, type: .text) }
        case .content, .xhtmlBody:
            if entry!.content == nil, !value.isEmpty {
                entry!.content = text
                entry!.contentBase = capture.base
            }
        case .category: if !value.isEmpty { entry!.categories.append(value) }
        default: break
        }
    }

    private mutating func flushEntry() {
        guard var finished = entry.take() else { return }  // moved out, not copied
        person = nil
        // With a document URL the adapter's base for HTML is known now (`contentBase ??
        // documentURL`): resolve here, so the raw HTML is dropped at once instead of living
        // beside the resolved copy until the adapter runs (a large feed's text is held once).
        if let documentURL {
            let base = finished.contentBase ?? documentURL
            func resolved(_ text: WireText?, already: Bool) -> WireText? {
                guard var text, text.type != .text, !already else { return text }
                // The parts of the base, computed once per distinct base (most entries share one).
                text.value = HTMLText.resolvingURLs(inHTML: text.value, base: base, simpleBase: parts(of: base))
                return text
            }
            finished.summary = resolved(finished.summary.take(), already: finished.summaryResolved)
            finished.content = resolved(finished.content.take(), already: finished.contentResolved)
            finished.urlsResolved = true
            finished.contentBase = nil  // used for nothing else
        }
        feed?.entries.append(finished)
    }
}
