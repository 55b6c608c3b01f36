internal import CLibXML2

/// A streaming ("pull") XML reader over libxml2's `xmlTextReader`: the document is read
/// element by element with memory independent of its size.
///
/// libxml2's reader stops at the first well-formedness error even in recover mode. A caller
/// that wants "whatever can be read" therefore reads once in ``XMLPullOptions/Mode/streaming``
/// mode and, when ``failed`` is set at the end, reads again in
/// ``XMLPullOptions/Mode/recoveringTree`` mode (a recovering tree parse walked by the same
/// reader API, so the caller's code is the same).
///
/// Always parses with safe options (`RECOVER | NONET | NOERROR | NOWARNING | NOCDATA |
/// IGNORE_ENC`, never `NOENT`, `DTDLOAD`, `DTDATTR`, `XINCLUDE` or `HUGE`): external entities
/// and DTDs are never loaded and entity references are not expanded (they are reported as
/// ``XMLPullEvent/entityReference(_:)``).
///
/// Not `Sendable`: it owns C state and stays on the task that made it.
public final class XMLPullReader {
    /// The document for libxml2 (memory input), nil when it is pulled from `input`.
    private let buffer: UnsafeMutableBufferPointer<CChar>?
    /// The source of a reader made with ``init(streamingFrom:options:)``.
    private let input: XMLPullInput?
    private var reader: xmlTextReaderPtr?
    private var document: xmlDocPtr?
    private let sink: XMLPullErrorSink
    private var pendingEnd = false
    private var finished = false
    /// Names and namespace URIs by address: libxml2's reader hands them out from its
    /// dictionary, one address per distinct string, so each is converted to a `String` once.
    private var interned: [UnsafePointer<xmlChar>: String] = [:]

    /// libxml2's diagnostics (well-formedness errors), at most ``XMLPullOptions/maxDiagnostics``.
    public var diagnostics: [String] { sink.messages }

    /// True once the reader stopped at an error before the end of the document (streaming
    /// mode), or when the recovering tree parse reported errors.
    public private(set) var failed = false

    /// Creates a reader over a copy of `bytes`.
    /// - Parameters:
    ///   - bytes: the document.
    ///   - options: encoding, base URL and mode.
    public init(bytes: [UInt8], options: XMLPullOptions = XMLPullOptions()) {
        LibXML.ensureInitialized()
        sink = XMLPullErrorSink(limit: options.maxDiagnostics)
        // libxml2 reads memory input in place (no copy), so the bytes must outlive the reader.
        input = nil
        let buffer = UnsafeMutableBufferPointer<CChar>.allocate(capacity: max(bytes.count, 1))
        self.buffer = buffer
        bytes.withUnsafeBytes { source in
            UnsafeMutableRawBufferPointer(buffer).copyMemory(from: source)
        }
        let flags = Int32(
            XML_PARSE_RECOVER.rawValue | XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue
                | XML_PARSE_NOWARNING.rawValue | XML_PARSE_NOCDATA.rawValue
                | (options.encoding == nil ? 0 : XML_PARSE_IGNORE_ENC.rawValue))
        let sinkPointer = Unmanaged.passUnretained(sink).toOpaque()
        switch options.mode {
        case .streaming:
            reader = xmlReaderForMemory(
                buffer.baseAddress, Int32(bytes.count), options.baseURL, options.encoding, flags)
            if let reader {
                xmlTextReaderSetStructuredErrorHandler(reader, xmlPullCollectError, sinkPointer)
            }
        case .recoveringTree:
            guard let context = xmlNewParserCtxt() else { break }
            context.pointee._private = sinkPointer
            context.pointee.sax.pointee.serror = xmlPullCollectParserError
            document = LibXML.collectingErrors(into: sink) {
                xmlCtxtReadMemory(
                    context, buffer.baseAddress, Int32(bytes.count), options.baseURL, options.encoding, flags)
            }
            if context.pointee.wellFormed == 0 { failed = true }
            xmlFreeParserCtxt(context)
            if let document { reader = xmlReaderWalker(document) }
        }
        if reader == nil { failed = true }
    }

