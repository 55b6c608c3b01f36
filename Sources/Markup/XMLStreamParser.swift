internal import CLibXML2

/// Receives the events of an ``XMLStreamParser``, in document order, on the caller's thread.
///
/// The events are those an ``XMLPullReader`` in ``XMLPullOptions/Mode/streaming`` mode yields
/// for the same bytes, up to the first well-formedness error (where both stop): names and
/// namespace URIs as libxml2's tree has them, attribute values decoded, and character data
/// split into pieces where the reader has one text node per run (see
/// ``characters(_:startsRun:)``).
public protocol XMLStreamHandler: AnyObject {
    /// An element starts. `element` builds its description (names, attributes with their
    /// values); call it only when the element matters, and only during this call.
    func startElement(_ element: () -> XMLPullElement)
    /// The innermost open element ends (`<a/>` yields a start and an end).
    func endElement()
    /// A piece of character data (text, CDATA, whitespace; references decoded), valid only
    /// during this call. Consecutive pieces with no other event between them form one run,
    /// which is one text event of ``XMLPullReader``; `startsRun` is true on a run's first piece.
    func characters(_ text: XMLTextPiece, startsRun: Bool)
    /// True once the handler wants no further events: the parse then stops.
    var isDone: Bool { get }
}

/// A piece of character data handed to ``XMLStreamHandler/characters(_:startsRun:)``: UTF-8
/// bytes owned by libxml2, readable only during that call.
public struct XMLTextPiece {
    let bytes: UnsafeBufferPointer<UInt8>

    /// The number of UTF-8 bytes.
    public var count: Int { bytes.count }

    /// Appends the UTF-8 bytes to `buffer`.
    public func append(to buffer: inout [UInt8]) {
        buffer.append(contentsOf: bytes)
    }

    /// The text as a `String`.
    public var string: String { String(decoding: bytes, as: UTF8.self) }
}

/// What an ``XMLStreamParser`` run ended with.
public struct XMLStreamOutcome: Sendable {
    /// True when the parse stopped at a well-formedness error (or an input it could not
    /// decode) before the end of the document: the events up to there were delivered.
    public var failed: Bool
    /// libxml2's diagnostics, at most ``XMLPullOptions/maxDiagnostics``, up to and including
    /// the first well-formedness error (the reader's may go on with the errors libxml2
    /// recovered from in the rest of its read-ahead).
    public var diagnostics: [String]
}

/// A streaming XML parser over libxml2's SAX2 push interface: the document is pulled in
/// chunks, parsed, and reported to an ``XMLStreamHandler`` as it goes; no tree is built, no
/// `String` is made for a name more than once, and text is handed over as bytes, so the
/// handler builds strings only for what it keeps.
///
/// It reads like ``XMLPullReader`` in streaming mode (same options, same safe flags, same
/// events, and it likewise stops at the first well-formedness error, so a caller that wants
/// "whatever can be read" reads again with ``XMLPullOptions/Mode/recoveringTree``). What
/// libxml2's tree builder adds on top of the SAX events, and the reader thus shows, is done
/// here too: attributes defaulted by the DTD are left out, a name with an undeclared prefix
/// keeps the prefix in its local name, `&#38;` in attribute values is decoded, the depth limit
/// (libxml2's `xmlParserMaxDepth`) and the 10,000,000-byte text node limit stop the parse
/// with an error.
///
/// Errors raised without a parser context (character conversion) and libxml2's unstructured
/// messages are collected or dropped for the duration of the parse instead of going to
/// stderr (see `LibXML.collectingErrors`).
public enum XMLStreamParser {
    /// Parses the document that `read` supplies (it fills the buffer it is given and returns
    /// the number of bytes written, 0 at the end) and reports its events to `handler`.
    /// `options.mode` is ignored.
    public static func parse(
        streamingFrom read: (UnsafeMutableRawBufferPointer) -> Int, options: XMLPullOptions = XMLPullOptions(),
        handler: some XMLStreamHandler
    ) -> XMLStreamOutcome {
        LibXML.ensureInitialized()
        let state = XMLStreamState(handler: handler, limit: options.maxDiagnostics)
        LibXML.collectingErrors(into: state.sink) {
            state.run(read: read, options: options)
        }
        return XMLStreamOutcome(failed: state.failed, diagnostics: state.sink.messages)
    }
}

