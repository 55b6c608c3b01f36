internal import CLibXML2
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a document could not be parsed at all.
public struct MarkupError: Error, Equatable, CustomStringConvertible {
    /// A stable key for the kind of failure.
    public var code: String
    /// A human-readable explanation.
    public var message: String

    /// The input held no bytes (or nothing libxml2 could turn into a tree).
    public static func empty(_ what: String) -> MarkupError { MarkupError(code: "markup.empty", message: "\(what): no content") }
    /// A CSS selector outside the supported subset.
    public static func selector(_ source: String, _ reason: String) -> MarkupError {
        MarkupError(code: "markup.selector", message: "selector \"\(source)\": \(reason)")
    }
    /// An XPath expression libxml2 refused.
    public static func xpath(_ expression: String) -> MarkupError {
        MarkupError(code: "markup.xpath", message: "invalid XPath expression: \(expression)")
    }

    /// The message.
    public var description: String { message }
}

/// A parsed document that owns its libxml2 tree. The tree is freed in `deinit`, together with
/// every node that was removed from it; `Node` values keep their document alive.
///
/// Not `Sendable`: a document stays on the task that made it; only values extracted from it
/// cross tasks.
public class MarkupDocument {
    private let raw: OpaquePointer
    var pointer: xmlDocPtr { UnsafeMutablePointer(raw) }
    /// Nodes unlinked by `Node.remove()`: still referenced by `Node` values, freed with the document.
    private var detached: [OpaquePointer] = []
    /// The encoding the bytes were decoded with.
    public let encoding: String
    /// Whether this is an HTML document (element names are lower-case, HTML serialization).
    public let isHTML: Bool
    /// Counts the changes of the tree (`Node.remove`, `Node.unwrap`): a subtree measure cached
    /// in a node (`Node.textLength`) is valid only for the generation it was computed in.
    /// Starts at 1 so that a cached value is never all zero bits (an unset `_private`).
    /// Public so that a caller can keep a result computed from the tree while it is unchanged.
    public private(set) var generation: UInt32 = 1

    init(pointer: xmlDocPtr, encoding: String, isHTML: Bool) {
        self.raw = OpaquePointer(pointer)
        self.encoding = encoding
        self.isHTML = isHTML
    }

    deinit {
        for node in detached { xmlFreeNode(UnsafeMutablePointer(node)) }
        xmlFreeDoc(pointer)
    }

    func adoptDetached(_ node: xmlNodePtr) {
        detached.append(OpaquePointer(node))
        treeChanged()
    }

    /// Marks every cached subtree measure stale. A document is changed at most once per node
    /// it holds (each change removes a node), so the 32-bit counter cannot wrap around.
    func treeChanged() {
        generation &+= 1
    }

    /// The root element (`<html>` for HTML), if any.
    public var root: Node? {
        guard let element = xmlDocGetRootElement(pointer) else { return nil }
        return Node(element, in: self)
    }

    /// The document node itself: its children are the top-level nodes (doctype, comments, root).
    public var documentNode: Node {
        Node(UnsafeMutableRawPointer(pointer).assumingMemoryBound(to: xmlNode.self), in: self)
    }

    /// Evaluates an XPath 1.0 expression with the document as the context node.
    public func xpath(_ expression: String) throws(MarkupError) -> [Node] {
        try documentNode.xpath(expression)
    }

    /// Returns the elements matching a CSS selector (the supported subset, see `CSSSelector`),
    /// in document order.
    public func select(_ selector: String) throws(MarkupError) -> [Node] {
        try documentNode.select(selector)
    }

    /// The first element matching a CSS selector.
    public func first(_ selector: String) -> Node? {
        (try? select(selector))?.first
    }
}

/// An HTML document parsed leniently (recover mode, no network, no error output) with the
/// browser's charset rules.
public final class HTMLDocument: MarkupDocument {
    /// How the encoding was chosen.
    public let encodingSource: Charset.Source
    /// What the encoding converter could not convert ("input conversion failed due to input
    /// error, bytes 0x9D 0x8C …"), at most 8 messages; empty for a clean page.
    public let decodingWarnings: [String]

