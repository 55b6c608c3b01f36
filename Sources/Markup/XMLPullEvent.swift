/// One event of an ``XMLPullReader``.
public enum XMLPullEvent: Sendable, Equatable {
    /// An element starts (for `<a/>` an ``endElement`` follows at once).
    case startElement(XMLPullElement)
    /// The innermost open element ends.
    case endElement
    /// Character data: text, CDATA or whitespace, entities already decoded by libxml2.
    case text(String)
    /// A reference to a DTD-declared entity, left unexpanded (by design: no entity expansion).
    case entityReference(String)
}

/// The start tag of an element, with namespaces resolved.
public struct XMLPullElement: Sendable, Equatable {
    /// The namespace URI of `xmlns` attributes (they are not reported as attributes).
    public static let xmlnsNamespace = "http://www.w3.org/2000/xmlns/"
    /// The namespace URI of `xml:base`, `xml:lang`.
    public static let xmlNamespace = "http://www.w3.org/XML/1998/namespace"

    /// The local name (`creator` for `dc:creator`).
    public var localName: String
    /// The namespace URI, nil when the element is in no namespace.
    public var namespaceURI: String?
    /// The name as written (`dc:creator`).
    public var qualifiedName: String
    /// The attributes in document order, without namespace declarations.
    public var attributes: [XMLPullAttribute]

    /// Creates an element description.
    public init(localName: String, namespaceURI: String?, qualifiedName: String, attributes: [XMLPullAttribute] = []) {
        self.localName = localName
        self.namespaceURI = namespaceURI
        self.qualifiedName = qualifiedName
        self.attributes = attributes
    }

    /// The value of the attribute with this local name and namespace (nil: no namespace).
    public func attribute(_ localName: String, namespace: String? = nil) -> String? {
        attributes.first { $0.localName == localName && $0.namespaceURI == namespace }?.value
    }
}

/// One attribute of an ``XMLPullElement``.
public struct XMLPullAttribute: Sendable, Equatable {
    /// The local name.
    public var localName: String
    /// The namespace URI, nil for an unprefixed attribute.
    public var namespaceURI: String?
    /// The name as written.
    public var qualifiedName: String
    /// The normalized value, entities decoded.
    public var value: String

    /// Creates an attribute description.
    public init(localName: String, namespaceURI: String?, qualifiedName: String, value: String) {
        self.localName = localName
        self.namespaceURI = namespaceURI
        self.qualifiedName = qualifiedName
        self.value = value
    }
}

/// How an ``XMLPullReader`` reads.
public struct XMLPullOptions: Sendable {
    /// Streaming or recovering.
    public enum Mode: Sendable {
        /// `xmlTextReader` over the bytes: constant memory, stops at the first error.
        case streaming
        /// A recovering tree parse, then walked: reads past errors, memory grows with the input.
        case recoveringTree
    }

    /// The character encoding of the bytes (overrides the XML declaration); nil: let libxml2
    /// detect it from BOM and declaration.
    public var encoding: String?
    /// The document's URL (libxml2's base URI).
    public var baseURL: String?
    /// Streaming (default) or recovering tree.
    public var mode: Mode
    /// At most this many diagnostics are kept.
    public var maxDiagnostics: Int

    /// Creates options.
    public init(encoding: String? = nil, baseURL: String? = nil, mode: Mode = .streaming, maxDiagnostics: Int = 20) {
        self.encoding = encoding
        self.baseURL = baseURL
        self.mode = mode
        self.maxDiagnostics = maxDiagnostics
    }
}

/// The HTML 4 named character entities (libxml2's table), for documents that use them
/// without declaring them (`&auml;` in an RSS feed).
public enum XMLPullEntities {
    /// The code point of a named HTML entity (`"auml"` → U+00E4), case-sensitive; nil if unknown.
    public static func codePoint(named name: String) -> UInt32? {
        htmlEntityCodePoint(name)
    }
}