/// The state of one ``XMLStreamParser`` run, reached from the C callbacks through the parser
/// context's `_private`. Only touched on the thread of that run, during it.
final class XMLStreamState {
    let handler: any XMLStreamHandler
    let sink: XMLPullErrorSink
    /// The parser context of this run; callbacks from any other context (libxml2 parses an
    /// internal entity's text in a context of its own to check it) are ignored, as the reader
    /// does not report an entity's content either.
    var context: xmlParserCtxtPtr?
    // The mutable state is `@exclusivity(unchecked)`: it is only touched by this object's
    // methods, called one at a time by libxml2 on the parse's thread (dynamic exclusivity
    // checks on it cost a few per cent of a parse).
    @exclusivity(unchecked) var failed = false
    @exclusivity(unchecked) var stopped = false
    /// Open elements.
    @exclusivity(unchecked) var depth = 0
    /// True while character data runs on (no other event since the last piece).
    @exclusivity(unchecked) var inRun = false
    @exclusivity(unchecked) var runLength = 0
    let maxDepth = Int(herold_xmlParserMaxDepth())
    /// libxml2's `XML_MAX_TEXT_LENGTH`: its tree builder refuses to grow a text node past it.
    static let maxTextNode = 10_000_000
    @exclusivity(unchecked) var names = NameCache()

    init(handler: any XMLStreamHandler, limit: Int) {
        self.handler = handler
        sink = XMLPullErrorSink(limit: limit)
    }

    static let chunkSize = 64 * 1024