    /// Parses HTML bytes.
    /// - Parameters:
    ///   - bytes: the page as fetched.
    ///   - url: the page's address (used by libxml2 as the document URL only).
    ///   - httpCharset: the `charset` of the HTTP `Content-Type`, if any; it wins over `<meta>`.
    ///   - skipsScriptText: leave the text of `<script>` (but JSON-LD) and `<style>` elements out
    ///     of the tree, unparsed (`ScriptTextFilter`; UTF-8 pages only, the others are parsed
    ///     whole): the elements are there, empty, and everything else is the tree the whole page
    ///     gives. For readers of visible text and JSON-LD, such as the extractor. (libxml2's
    ///     messages about the left-out text, such as "Element script embeds close tag", are not
    ///     among `decodingWarnings` then, and later messages carry other line numbers.)
    public init(bytes: [UInt8], url: String? = nil, httpCharset: String? = nil, skipsScriptText: Bool = false)
        throws(MarkupError)
    {
        LibXML.ensureInitialized()
        let sniffed = Charset.sniffHTML(bytes, transportLabel: httpCharset)
        var encoding = sniffed.name
        var input = Array(bytes.dropFirst(sniffed.bomLength))
        if encoding == "UTF-8", !Charset.isValidUTF8(input) {
            if Charset.isMostlyNotUTF8(input) {
                // windows-1252 text under a UTF-8 label (a lying header or meta): read it as such.
                encoding = "windows-1252"
            } else {
                // UTF-8 with a few invalid sequences: they become U+FFFD as in a browser, instead
                // of derailing libxml2.
                input = Array(String(decoding: input, as: UTF8.self).utf8)
            }
        } else if encoding != "UTF-8", !XMLPullReader.supportsEncoding(encoding) {
            // (The check closes the handler it finds: an iconv handler left open kept about
            // 32 kB per page that was not UTF-8.)
            encoding = Charset.isValidUTF8(input) ? "UTF-8" : "windows-1252"
        }
        // Ignore the document's own declaration: the label was decided above.
        let options = Int32(
            HTML_PARSE_RECOVER.rawValue | HTML_PARSE_NOERROR.rawValue | HTML_PARSE_NOWARNING.rawValue
                | HTML_PARSE_NONET.rawValue | HTML_PARSE_NOIMPLIED.rawValue | HTML_PARSE_IGNORE_ENC.rawValue
                | HTML_PARSE_COMPACT.rawValue)
        // NUL bytes end libxml2's input early (everything after the first one is lost); a
        // browser ignores them. In UTF-16/32 they are parts of characters and stay.
        if !encoding.uppercased().hasPrefix("UTF-16"), !encoding.uppercased().hasPrefix("UTF-32"),
            input.withUnsafeBufferPointer({ buffer in buffer.baseAddress.map { memchr($0, 0, buffer.count) != nil } ?? false })
        {
            input.removeAll { $0 == 0 }
        }
        if input.isEmpty { input = Array("<html></html>".utf8) }
        // Only UTF-8 (valid by now): other encodings are converted by libxml2, and where a
        // conversion fails depends on every byte, those of the scripts too.
        if skipsScriptText, encoding == "UTF-8", let filtered = ScriptTextFilter.filter(input) { input = filtered }
        // The encoding converter reports bytes it cannot convert without a parser context, so
        // libxml2 would print them to stderr (a daemon's journal would fill with them): they are
        // collected as the document's decoding warnings instead.
        let sink = XMLPullErrorSink(limit: 8)
        let doc: htmlDocPtr? = LibXML.collectingErrors(into: sink) {
            input.withUnsafeBufferPointer { buffer in
                buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) { chars in
                    htmlReadMemory(chars, Int32(clamping: buffer.count), url, encoding, options)
                }
            }
        }
        guard let doc else { throw .empty("HTML document") }
        self.encodingSource = sniffed.source
        self.decodingWarnings = sink.messages
        super.init(pointer: doc, encoding: encoding, isHTML: true)
    }

    /// Parses an HTML fragment (for example a feed entry's content) inside an otherwise empty
    /// document; the fragment's nodes are the children of `body`.
    public convenience init(fragment: String) throws(MarkupError) {
        let wrapped = "<!DOCTYPE html><html><head><meta charset=\"utf-8\"></head><body>" + fragment + "</body></html>"
        try self.init(bytes: Array(wrapped.utf8), url: nil, httpCharset: "utf-8")
    }

    /// The `<body>` element, if any.
    public var body: Node? {
        if let root, root.hasName("body") { return root }
        return documentNode.firstElement(named: "body")
    }

    /// The `<head>` element, if any.
    public var head: Node? { documentNode.firstElement(named: "head") }
}

/// An XML document parsed with safe options: recover mode, no network, no entity expansion,
/// no DTD loading, CDATA merged into text.
public final class XMLDocument: MarkupDocument {
    /// Parses XML bytes. The XML declaration decides the encoding unless `httpCharset` is given.
    public init(bytes: [UInt8], url: String? = nil, httpCharset: String? = nil) throws(MarkupError) {
        LibXML.ensureInitialized()
        guard !bytes.isEmpty else { throw .empty("XML document") }
        let encoding = httpCharset.flatMap(Charset.canonicalName)
        let options = Int32(
            XML_PARSE_RECOVER.rawValue | XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue
                | XML_PARSE_NOWARNING.rawValue | XML_PARSE_NOCDATA.rawValue | XML_PARSE_COMPACT.rawValue)
        let doc: xmlDocPtr? = bytes.withUnsafeBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) { chars in
                xmlReadMemory(chars, Int32(clamping: buffer.count), url, encoding, options)
            }
        }
        guard let doc else { throw .empty("XML document") }
        let declared = doc.pointee.encoding.map { String(cString: $0) } ?? "UTF-8"
        super.init(pointer: doc, encoding: encoding ?? declared, isHTML: false)
    }
}
