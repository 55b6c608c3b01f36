public import Foundation
public import FeedModel
import Markup

/// Thrown when a document is no feed at all.
public struct NotAFeedError: Error, Sendable, CustomStringConvertible {
    /// What the document was found to be instead.
    public var message: String
    /// Creates the error.
    public init(_ message: String) { self.message = message }
    /// The message.
    public var description: String { message }
}

/// The front door of feed parsing: detects the format from the content and parses it.
///
/// The pipeline for XML formats, in order: character encoding (``InputDecoder``: BOM, HTTP
/// charset, XML declaration and their lies → UTF-8), a byte-level repair pass
/// (``XMLRepair``: undeclared HTML entities, bare `&`, no entity expansion), a streaming read
/// with libxml2's SAX2 push parser (``XMLStreamParser``, no tree; re-read by a recovering tree
/// parse only when the document turns out to be ill-formed), and the adapter that resolves
/// URLs and dates. JSON Feed is read with `JSONSerialization`.
public enum FeedParser {
    /// Parsing options. The defaults suit feeds of German public bodies.
    public struct Options: Sendable {
        /// The zone of dates written without one; nil: Europe/Berlin when the feed's language
        /// is German, UTC otherwise (as feedparser does).
        public var defaultTimeZone: TimeZone?
        /// Documents larger than this are cut (and marked bozo) before parsing.
        public var maxBytes: Int
        /// Longer text values (titles, summaries, content) are cut.
        public var maxTextLength: Int

        /// Creates options.
        public init(defaultTimeZone: TimeZone? = nil, maxBytes: Int = 64 << 20, maxTextLength: Int = 4 << 20) {
            self.defaultTimeZone = defaultTimeZone
            self.maxBytes = maxBytes
            self.maxTextLength = maxTextLength
        }
    }

    /// Parses a feed document. Broken input yields what could be read with `bozo` set;
    /// throws only when the bytes are not a feed.
    /// - Parameters:
    ///   - bytes: the document as fetched.
    ///   - url: the document's address (base for relative URLs).
    ///   - httpCharset: the `charset` of the HTTP `Content-Type`, if any.
    public static func parse(_ bytes: [UInt8], url: URL?, httpCharset: String? = nil) throws(NotAFeedError)
        -> ParsedFeed
    {
        try parse(bytes, url: url, httpCharset: httpCharset, options: Options())
    }

    /// Parses a feed document with explicit options; see ``parse(_:url:httpCharset:)``.
    public static func parse(_ bytes: [UInt8], url: URL?, httpCharset: String? = nil, options: Options)
        throws(NotAFeedError) -> ParsedFeed
    {
        var input = bytes
        var warnings: [String] = []
        if input.count > options.maxBytes {
            input = Array(input.prefix(options.maxBytes))
            warnings.append("document larger than \(options.maxBytes) bytes was cut")
        }
        if isJSON(input) {
            guard var feed = JSONFeedParser.parse(input, url: url, defaultTimeZone: options.defaultTimeZone) else {
                throw NotAFeedError("the document is JSON but not a JSON Feed")
            }
            if !warnings.isEmpty {
                feed.bozo = true
                feed.warnings.insert(contentsOf: warnings, at: 0)
            }
            return feed
        }
        return try parseXML(input, url: url, httpCharset: httpCharset, options: options, warnings: warnings)
    }

