internal import CLibXML2

/// One node of a parsed document. A `Node` holds a strong reference to its document, so the
/// tree stays alive as long as any node of it is in use.
///
/// Not `Sendable`: nodes stay with their document on one task.
public struct Node: Hashable {
    /// What a node is.
    public enum Kind: Sendable, Equatable {
        /// An element (`<p>`, `<div>`, ...).
        case element
        /// Character data.
        case text
        /// A CDATA section (XML only; HTML has none).
        case cdata
        /// A comment.
        case comment
        /// The document node.
        case document
        /// Anything else (processing instructions, doctype, entity references, ...).
        case other
    }

    private let raw: OpaquePointer
    /// The document this node belongs to (kept alive by this reference).
    public let document: MarkupDocument

    var pointer: xmlNodePtr { UnsafeMutablePointer(raw) }

    init(_ pointer: xmlNodePtr, in document: MarkupDocument) {
        self.raw = OpaquePointer(pointer)
        self.document = document
    }

    /// Identity: two values are equal when they are the same node.
    public static func == (lhs: Node, rhs: Node) -> Bool { lhs.raw == rhs.raw }

    /// Hashes the node's identity.
    public func hash(into hasher: inout Hasher) { hasher.combine(raw) }

    // MARK: Kind and name

    /// The node's kind.
    public var kind: Kind {
        switch pointer.pointee.type {
        case XML_ELEMENT_NODE: return .element
        case XML_TEXT_NODE: return .text
        case XML_CDATA_SECTION_NODE: return .cdata
        case XML_COMMENT_NODE: return .comment
        case XML_DOCUMENT_NODE, XML_HTML_DOCUMENT_NODE: return .document
        default: return .other
        }
    }

    /// Whether the node is an element.
    public var isElement: Bool { pointer.pointee.type == XML_ELEMENT_NODE }

    /// Whether the node is character data (text or CDATA).
    public var isText: Bool {
        let type = pointer.pointee.type
        return type == XML_TEXT_NODE || type == XML_CDATA_SECTION_NODE
    }

    /// The local name of an element (lower-case in HTML documents); "" for other nodes.
    public var name: String {
        guard isElement, let name = pointer.pointee.name else { return "" }
        return String(cString: name)
    }

    /// The namespace URI of an element, if any.
    public var namespaceURI: String? {
        guard isElement, let ns = pointer.pointee.ns, let href = ns.pointee.href else { return nil }
        return String(cString: href)
    }

    /// Whether this element has the given (lower-case) name; cheaper than comparing `name`.
    public func hasName(_ lowercaseName: String) -> Bool {
        guard isElement, let name = pointer.pointee.name else { return false }
        return lowercaseName.withCString { xmlStrcmp(name, UnsafeRawPointer($0).assumingMemoryBound(to: xmlChar.self)) == 0 }
    }

    // MARK: Tree navigation

    /// The parent node (an element or the document), if any.
    public var parent: Node? {
        guard let parent = pointer.pointee.parent else { return nil }
        return Node(parent, in: document)
    }

    /// The parent if it is an element.
    public var parentElement: Node? {
        guard let parent = pointer.pointee.parent, parent.pointee.type == XML_ELEMENT_NODE else { return nil }
        return Node(parent, in: document)
    }

    /// The first child node.
    public var firstChild: Node? { pointer.pointee.children.map { Node($0, in: document) } }
    /// The last child node.
    public var lastChild: Node? { pointer.pointee.last.map { Node($0, in: document) } }
    /// The next sibling node.
    public var nextSibling: Node? { pointer.pointee.next.map { Node($0, in: document) } }
    /// The previous sibling node.
    public var previousSibling: Node? { pointer.pointee.prev.map { Node($0, in: document) } }

    /// The next sibling that is an element.
    public var nextElementSibling: Node? {
        var current = pointer.pointee.next
        while let node = current {
            if node.pointee.type == XML_ELEMENT_NODE { return Node(node, in: document) }
            current = node.pointee.next
        }
        return nil
    }

    /// The previous sibling that is an element.
    public var previousElementSibling: Node? {
        var current = pointer.pointee.prev
        while let node = current {
            if node.pointee.type == XML_ELEMENT_NODE { return Node(node, in: document) }
            current = node.pointee.prev
        }
        return nil
    }

    /// All child nodes, in order.
    public var children: [Node] {
        var result: [Node] = []
        var current = pointer.pointee.children
        while let node = current {
            result.append(Node(node, in: document))
            current = node.pointee.next
        }
        return result
    }

    /// The child elements, in order.
    public var elementChildren: [Node] {
        var result: [Node] = []
        var current = pointer.pointee.children
        while let node = current {
            if node.pointee.type == XML_ELEMENT_NODE { result.append(Node(node, in: document)) }
            current = node.pointee.next
        }
        return result
    }

