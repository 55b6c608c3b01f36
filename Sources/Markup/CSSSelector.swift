/// A CSS selector of the subset Herold needs, compiled to XPath 1.0.
///
/// Supported: type selectors (`div`, `*`), `#id`, `.class`, attribute selectors (`[attr]`,
/// `[attr=v]`, `[attr~=v]`, `[attr^=v]`, `[attr$=v]`, `[attr*=v]`, `[attr|=v]`, values quoted
/// or bare), the descendant (whitespace) and child (`>`) combinators, and comma-separated
/// lists. Anything else (pseudo-classes, sibling combinators) is an error, so a typo in
/// feeds.yml is reported instead of silently matching nothing.
public struct CSSSelector: Sendable, Equatable {
    /// The selector as written.
    public let source: String
    /// The equivalent XPath expression, relative to a context node (matches descendants).
    public let xpath: String

    /// Compiles a selector.
    public init(_ source: String) throws(MarkupError) {
        self.source = source
        var parser = Parser(scalars: Array(source.unicodeScalars), source: source)
        self.xpath = try parser.parseList()
    }

    private struct Parser {
        let scalars: [Unicode.Scalar]
        let source: String
        var index = 0

        mutating func parseList() throws(MarkupError) -> String {
            var alternatives: [String] = []
            while true {
                skipSpaces()
                alternatives.append(try parseComplex())
                skipSpaces()
                if index >= scalars.count { break }
                if scalars[index] == "," {
                    index += 1
                    continue
                }
                throw .selector(source, "unexpected \"\(scalars[index])\"")
            }
            return alternatives.joined(separator: " | ")
        }

        mutating func parseComplex() throws(MarkupError) -> String {
            var path = "descendant::" + (try parseCompound())
            while true {
                let hadSpace = skipSpaces()
                guard index < scalars.count, scalars[index] != "," else { break }
                if scalars[index] == ">" {
                    index += 1
                    skipSpaces()
                    path += "/" + (try parseCompound())
                } else if scalars[index] == "+" || scalars[index] == "~" {
                    throw .selector(source, "sibling combinators are not supported")
                } else if hadSpace {
                    path += "/descendant::" + (try parseCompound())
                } else {
                    throw .selector(source, "unexpected \"\(scalars[index])\"")
                }
            }
            return path
        }

        mutating func parseCompound() throws(MarkupError) -> String {
            var tag = "*"
            var predicates: [String] = []
            if index < scalars.count, scalars[index] == "*" {
                index += 1
            } else if index < scalars.count, isNameStart(scalars[index]) {
                tag = parseName().lowercased()
            }
            loop: while index < scalars.count {
                switch scalars[index] {
                case "#":
                    index += 1
                    let id = parseName()
                    guard !id.isEmpty else { throw .selector(source, "empty id") }
                    predicates.append("@id=\(literal(id))")
                case ".":
                    index += 1
                    let name = parseName()
                    guard !name.isEmpty else { throw .selector(source, "empty class") }
                    predicates.append("contains(concat(' ', normalize-space(@class), ' '), \(literal(" " + name + " ")))")
                case "[":
                    index += 1
                    predicates.append(try parseAttribute())
                case ":":
                    throw .selector(source, "pseudo-classes are not supported")
                default:
                    break loop
                }
            }
            if tag == "*" && predicates.isEmpty && index == 0 { throw .selector(source, "empty selector") }
            return tag + predicates.map { "[\($0)]" }.joined()
        }

        mutating func parseAttribute() throws(MarkupError) -> String {
            skipSpaces()
            let name = parseName().lowercased()
            guard !name.isEmpty else { throw .selector(source, "empty attribute name") }
            skipSpaces()
            guard index < scalars.count else { throw .selector(source, "unclosed [") }
            if scalars[index] == "]" {
                index += 1
                return "@\(name)"
            }
            var op = ""
            if scalars[index] != "=" {
                op = String(scalars[index])
                index += 1
            }
            guard index < scalars.count, scalars[index] == "=" else { throw .selector(source, "bad attribute operator") }
            index += 1
            skipSpaces()
            var value = ""
            if index < scalars.count, scalars[index] == "\"" || scalars[index] == "'" {
                let quote = scalars[index]
                index += 1
                while index < scalars.count, scalars[index] != quote {
                    if scalars[index] == "\\", index + 1 < scalars.count { index += 1 }
                    value.unicodeScalars.append(scalars[index])
                    index += 1
                }
                guard index < scalars.count else { throw .selector(source, "unclosed quote") }
                index += 1
            } else {
                value = parseName()
            }
            skipSpaces()
            guard index < scalars.count, scalars[index] == "]" else { throw .selector(source, "unclosed [") }
            index += 1
            let attribute = "@\(name)"
            switch op {
            case "": return "\(attribute)=\(literal(value))"
            case "~": return "contains(concat(' ', normalize-space(\(attribute)), ' '), \(literal(" " + value + " ")))"
            case "^": return "starts-with(\(attribute), \(literal(value)))"
            case "$":
                return
                    "substring(\(attribute), string-length(\(attribute)) - \(value.unicodeScalars.count - 1))=\(literal(value))"
            case "*": return "contains(\(attribute), \(literal(value)))"
            case "|": return "(\(attribute)=\(literal(value)) or starts-with(\(attribute), \(literal(value + "-"))))"
            default: throw .selector(source, "unknown attribute operator \(op)=")
            }
        }

        mutating func parseName() -> String {
            var name = String.UnicodeScalarView()
            while index < scalars.count {
                let scalar = scalars[index]
                if scalar == "\\", index + 1 < scalars.count {
                    name.append(scalars[index + 1])
                    index += 2
                    continue
                }
                guard isNameChar(scalar) else { break }
                name.append(scalar)
                index += 1
            }
            return String(name)
        }

        @discardableResult
        mutating func skipSpaces() -> Bool {
            let start = index
            while index < scalars.count, scalars[index] == " " || scalars[index] == "\t" || scalars[index] == "\n" {
                index += 1
            }
            return index > start
        }

        func isNameStart(_ scalar: Unicode.Scalar) -> Bool {
            scalar.properties.isAlphabetic || scalar == "_" || scalar == "-" || scalar.value > 0x7F
        }

        func isNameChar(_ scalar: Unicode.Scalar) -> Bool {
            isNameStart(scalar) || ("0"..."9").contains(scalar)
        }
    }
}

/// An XPath 1.0 string literal for any string (XPath has no escapes: a string with both quote
/// kinds becomes a `concat()`).
func literal(_ value: String) -> String {
    if !value.contains("'") { return "'\(value)'" }
    if !value.contains("\"") { return "\"\(value)\"" }
    let parts = value.split(separator: "'", omittingEmptySubsequences: false).map { "'\($0)'" }
    return "concat(" + parts.joined(separator: ", \"'\", ") + ")"
}