    /// Creates a streaming reader (``XMLPullOptions/Mode/streaming``; `options.mode` is
    /// ignored) that pulls the document from `read` as libxml2 needs it, so the document never
    /// has to be in memory whole. `read` fills the buffer it is given and returns the number of
    /// bytes written, 0 at the end.
    public init(streamingFrom read: @escaping (UnsafeMutableRawBufferPointer) -> Int, options: XMLPullOptions = XMLPullOptions()) {
        LibXML.ensureInitialized()
        sink = XMLPullErrorSink(limit: options.maxDiagnostics)
        buffer = nil
        let input = XMLPullInput(read: read)
        self.input = input
        let flags = Int32(
            XML_PARSE_RECOVER.rawValue | XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue
                | XML_PARSE_NOWARNING.rawValue | XML_PARSE_NOCDATA.rawValue
                | (options.encoding == nil ? 0 : XML_PARSE_IGNORE_ENC.rawValue))
        // The reader is owned by `self`, which keeps `input` alive as long as libxml2 may call it.
        reader = xmlReaderForIO(
            xmlPullReadInput, xmlPullCloseInput, Unmanaged.passUnretained(input).toOpaque(), options.baseURL,
            options.encoding, flags)
        if let reader {
            xmlTextReaderSetStructuredErrorHandler(reader, xmlPullCollectError, Unmanaged.passUnretained(sink).toOpaque())
        } else {
            failed = true
        }
    }

    deinit {
        if let reader { xmlFreeTextReader(reader) }
        if let document { xmlFreeDoc(document) }
        buffer?.deallocate()
    }

    /// The depth of the current node (the root element is at 0).
    public var depth: Int {
        guard let reader else { return 0 }
        return Int(xmlTextReaderDepth(reader))
    }

    /// The next event, or nil at the end of the document (or where an error stopped the reader:
    /// see ``failed``). Empty elements (`<a/>`) yield a start and an end event.
    public func next() -> XMLPullEvent? {
        if pendingEnd {
            pendingEnd = false
            return .endElement
        }
        guard let reader, !finished else { return nil }
        while true {
            // Errors without a parser context (character conversion) go to the diagnostics too.
            let status = document == nil ? LibXML.collectingErrors(into: sink) { xmlTextReaderRead(reader) } : xmlTextReaderRead(reader)
            if status != 1 {
                finished = true
                if status < 0 { failed = true }
                return nil
            }
            switch xmlTextReaderNodeType(reader) {
            case Int32(XML_READER_TYPE_ELEMENT.rawValue):
                let element = currentElement(reader)
                if xmlTextReaderIsEmptyElement(reader) == 1 { pendingEnd = true }
                return .startElement(element)
            case Int32(XML_READER_TYPE_END_ELEMENT.rawValue):
                return .endElement
            case Int32(XML_READER_TYPE_TEXT.rawValue), Int32(XML_READER_TYPE_CDATA.rawValue),
                Int32(XML_READER_TYPE_WHITESPACE.rawValue), Int32(XML_READER_TYPE_SIGNIFICANT_WHITESPACE.rawValue):
                return .text(Self.string(xmlTextReaderConstValue(reader)) ?? "")
            case Int32(XML_READER_TYPE_ENTITY_REFERENCE.rawValue):
                return .entityReference(Self.string(xmlTextReaderConstName(reader)) ?? "")
            default:
                continue
            }
        }
    }

    private func currentElement(_ reader: xmlTextReaderPtr) -> XMLPullElement {
        var element = XMLPullElement(
            localName: name(xmlTextReaderConstLocalName(reader)) ?? "",
            namespaceURI: name(xmlTextReaderConstNamespaceUri(reader)),
            qualifiedName: name(xmlTextReaderConstName(reader)) ?? "")
        if xmlTextReaderHasAttributes(reader) == 1 {
            while xmlTextReaderMoveToNextAttribute(reader) == 1 {
                let namespace = name(xmlTextReaderConstNamespaceUri(reader))
                let qualified = name(xmlTextReaderConstName(reader)) ?? ""
                if namespace == XMLPullElement.xmlnsNamespace || qualified == "xmlns" { continue }
                element.attributes.append(
                    XMLPullAttribute(
                        localName: name(xmlTextReaderConstLocalName(reader)) ?? "",
                        namespaceURI: namespace, qualifiedName: qualified,
                        value: Self.string(xmlTextReaderConstValue(reader)) ?? ""))
            }
            xmlTextReaderMoveToElement(reader)
        }
        return element
    }