    func run(read: (UnsafeMutableRawBufferPointer) -> Int, options: XMLPullOptions) {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: Self.chunkSize, alignment: 1)
        defer { buffer.deallocate() }
        var count = Self.fill(buffer, read)
        var handlers = xmlSAXHandler()
        xmlSAXVersion(&handlers, 2)  // libxml2's own handlers for the DTD and entities
        handlers.startElementNs = streamStartElement
        handlers.endElementNs = streamEndElement
        handlers.characters = streamCharacters
        // The same function for both, so that libxml2 never looks for "ignorable" blanks.
        handlers.ignorableWhitespace = streamCharacters
        handlers.cdataBlock = streamCharacters  // (NOCDATA below turns CDATA into characters anyway)
        handlers.comment = streamComment
        handlers.processingInstruction = streamProcessingInstruction
        handlers.reference = streamReference
        handlers.serror = streamError
        handlers.startElement = nil
        handlers.endElement = nil
        // Like xmlReaderForIO: the context is made with the first 4 bytes (for the encoding
        // detection), then the options and the encoding are set.
        let first = min(count, 4)
        let base = buffer.baseAddress!.assumingMemoryBound(to: CChar.self)
        // user_data nil: libxml2's own SAX2 handlers get the context, as they expect.
        guard let ctxt = xmlCreatePushParserCtxt(&handlers, nil, base, Int32(first), options.baseURL) else {
            failed = true
            return
        }
        context = ctxt
        defer {
            if let document = ctxt.pointee.myDoc { xmlFreeDoc(document) }
            ctxt.pointee.myDoc = nil
            xmlFreeParserCtxt(ctxt)
            context = nil
        }
        ctxt.pointee._private = Unmanaged.passUnretained(self).toOpaque()
        let flags = Int32(
            XML_PARSE_RECOVER.rawValue | XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue
                | XML_PARSE_NOWARNING.rawValue | XML_PARSE_NOCDATA.rawValue
                | (options.encoding == nil ? 0 : XML_PARSE_IGNORE_ENC.rawValue))
        xmlCtxtUseOptions(ctxt, flags)
        // UTF-8 is what libxml2 reads natively: with its UTF-8 "encoder" set, every chunk went
        // through a raw buffer and a UTF-8 → UTF-8 copy first. Without one (and with the XML
        // declaration's encoding ignored) it reads the bytes as they are, the same characters.
        if let encoding = options.encoding, !Self.isUTF8Label(encoding), let encoder = xmlFindCharEncodingHandler(encoding) {
            xmlSwitchToEncoding(ctxt, encoder)
        }
        var offset = first
        while !stopped {
            let terminate: Int32 = count == 0 ? 1 : 0
            let status = xmlParseChunk(ctxt, base + offset, Int32(count - offset), terminate)
            // As the reader: a non-zero status (an encoder error, a halted parser) or any
            // well-formedness error ends the streaming read.
            if !stopped, status != 0 || ctxt.pointee.wellFormed == 0 {
                if status == XML_ERR_INVALID_ENCODING.rawValue || status == XML_ERR_UNSUPPORTED_ENCODING.rawValue {
                    fail("the input could not be decoded as \(options.encoding ?? "declared")")
                } else {
                    fail()
                }
            }
            if terminate == 1 { break }
            offset = 0
            count = Self.fill(buffer, read)
        }
    }

    /// True for the labels of UTF-8 (`UTF-8`, `utf8`, any case).
    static func isUTF8Label(_ label: String) -> Bool {
        let folded = label.lowercased()
        return folded == "utf-8" || folded == "utf8"
    }

    /// Fills `buffer` as far as `read` goes; 0 at the end of the document.
    private static func fill(_ buffer: UnsafeMutableRawBufferPointer, _ read: (UnsafeMutableRawBufferPointer) -> Int)
        -> Int
    {
        var count = 0
        while count < buffer.count {
            let got = read(UnsafeMutableRawBufferPointer(rebasing: buffer[count...]))
            guard got > 0 else { break }
            count += min(got, buffer.count - count)
        }
        return count
    }

    /// Stops the parse here, marked as failed.
    func fail(_ message: String? = nil) {
        guard !stopped else { return }
        if let message {
            let line = context.map { Int(xmlSAX2GetLineNumber(UnsafeMutableRawPointer($0))) } ?? 0
            sink.add(line: line, message)
        }
        failed = true
        stop()
    }

    /// Delivers no further event or diagnostic and feeds no further input. (libxml2 finishes
    /// the chunk it is in without reporting it; `xmlStopParser` is not called from inside
    /// its callbacks, where it would free the input under the running parser.)
    func stop() {
        stopped = true
    }

    /// The state of the run a callback belongs to, nil when the event must not be delivered
    /// (another context, the run stopped, or a well-formedness error was just raised, which
    /// fails the run: the reader stops at the first one).
    @inline(__always)
    static func active(_ ctx: UnsafeMutableRawPointer?) -> XMLStreamState? {
        guard let ctx else { return nil }
        let ctxt = ctx.assumingMemoryBound(to: xmlParserCtxt.self)
        guard let opaque = ctxt.pointee._private else { return nil }
        let state = Unmanaged<XMLStreamState>.fromOpaque(opaque).takeUnretainedValue()
        guard state.context == ctxt, !state.stopped else { return nil }
        if ctxt.pointee.wellFormed == 0 {
            state.fail()
            return nil
        }
        return state
    }

    func startElement(
        _ localName: UnsafePointer<xmlChar>, _ prefix: UnsafePointer<xmlChar>?, _ uri: UnsafePointer<xmlChar>?,
        _ attributeCount: Int, _ attributes: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?
    ) {
        inRun = false
        // libxml2's tree builder refuses an element below this depth and halts the parser.
        if depth > maxDepth {
            fail("Excessive depth in document: \(maxDepth) use XML_PARSE_HUGE option")
            return
        }
        depth += 1
        handler.startElement { element(localName, prefix, uri, attributeCount, attributes) }
        if handler.isDone { stop() }
    }

    private func element(
        _ localName: UnsafePointer<xmlChar>, _ prefix: UnsafePointer<xmlChar>?, _ uri: UnsafePointer<xmlChar>?,
        _ attributeCount: Int, _ attributes: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?
    ) -> XMLPullElement {
        let (local, qualified) = names.names(localName, prefix, hasNamespace: uri != nil)
        var element = XMLPullElement(localName: local, namespaceURI: uri.map { names.name($0) }, qualifiedName: qualified)
        guard attributeCount > 0, let attributes else { return element }
        element.attributes.reserveCapacity(attributeCount)
        for index in 0..<attributeCount {
            let fields = attributes + 5 * index
            guard let name = fields[0], let start = fields[3], let end = fields[4] else { continue }
            let namespace = fields[2]
            let (attributeLocal, attributeQualified) = names.names(name, fields[1], hasNamespace: namespace != nil)
            element.attributes.append(
                XMLPullAttribute(
                    localName: attributeLocal, namespaceURI: namespace.map { names.name($0) },
                    qualifiedName: attributeQualified,
                    value: Self.attributeValue(UnsafeBufferPointer(start: start, count: end - start))))
        }
        return element
    }

    /// An attribute value as SAX2 hands it over, as libxml2's tree has it: without entity
    /// substitution libxml2 writes a literal `&` as `&#38;` there (for its tree builder to
    /// decode again); any other `&` is left as it is.
    static func attributeValue(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        guard bytes.contains(0x26) else { return String(decoding: bytes, as: UTF8.self) }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = 0
        let n = bytes.count
        while i < n {
            if bytes[i] == 0x26, i + 4 < n, bytes[i + 1] == 0x23, bytes[i + 2] == 0x33, bytes[i + 3] == 0x38,
                bytes[i + 4] == 0x3B
            {
                out.append(0x26)
                i += 5
            } else {
                out.append(bytes[i])
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    func endElement() {
        inRun = false
        depth -= 1
        handler.endElement()
    }

    func characters(_ bytes: UnsafePointer<xmlChar>, _ count: Int) {
        let startsRun = !inRun
        inRun = true
        if startsRun {
            runLength = count
        } else {
            // libxml2's tree builder refuses to grow a text node past this and halts.
            if runLength + count > Self.maxTextNode {
                fail("Memory allocation failed : xmlSAX2Characters: huge text node")
                return
            }
            runLength += count
        }
        handler.characters(XMLTextPiece(bytes: UnsafeBufferPointer(start: bytes, count: count)), startsRun: startsRun)
    }

    /// Comments, processing instructions and entity references end a run of character data
    /// (in the reader's tree they are nodes between two text nodes).
    func endRun() {
        inRun = false
    }
}

/// Names and namespace URIs by address: libxml2 interns every name of a parse in its
/// dictionary (one address per distinct string, alive until the context is freed), so each is
/// converted to a `String` once per run. A small direct-mapped cache: a slot that holds
/// another address is overwritten.
struct NameCache {
    private var strings = [(UnsafePointer<xmlChar>?, String)](repeating: (nil, ""), count: 256)
    private var qualified = [(UnsafePointer<xmlChar>?, UnsafePointer<xmlChar>?, String)](
        repeating: (nil, nil, ""), count: 64)

    @inline(__always)
    private static func slot(_ pointer: UnsafePointer<xmlChar>, _ count: Int) -> Int {
        // libxml2's dictionary packs its strings without alignment, so names interned one
        // after the other lie a few bytes apart: the low bits tell them apart (with `bits >> 4`
        // neighbours such as "link" and "guid" shared a slot and evicted each other per element).
        let bits = UInt(bitPattern: pointer)
        return Int(truncatingIfNeeded: bits ^ (bits >> 8)) & (count - 1)
    }

    mutating func name(_ pointer: UnsafePointer<xmlChar>) -> String {
        let index = Self.slot(pointer, strings.count)
        if strings[index].0 == pointer { return strings[index].1 }
        let value = pointer.withMemoryRebound(to: CChar.self, capacity: 1) { String(cString: $0) }
        strings[index] = (pointer, value)
        return value
    }

    /// The local and qualified name as libxml2's tree (and so the reader) has them: with a
    /// prefix that no namespace declaration binds, both are `prefix:local`.
    mutating func names(_ local: UnsafePointer<xmlChar>, _ prefix: UnsafePointer<xmlChar>?, hasNamespace: Bool)
        -> (local: String, qualified: String)
    {
        guard let prefix else {
            let name = name(local)
            return (name, name)
        }
        let index = Self.slot(local, qualified.count)
        let joined: String
        if qualified[index].0 == local, qualified[index].1 == prefix {
            joined = qualified[index].2
        } else {
            joined = name(prefix) + ":" + name(local)
            qualified[index] = (local, prefix, joined)
        }
        return (hasNamespace ? name(local) : joined, joined)
    }
}

private let streamStartElement: startElementNsSAX2Func = {
    ctx, localName, prefix, uri, _, _, attributeCount, defaultedCount, attributes in
    guard let state = XMLStreamState.active(ctx), let localName else { return }
    // Attributes defaulted by the DTD come last; libxml2's tree leaves them out unless asked to.
    state.startElement(localName, prefix, uri, Int(attributeCount) - Int(defaultedCount), attributes)
}

private let streamEndElement: endElementNsSAX2Func = { ctx, _, _, _ in
    XMLStreamState.active(ctx)?.endElement()
}

private let streamCharacters: charactersSAXFunc = { ctx, bytes, count in
    guard let state = XMLStreamState.active(ctx), let bytes, count > 0 else { return }
    state.characters(bytes, Int(count))
}

private let streamComment: commentSAXFunc = { ctx, _ in
    XMLStreamState.active(ctx)?.endRun()
}

private let streamProcessingInstruction: processingInstructionSAXFunc = { ctx, _, _ in
    XMLStreamState.active(ctx)?.endRun()
}

private let streamReference: referenceSAXFunc = { ctx, _ in
    XMLStreamState.active(ctx)?.endRun()
}

private let streamError: xmlStructuredErrorFunc = { userData, error in
    // libxml2 passes the parser context (its user data) for parser errors.
    guard let userData else { return }
    let context = userData.assumingMemoryBound(to: xmlParserCtxt.self)
    guard let opaque = context.pointee._private else { return }
    let state = Unmanaged<XMLStreamState>.fromOpaque(opaque).takeUnretainedValue()
    guard !state.stopped else { return }
    // libxml2 marks the document ill-formed after reporting the error that makes it so: an
    // error that finds it marked comes after the first well-formedness error, where the run
    // ended (the diagnostics end with that error, whatever libxml2 recovers from later).
    if context.pointee.wellFormed == 0 {
        state.fail()
        return
    }
    state.sink.add(error)
}
