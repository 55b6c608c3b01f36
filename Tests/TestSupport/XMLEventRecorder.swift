public import Markup

/// An event of an XML stream as the feed parser sees it: elements with names and attributes,
/// text runs (the pieces of one run joined).
public enum XMLStreamEvent: Equatable, CustomStringConvertible {
    case start(XMLPullElement)
    case end
    case text(String)

    public var description: String {
        switch self {
        case .start(let e):
            "<\(e.qualifiedName) {\(e.namespaceURI ?? "-")}\(e.localName) "
                + e.attributes.map { "\($0.qualifiedName){\($0.namespaceURI ?? "-")}\($0.localName)=\($0.value)" }
                .joined(separator: " ") + ">"
        case .end: "</>"
        case .text(let t): "\"\(t)\""
        }
    }
}

/// An ``XMLStreamHandler`` that records the events it is handed, joining the pieces of a text
/// run into one text event; optionally it asks the parser to stop after the first element.
public final class XMLEventRecorder: XMLStreamHandler {
    public var events: [XMLStreamEvent] = []
    public var stopAfterFirstElement = false
    public var isDone: Bool { stopAfterFirstElement && !events.isEmpty }

    public init() {}

    public func startElement(_ element: () -> XMLPullElement) { events.append(.start(element())) }
    public func endElement() { events.append(.end) }
    public func characters(_ text: XMLTextPiece, startsRun: Bool) {
        if !startsRun, case .text(let previous) = events.last {
            events[events.count - 1] = .text(previous + text.string)
        } else {
            events.append(.text(text.string))
        }
    }
}