    /// A dictionary string of the reader (a name or namespace URI), converted once.
    private func name(_ pointer: UnsafePointer<xmlChar>?) -> String? {
        guard let pointer else { return nil }
        // The bytes are compared as well, so a reused address (were a name ever not from the
        // dictionary) can never yield a stale string.
        if let known = interned[pointer], Self.equals(known, pointer) { return known }
        let value = Self.string(pointer)!
        if interned.count < 4096 { interned[pointer] = value }
        return value
    }

    private static func equals(_ string: String, _ pointer: UnsafePointer<xmlChar>) -> Bool {
        var index = 0
        for byte in string.utf8 {
            guard pointer[index] == byte else { return false }
            index += 1
        }
        return pointer[index] == 0
    }

    private static func string(_ pointer: UnsafePointer<xmlChar>?) -> String? {
        guard let pointer else { return nil }
        return pointer.withMemoryRebound(to: CChar.self, capacity: 1) { String(cString: $0) }
    }

    /// Whether libxml2 (with its iconv/ICU support) can decode the named character encoding.
    public static func supportsEncoding(_ name: String) -> Bool {
        LibXML.ensureInitialized()
        guard let handler = xmlFindCharEncodingHandler(name) else { return false }
        xmlCharEncCloseFunc(handler)
        return true
    }
}

/// The document source of a reader made with `init(streamingFrom:)`.
final class XMLPullInput {
    let read: (UnsafeMutableRawBufferPointer) -> Int
    init(read: @escaping (UnsafeMutableRawBufferPointer) -> Int) { self.read = read }
}

private let xmlPullReadInput: xmlInputReadCallback = { context, buffer, length in
    guard let context, let buffer, length > 0 else { return 0 }
    let input = Unmanaged<XMLPullInput>.fromOpaque(context).takeUnretainedValue()
    let count = input.read(UnsafeMutableRawBufferPointer(start: buffer, count: Int(length)))
    return Int32(min(max(count, 0), Int(length)))
}

private let xmlPullCloseInput: xmlInputCloseCallback = { _ in 0 }

/// Collects libxml2 diagnostics for one reader. Only touched on the reader's thread, during
/// calls into libxml2 made by that reader.
final class XMLPullErrorSink {
    let limit: Int
    var messages: [String] = []

    init(limit: Int) { self.limit = limit }

    func add(_ error: xmlErrorPtr?) {
        guard messages.count < limit, let error else { return }
        let text = error.pointee.message.map { String(cString: $0) } ?? "error \(error.pointee.code)"
        let line = error.pointee.line
        messages.append("line \(line): " + text.trimmingSuffixNewlines())
    }

    /// A diagnostic of Herold's own, in the same form.
    func add(line: Int, _ message: String) {
        guard messages.count < limit else { return }
        messages.append("line \(line): " + message)
    }
}

private let xmlPullCollectError: xmlStructuredErrorFunc = { userData, error in
    guard let userData else { return }
    Unmanaged<XMLPullErrorSink>.fromOpaque(userData).takeUnretainedValue().add(error)
}

private let xmlPullCollectParserError: xmlStructuredErrorFunc = { userData, error in
    // For parser errors libxml2 passes the parser context as user data.
    guard let userData else { return }
    let context = userData.assumingMemoryBound(to: xmlParserCtxt.self)
    guard let sink = context.pointee._private else { return }
    Unmanaged<XMLPullErrorSink>.fromOpaque(sink).takeUnretainedValue().add(error)
}

extension String {
    fileprivate func trimmingSuffixNewlines() -> String {
        var result = self
        while let last = result.last, last == "\n" || last == "\r" { result.removeLast() }
        return result
    }
}

/// libxml2's HTML 4 entity table lookup.
func htmlEntityCodePoint(_ name: String) -> UInt32? {
    LibXML.ensureInitialized()
    return name.withCString { pointer in
        pointer.withMemoryRebound(to: xmlChar.self, capacity: name.utf8.count + 1) { xmlName in
            htmlEntityLookup(xmlName).map { UInt32($0.pointee.value) }
        }
    }
}