    /// The ancestors, nearest first (elements only).
    public var ancestors: [Node] {
        var result: [Node] = []
        var current = parentElement
        while let node = current {
            result.append(node)
            current = node.parentElement
        }
        return result
    }

    /// Whether `other` is this node or one of its descendants.
    public func contains(_ other: Node) -> Bool {
        var current: xmlNodePtr? = other.pointer
        while let node = current {
            if node == pointer { return true }
            current = node.pointee.parent
        }
        return false
    }

    /// Calls `body` for every descendant (not the node itself) in document order. Return
    /// `false` from `body` to skip a node's subtree.
    public func walk(_ body: (Node) -> Bool) {
        let root = pointer
        var current = root.pointee.children
        while let node = current {
            let savedNext = node.pointee.next
            let savedParent = node.pointee.parent
            let descend = body(Node(node, in: document))
            if node.pointee.parent == nil {
                // The callback removed the node: continue after where it was.
                current = savedNext ?? Self.climb(from: savedParent, root: root)
                continue
            }
            if descend, let child = node.pointee.children {
                current = child
                continue
            }
            current = node.pointee.next ?? Self.climb(from: node.pointee.parent, root: root)
        }
    }

    private static func climb(from start: xmlNodePtr?, root: xmlNodePtr) -> xmlNodePtr? {
        var current = start
        while let candidate = current, candidate != root {
            if let next = candidate.pointee.next { return next }
            current = candidate.pointee.parent
        }
        return nil
    }

    /// All descendant elements in document order (collected first, so the tree may be changed
    /// while iterating the result).
    public var descendantElements: [Node] {
        var result: [Node] = []
        walk { node in
            if node.isElement { result.append(node) }
            return true
        }
        return result
    }

    /// The first descendant element with the given lower-case name.
    public func firstElement(named name: String) -> Node? {
        var found: Node?
        walk { node in
            if found != nil { return false }
            if node.hasName(name) {
                found = node
                return false
            }
            return true
        }
        return found
    }

    /// Descendant elements with the given lower-case name, in document order.
    public func elements(named name: String) -> [Node] {
        var result: [Node] = []
        walk { node in
            if node.hasName(name) { result.append(node) }
            return true
        }
        return result
    }

    // MARK: Attributes

    /// The attributes of an element, in source order.
    public var attributes: [(name: String, value: String)] {
        guard isElement else { return [] }
        var result: [(name: String, value: String)] = []
        var current = pointer.pointee.properties
        while let attribute = current {
            if let name = attribute.pointee.name {
                result.append((String(cString: name), Self.attributeValue(attribute)))
            }
            current = attribute.pointee.next
        }
        return result
    }

    private static func attributeValue(_ attribute: xmlAttrPtr) -> String {
        var value = ""
        var child = attribute.pointee.children
        while let node = child {
            if let content = node.pointee.content { value += String(cString: content) }
            child = node.pointee.next
        }
        return value
    }

    /// The value of an attribute (name as in the document; HTML names are lower-case).
    public func attribute(_ name: String) -> String? {
        guard isElement else { return nil }
        var current = pointer.pointee.properties
        while let attribute = current {
            if let attributeName = attribute.pointee.name,
                name.withCString({ xmlStrcmp(attributeName, UnsafeRawPointer($0).assumingMemoryBound(to: xmlChar.self)) }) == 0
            {
                return Self.attributeValue(attribute)
            }
            current = attribute.pointee.next
        }
        return nil
    }

    /// Sets (or adds) an attribute of an element.
    public func setAttribute(_ name: String, _ value: String) {
        guard isElement else { return }
        _ = xmlSetProp(pointer, name, value)
    }

    /// Removes an attribute of an element, if present.
    public func removeAttribute(_ name: String) {
        guard isElement else { return }
        _ = xmlUnsetProp(pointer, name)
    }

    /// The `class` attribute split into its tokens.
    public var classList: [Substring] {
        (attribute("class") ?? "").split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" })
    }

    // MARK: Text

    /// The character data of a text or CDATA node, the text of a comment; "" otherwise.
    public var content: String {
        guard !isElement, let content = pointer.pointee.content else { return "" }
        return String(cString: content)
    }

