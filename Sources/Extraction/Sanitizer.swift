import Foundation
import Markup

/// The HTML sanitizer: it never passes markup through, it re-serializes the DOM, keeping only
/// allow-listed tags and attributes, so unclosed tags, comments and parser tricks cannot
/// survive. Runs last on every content path.
struct Sanitizer {
    /// Allowed tags and their allowed attributes, sorted by tag.
    static let allowed: [String: Set<String>] = [
        "a": ["href", "title"], "abbr": ["title"], "b": [], "blockquote": ["cite"], "br": [], "caption": [],
        "cite": [], "code": [], "dd": [], "del": [], "dfn": [], "div": [], "dl": [], "dt": [], "em": [],
        "figcaption": [], "figure": [], "h1": [], "h2": [], "h3": [], "h4": [], "h5": [], "h6": [], "hr": [],
        "i": [], "img": ["alt", "height", "src", "title", "width"], "ins": [], "kbd": [], "li": [], "mark": [],
        "ol": ["start"], "p": [], "pre": [], "q": ["cite"], "s": [], "small": [], "span": [], "strong": [], "sub": [],
        "sup": [], "table": [], "tbody": [], "td": ["colspan", "rowspan"], "tfoot": [], "th": ["colspan", "rowspan", "scope"],
        "thead": [], "time": ["datetime"], "tr": [], "u": [], "ul": [],
    ]

    /// Tags dropped with everything inside them, sorted.
    static let dropped: Set<String> = [
        "applet", "audio", "base", "basefont", "button", "canvas", "embed", "form", "frame", "frameset", "head",
        "iframe", "input", "isindex", "link", "math", "meta", "noembed", "noframes", "noscript", "object", "option",
        "param", "plaintext", "script", "select", "style", "svg", "template", "textarea", "title", "video", "xmp",
    ]

    /// Attributes holding URLs, sorted.
    static let urlAttributes: Set<String> = ["cite", "href", "src"]

    /// Void elements (no closing tag).
    static let voidTags: Set<String> = ["br", "hr", "img"]

    /// The base for relative URLs.
    var baseURL: URL?
    /// Elements left out with their content (the content-level boilerplate of the extraction).
    var excluded: Set<Node> = []

    /// Sanitized HTML of a node and its subtree.
    func sanitize(_ node: Node) -> String {
        var out = ""
        write(node, into: &out)
        return out
    }

    /// Sanitized HTML of a node's children only.
    func sanitizeChildren(of node: Node) -> String {
        var out = ""
        for child in node.children { write(child, into: &out) }
        return out
    }

    private func write(_ node: Node, into out: inout String) {
        switch node.kind {
        case .text, .cdata:
            out += Self.escapeText(node.content)
        case .element:
            let name = node.name.lowercased()
            if Self.dropped.contains(name) || excluded.contains(node) { return }
            guard let attributes = Self.allowed[name] else {
                // Unknown element: keep its content, drop the tag.
                for child in node.children { write(child, into: &out) }
                return
            }
            var tag = "<" + name
            for (rawName, value) in node.attributes {
                let attribute = rawName.lowercased()
                guard attributes.contains(attribute) else { continue }
                var cleaned = value
                if Self.urlAttributes.contains(attribute) {
                    let schemes = name == "img" ? URLTools.safeMediaSchemes : URLTools.safeLinkSchemes
                    guard URLTools.isSafe(value, schemes: schemes) else { continue }
                    guard let resolved = URLTools.resolve(value, against: baseURL) else { continue }
                    // The resolved form must still be safe (a base could not make it unsafe, but check).
                    guard URLTools.isSafe(resolved.absoluteString, schemes: schemes) else { continue }
                    cleaned = resolved.absoluteString
                }
                tag += " " + attribute + "=\"" + Self.escapeAttribute(cleaned) + "\""
            }
            if name == "img" && !tag.contains(" src=") { return }
            out += tag + ">"
            if Self.voidTags.contains(name) { return }
            for child in node.children { write(child, into: &out) }
            out += "</" + name + ">"
        default:
            return
        }
    }

    /// Escapes text content.
    static func escapeText(_ text: String) -> String {
        escape(text) { byte in
            switch byte {
            case 0x26: "&amp;"
            case 0x3C: "&lt;"
            case 0x3E: "&gt;"
            default: nil
            }
        }
    }

    /// Escapes an attribute value for double quotes.
    static func escapeAttribute(_ text: String) -> String {
        escape(text) { byte in
            switch byte {
            case 0x26: "&amp;"
            case 0x3C: "&lt;"
            case 0x3E: "&gt;"
            case 0x22: "&quot;"
            case 0x27: "&#39;"
            case 0x60: "&#96;"
            default: nil
            }
        }
    }

    /// The text with each ASCII character that has a replacement replaced, on UTF-8 bytes (an
    /// ASCII byte is never part of a multi-byte scalar); the text itself when nothing is
    /// replaced, which is most texts.
    private static func escape(_ text: String, _ replacement: (UInt8) -> StaticString?) -> String {
        guard text.utf8.contains(where: { replacement($0) != nil }) else { return text }
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count + 16)
        for byte in text.utf8 {
            if let entity = replacement(byte) {
                entity.withUTF8Buffer { out.append(contentsOf: $0) }
            } else {
                out.append(byte)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