    private static func parseXML(
        _ bytes: [UInt8], url: URL?, httpCharset: String?, options: Options, warnings initialWarnings: [String]
    ) throws(NotAFeedError) -> ParsedFeed {
        var warnings = initialWarnings
        let decoded = InputDecoder.decode(bytes, httpCharset: httpCharset)
        warnings += decoded.warnings
        var bozo = !warnings.isEmpty
        let label = decoded.encoding.lowercased()
        let repairs = !(label.contains("2022") || label.contains("utf-7") || label.contains("ebcdic"))
        // The repaired document is produced piecemeal as libxml2 reads it (``XMLRepairStream``)
        // and never exists whole: a large feed is held once (the input), not three times. The
        // rare recovering re-read repeats the (deterministic, cheap) repair in full.
        func document() -> [UInt8] { repairs ? XMLRepair.repair(decoded.bytes).bytes : decoded.bytes }
        var readerOptions = XMLPullOptions(encoding: decoded.encoding, baseURL: url?.absoluteString)
        var wire: WireFeed?
        var notAFeed: String?
        let failed: Bool
        let diagnostics: [String]
        if repairs {
            // SAX2 over the streamed repair: no tree, strings only for what the feed keeps.
            // Character references in element content reach libxml2 as CDATA (one callback per
            // section instead of one per reference; the same characters and runs).
            let stream = XMLRepairStream(decoded.bytes, characterDataAsCDATA: decoded.isUTF8)
            let outcome: XMLStreamOutcome
            (wire, notAFeed, outcome) = XMLFeedParser.parse(
                streamingFrom: stream.read(into:), options: readerOptions, documentURL: url,
                maxTextLength: options.maxTextLength)
            (failed, diagnostics) = (outcome.failed, outcome.diagnostics)
            let repair = stream.finish()
            warnings += repair.warnings
            bozo = bozo || repair.bozo
        } else {
            let streaming = XMLPullReader(bytes: decoded.bytes, options: readerOptions)
            (wire, notAFeed) = XMLFeedParser.parse(streaming, documentURL: url, maxTextLength: options.maxTextLength)
            (failed, diagnostics) = (streaming.failed, streaming.diagnostics)
        }
        if failed, notAFeed == nil {
            // Ill-formed: the streaming read stops at the first error. Read again, recovering.
            bozo = true
            warnings.append("not well-formed XML; recovered what could be read")
            warnings += diagnostics
            readerOptions.mode = .recoveringTree
            let recovering = XMLPullReader(bytes: document(), options: readerOptions)
            let (recovered, recoveredNotAFeed) = XMLFeedParser.parse(
                recovering, documentURL: url, maxTextLength: options.maxTextLength)
            if let recovered { wire = recovered }
            if wire == nil { notAFeed = recoveredNotAFeed }
        }
        if let notAFeed { throw NotAFeedError("not a feed: " + notAFeed) }
        guard wire != nil else {
            throw NotAFeedError(bytes.isEmpty ? "not a feed: the document is empty" : "not a feed: no XML element found")
        }
        wire!.bozo = wire!.bozo || bozo
        wire!.warnings = warnings + wire!.warnings
        // Taken out of the optional straight into the adapter, so that it holds the only
        // reference to the entries and moves each out as it adapts it (a local copy passed on
        // kept a second reference: the adapter then copied all 10,000 entries of the bench
        // feeds, and none was released before the end).
        return FeedAdapter.adapt(wire.take()!, documentURL: url, defaultTimeZone: options.defaultTimeZone)
    }

    /// The format a document would be parsed as, from its content alone; nil if it is no feed.
    public static func detectFormat(_ bytes: [UInt8]) -> FeedFormat? {
        try? parse(Array(bytes), url: nil, options: Options(maxTextLength: 1024)).format
    }

    /// A cheap sniff of the first bytes: does this look like RSS, Atom, RDF or JSON Feed?
    public static func looksLikeFeed(_ bytes: [UInt8]) -> Bool {
        let head = Array(bytes.prefix(4096))
        if isJSON(head) {
            return String(decoding: head, as: UTF8.self).contains("jsonfeed.org/version")
        }
        var sample = head
        if let (wide, bom) = InputDecoder.unicodeFamily(head) {
            sample = InputDecoder.transcodeWide(head, from: bom, as: wide)
        }
        guard let name = firstElementName(sample) else { return false }
        let local = name.split(separator: ":").last.map(String.init) ?? name
        return ["rss", "feed", "RDF", "channel"].contains(local)
    }

    private static func isJSON(_ bytes: [UInt8]) -> Bool {
        var index = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
        return index < bytes.count && bytes[index] == UInt8(ascii: "{")
    }

    /// The name of the first element, skipping the prolog (declaration, comments, PIs, DOCTYPE).
    static func firstElementName(_ bytes: [UInt8]) -> String? {
        let text = String(decoding: bytes, as: UTF8.self)
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "<") {
            let after = rest[rest.index(after: open)...]
            if after.hasPrefix("!--") {
                guard let end = after.range(of: "-->") else { return nil }
                rest = after[end.upperBound...]
            } else if after.hasPrefix("?") || after.hasPrefix("!") {
                guard let end = after.firstIndex(of: ">") else { return nil }
                rest = after[after.index(after: end)...]
            } else {
                let name = after.prefix { $0.isLetter || $0.isNumber || $0 == ":" || $0 == "_" || $0 == "-" || $0 == "." }
                return name.isEmpty ? nil : String(name)
            }
        }
        return nil
    }
}