    /// The concatenated character data of all descendant text and CDATA nodes (entity
    /// references are not followed; comments are skipped).
    ///
    /// The bytes of the text nodes are gathered first and made a string once (not one
    /// temporary string per text node); libxml2 keeps its text as UTF-8, so this is the string
    /// the pieces would concatenate to.
    public var text: String {
        if isText { return content }
        var bytes: [UInt8] = []
        var current = pointer.pointee.children
        let root = pointer
        // The walk of `walk(_:)` without the callback: elements are descended into, other
        // nodes are not; nothing is removed on the way.
        while let node = current {
            let type = node.pointee.type
            if type == XML_TEXT_NODE || type == XML_CDATA_SECTION_NODE, let content = node.pointee.content {
                bytes.append(contentsOf: UnsafeBufferPointer(start: content, count: Int(xmlStrlen(content))))
            } else if type == XML_ELEMENT_NODE, let child = node.pointee.children {
                current = child
                continue
            }
            current = node.pointee.next ?? Self.climb(from: node.pointee.parent, root: root)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Calls `body` with the UTF-8 bytes of each text and CDATA node of the subtree (the node
    /// itself if it is one), in document order: the pieces `text` concatenates, without making
    /// strings. Return `false` from `body` to stop.
    public func forEachTextChunk(_ body: (UnsafeBufferPointer<UInt8>) -> Bool) {
        func chunk(_ node: xmlNodePtr) -> UnsafeBufferPointer<UInt8>? {
            guard let content = node.pointee.content else { return nil }
            return UnsafeBufferPointer(start: content, count: Int(xmlStrlen(content)))
        }
        if isText {
            if let bytes = chunk(pointer) { _ = body(bytes) }
            return
        }
        let root = pointer
        var current = root.pointee.children
        while let node = current {
            let type = node.pointee.type
            if type == XML_TEXT_NODE || type == XML_CDATA_SECTION_NODE, let bytes = chunk(node) {
                if !body(bytes) { return }
            } else if type == XML_ELEMENT_NODE, let child = node.pointee.children {
                current = child
                continue
            }
            current = node.pointee.next ?? Self.climb(from: node.pointee.parent, root: root)
        }
    }

    /// The number of characters of `text` that are not ASCII whitespace, counted without
    /// building the string (cheap enough to call for every candidate while scoring).
    ///
    /// Each element's count is kept in the element (libxml2's `_private` field, with the
    /// document's change generation), and a count is computed for a whole subtree at once, so
    /// asking for an element and then for its descendants (or ancestors, or for every element
    /// of a walk) touches each text node once until the tree changes.
    public var textLength: Int {
        if isText { return pointer.pointee.content.map(Self.countNonSpace) ?? 0 }
        return Self.measure(pointer, generation: document.generation)
    }

    /// Scalars of a text node's content that are not ASCII whitespace (UTF-8 continuation bytes
    /// skipped).
    private static func countNonSpace(_ content: UnsafeMutablePointer<xmlChar>) -> Int {
        var total = 0
        var cursor = content
        while cursor.pointee != 0 {
            let byte = cursor.pointee
            if byte & 0xC0 != 0x80 && byte != 0x20 && byte != 0x0A && byte != 0x09 && byte != 0x0D && byte != 0x0C {
                total += 1
            }
            cursor += 1
        }
        return total
    }

    /// The cached count of a node, if it was computed in `generation`.
    private static func cachedLength(_ node: xmlNodePtr, generation: UInt32) -> Int? {
        let bits = UInt(bitPattern: node.pointee._private)
        guard bits != 0, UInt32(truncatingIfNeeded: bits >> 32) == generation else { return nil }
        return Int(UInt32(truncatingIfNeeded: bits))
    }

    private static func storeLength(_ node: xmlNodePtr, _ length: Int, generation: UInt32) {
        // Counts above 4 G characters are not kept (libxml2 reads at most 2 GB of input).
        guard length <= Int(UInt32.max) else { return }
        node.pointee._private = UnsafeMutableRawPointer(bitPattern: UInt(generation) << 32 | UInt(length))
    }

    /// The count of a non-text node: text and CDATA children counted, element children
    /// descended into (entity references and comments are not); every element on the way
    /// gets its own count cached.
    private static func measure(_ root: xmlNodePtr, generation: UInt32) -> Int {
        if let cached = cachedLength(root, generation: generation) { return cached }
        // The open nodes from `root` down, each with the count of its children so far.
        var open: [(node: xmlNodePtr, sum: Int)] = [(root, 0)]
        var current = root.pointee.children
        while true {
            if let node = current {
                let type = node.pointee.type
                if type == XML_TEXT_NODE || type == XML_CDATA_SECTION_NODE {
                    if let content = node.pointee.content { open[open.count - 1].sum += countNonSpace(content) }
                } else if type == XML_ELEMENT_NODE {
                    if let cached = cachedLength(node, generation: generation) {
                        open[open.count - 1].sum += cached
                    } else if let child = node.pointee.children {
                        open.append((node, 0))
                        current = child
                        continue
                    } else {
                        storeLength(node, 0, generation: generation)
                    }
                }
                current = node.pointee.next
                continue
            }
            // The end of a sibling list: its parent is complete.
            let (finished, sum) = open.removeLast()
            storeLength(finished, sum, generation: generation)
            if open.isEmpty { return sum }
            open[open.count - 1].sum += sum
            current = finished.pointee.next
        }
    }

    // MARK: Changing the tree

    /// Removes the node from its tree. The node stays valid (it is freed with the document),
    /// so it may still be read or re-inserted.
    public func remove() {
        guard pointer.pointee.parent != nil || pointer.pointee.prev != nil || pointer.pointee.next != nil else { return }
        xmlUnlinkNode(pointer)
        document.adoptDetached(pointer)
    }

    /// Replaces the node by its children (unwraps an element).
    public func unwrap() {
        var child = pointer.pointee.children
        while let node = child {
            let next = node.pointee.next
            xmlUnlinkNode(node)
            xmlAddPrevSibling(pointer, node)
            child = next
        }
        remove()
    }

    // MARK: Serialization

    /// The node serialized as HTML (in HTML documents) or XML, including the node itself.
    public var outerHTML: String {
        guard let buffer = OutputBuffer() else { return "" }
        if document.isHTML {
            // Unformatted (no added newlines), UTF-8 (no character entities for non-ASCII).
            htmlNodeDumpFormatOutput(buffer.output, document.pointer, pointer, "UTF-8", 0)
        } else {
            xmlNodeDumpOutput(buffer.output, document.pointer, pointer, 0, 0, "UTF-8")
        }
        return buffer.string
    }

    /// The children serialized as HTML (or XML).
    public var innerHTML: String {
        var result = ""
        for child in children { result += child.outerHTML }
        return result
    }

    // MARK: Queries

    /// Evaluates an XPath 1.0 expression with this node as the context node. Returns the
    /// nodes of a node-set result in document order (empty for other result types).
    public func xpath(_ expression: String) throws(MarkupError) -> [Node] {
        guard let context = XPathContext(document: document) else { throw .xpath(expression) }
        context.handle.pointee.node = pointer
        guard let object = XPathObject(xmlXPathEvalExpression(expression, context.handle)) else {
            throw .xpath(expression)
        }
        guard let set = object.handle.pointee.nodesetval, set.pointee.nodeNr > 0, let table = set.pointee.nodeTab else {
            return []
        }
        var result: [Node] = []
        result.reserveCapacity(Int(set.pointee.nodeNr))
        for index in 0..<Int(set.pointee.nodeNr) {
            // Namespace nodes in a node-set are copies owned by the result: leave them out.
            if let node = table[index], node.pointee.type != XML_NAMESPACE_DECL { result.append(Node(node, in: document)) }
        }
        return result
    }

    /// The descendant elements matching a CSS selector (the subset of `CSSSelector`), in
    /// document order.
    public func select(_ selector: String) throws(MarkupError) -> [Node] {
        let compiled = try CSSSelector(selector)
        return try xpath(compiled.xpath)
    }

    /// The first descendant element matching a CSS selector; nil also for an invalid selector.
    public func first(_ selector: String) -> Node? {
        (try? select(selector))?.first
    }

    /// Whether this element matches a CSS selector (evaluated from the document root).
    public func matches(_ selector: String) -> Bool {
        guard let matched = try? document.select(selector) else { return false }
        return matched.contains(self)
    }
}

/// A libxml2 output buffer writing into a memory buffer; both are freed in `deinit`.
private final class OutputBuffer {
    let buffer: xmlBufferPtr
    let output: xmlOutputBufferPtr

    init?() {
        guard let buffer = xmlBufferCreate() else { return nil }
        guard let output = xmlOutputBufferCreateBuffer(buffer, nil) else {
            xmlBufferFree(buffer)
            return nil
        }
        self.buffer = buffer
        self.output = output
    }

    deinit {
        // Closing the output buffer flushes it; it does not free the memory buffer it wraps.
        xmlOutputBufferClose(output)
        xmlBufferFree(buffer)
    }

    var string: String {
        xmlOutputBufferFlush(output)
        guard let content = xmlBufferContent(buffer) else { return "" }
        return String(cString: content)
    }
}

/// A libxml2 XPath context, freed in `deinit`; it keeps the document alive while in use.
private final class XPathContext {
    let handle: xmlXPathContextPtr
    let document: MarkupDocument

    init?(document: MarkupDocument) {
        guard let handle = xmlXPathNewContext(document.pointer) else { return nil }
        self.handle = handle
        self.document = document
    }

    deinit { xmlXPathFreeContext(handle) }
}

/// A libxml2 XPath result, freed in `deinit`.
private final class XPathObject {
    let handle: xmlXPathObjectPtr

    init?(_ handle: xmlXPathObjectPtr?) {
        guard let handle else { return nil }
        self.handle = handle
    }

    deinit { xmlXPathFreeObject(handle) }
}
