import Foundation
import Markup
import FeedModel

/// Small text helpers for feed values: tag stripping, entity decoding, author splitting and
/// URL resolution. Pure functions over strings.
enum HTMLText {
    /// True when `text` contains something that looks like an HTML tag or entity.
    static func looksLikeHTML(_ text: String) -> Bool {
        var previous: Character = " "
        for character in text {
            if previous == "<", character.isLetter || character == "/" || character == "!" { return true }
            if previous == "&", character.isLetter || character == "#" {
                return text.contains(";")
            }
            previous = character
        }
        return false
    }

    /// Markup removed, entities decoded, whitespace runs collapsed: the plain text of an HTML fragment.
    static func plainText(fromHTML html: String) -> String {
        collapseWhitespace(decodeEntities(stripTags(html)))
    }

    /// Removes tags, comments and the contents of `script`/`style`.
    static func stripTags(_ html: String) -> String {
        guard html.contains("<") else { return html }
        var out = ""
        out.reserveCapacity(html.utf8.count)
        let scalars = Array(html.unicodeScalars)
        var i = 0
        var skipUntil: String?
        while i < scalars.count {
            let c = scalars[i]
            if c == "<", i + 1 < scalars.count,
                scalars[i + 1].properties.isAlphabetic || scalars[i + 1] == "/" || scalars[i + 1] == "!"
                    || scalars[i + 1] == "?"
            {
                // Find the end of the tag (quotes respected) or of the comment.
                var j = i + 1
                if scalars[j] == "!", j + 2 < scalars.count, scalars[j + 1] == "-", scalars[j + 2] == "-" {
                    j += 3
                    while j + 2 < scalars.count, !(scalars[j] == "-" && scalars[j + 1] == "-" && scalars[j + 2] == ">") {
                        j += 1
                    }
                    i = min(j + 3, scalars.count)
                    continue
                }
                var quote: Unicode.Scalar?
                while j < scalars.count {
                    let d = scalars[j]
                    if let q = quote {
                        if d == q { quote = nil }
                    } else if d == "\"" || d == "'" {
                        quote = d
                    } else if d == ">" {
                        break
                    }
                    j += 1
                }
                let tag = String(String.UnicodeScalarView(scalars[(i + 1)..<min(j, scalars.count)])).lowercased()
                let name = tag.prefix { $0.isLetter || $0.isNumber || $0 == "/" }
                if let closing = skipUntil {
                    if name == "/" + closing { skipUntil = nil }
                } else if name == "script" || name == "style" {
                    skipUntil = String(name)
                } else if ["br", "p", "/p", "div", "/div", "li", "/li", "tr", "h1", "h2", "h3", "h4", "h5", "h6"]
                    .contains(String(name))
                {
                    out.append(" ")
                }
                i = min(j + 1, scalars.count)
                continue
            }
            if skipUntil == nil { out.unicodeScalars.append(c) }
            i += 1
        }
        return out
    }

    /// Decodes character references and HTML named entities; unknown ones stay as written.
    static func decodeEntities(_ text: String) -> String {
        guard text.contains("&") else { return text }
        var out = String.UnicodeScalarView()
        let scalars = Array(text.unicodeScalars)
        var i = 0
        while i < scalars.count {
            let c = scalars[i]
            guard c == "&" else {
                out.append(c)
                i += 1
                continue
            }
            var j = i + 1
            while j < scalars.count, j - i <= 32, scalars[j] != ";", scalars[j] != "&",
                !scalars[j].properties.isWhitespace
            {
                j += 1
            }
            guard j < scalars.count, scalars[j] == ";", j > i + 1 else {
                out.append(c)
                i += 1
                continue
            }
            let name = String(String.UnicodeScalarView(scalars[(i + 1)..<j]))
            var value: UInt32?
            if name.hasPrefix("#x") || name.hasPrefix("#X") {
                value = UInt32(name.dropFirst(2), radix: 16)
            } else if name.hasPrefix("#") {
                value = UInt32(name.dropFirst(), radix: 10)
            } else if name == "apos" {
                value = 39
            } else {
                value = XMLPullEntities.codePoint(named: name)
            }
            if var v = value {
                if v >= 0x80 && v <= 0x9F { v = InputDecoder.windows1252High[Int(v - 0x80)] }
                out.append(Unicode.Scalar(v) ?? "\u{FFFD}")
                i = j + 1
            } else {
                out.append(c)
                i += 1
            }
        }
        return String(out)
    }

    static func collapseWhitespace(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        var pendingSpace = false
        for character in text {
            if character.isWhitespace {
                pendingSpace = !out.isEmpty
            } else {
                if pendingSpace { out.append(" ") }
                pendingSpace = false
                out.append(character)
            }
        }
        return out
    }

    static func trimmed(_ text: String) -> String {
        text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": out.append("&amp;")
            case "<": out.append("&lt;")
            case ">": out.append("&gt;")
            case "\"": out.append("&quot;")
            default: out.append(character)
            }
        }
        return out
    }

    /// Splits an RSS `author` value: `mail@x (Name)`, `Name <mail@x>`, `mail@x`, `Name`.
    static func person(fromRSSAuthor raw: String) -> Person? {
        let text = collapseWhitespace(raw)
        guard !text.isEmpty else { return nil }
        var email: String?
        var rest = text
        let words = text.split(whereSeparator: { $0 == " " || $0 == "(" || $0 == ")" || $0 == "<" || $0 == ">" })
        if let word = words.first(where: { $0.contains("@") && $0.first != "@" && $0.last != "@" }) {
            var candidate = String(word)
            if candidate.lowercased().hasPrefix("mailto:") { candidate.removeFirst(7) }
            email = candidate
            if let range = rest.range(of: String(word)) { rest.removeSubrange(range) }
        }
        rest = rest.replacingOccurrences(of: "()", with: "").replacingOccurrences(of: "<>", with: "")
        var name = rest.trimmingCharacters(in: .whitespaces)
        if name.hasPrefix("("), name.hasSuffix(")") { name = String(name.dropFirst().dropLast()) }
        name = name.trimmingCharacters(in: .whitespaces)
        if name.lowercased().hasPrefix("mailto:") { name = "" }
        let person = Person(name: name.isEmpty ? nil : name, email: email)
        return person.name == nil && person.email == nil ? nil : person
    }

    /// A URL from a feed value, resolved against `base`; spaces and non-ASCII characters are
    /// percent-encoded first.
    static func resolveURL(_ raw: String, base: URL?) -> URL? {
        var text = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { return nil }
        if text.contains(where: { $0 == " " || !$0.isASCII || $0 == "\n" || $0 == "\t" }) {
            text = text.replacingOccurrences(of: "\n", with: "").replacingOccurrences(of: "\t", with: "")
            text = text.addingPercentEncoding(withAllowedCharacters: urlAllowed) ?? text
        }
        if let absolute = URL(string: text), absolute.scheme != nil {
            return absolute
        }
        if let base, let relative = URL(string: text, relativeTo: base) {
            return relative.absoluteURL
        }
        return URL(string: text)
    }

    private static let urlAllowed: CharacterSet = {
        var set = CharacterSet.urlFragmentAllowed
        set.insert(charactersIn: "#%[]")
        return set
    }()

    /// Rewrites relative `href` and `src` attribute values of an HTML fragment to absolute URLs.
    static func resolvingURLs(inHTML html: String, base: URL?) -> String {
        guard let base, html.contains("href") || html.contains("src") else { return html }
        var out = ""
        out.reserveCapacity(html.utf8.count + 64)
        var rest = Substring(html)
        while let match = nextURLAttribute(in: rest) {
            out += rest[..<match.valueRange.lowerBound]
            let value = String(rest[match.valueRange])
            let decoded = decodeEntities(value)
            if !decoded.isEmpty, !decoded.hasPrefix("#"), URL(string: decoded)?.scheme == nil,
                let resolved = resolveURL(decoded, base: base)
            {
                out += escape(resolved.absoluteString)
            } else {
                out += value
            }
            rest = rest[match.valueRange.upperBound...]
        }
        out += rest
        return out
    }

    private static func nextURLAttribute(in text: Substring) -> (valueRange: Range<Substring.Index>, Void)? {
        var search = text[...]
        while let range = search.range(of: "=") {
            // Attribute name before "=" (allowing spaces).
            var nameEnd = range.lowerBound
            while nameEnd > search.startIndex, text[text.index(before: nameEnd)] == " " { nameEnd = text.index(before: nameEnd) }
            var nameStart = nameEnd
            while nameStart > text.startIndex, text[text.index(before: nameStart)].isLetter {
                nameStart = text.index(before: nameStart)
            }
            let name = text[nameStart..<nameEnd].lowercased()
            var valueStart = range.upperBound
            while valueStart < text.endIndex, text[valueStart] == " " { valueStart = text.index(after: valueStart) }
            if name == "href" || name == "src", valueStart < text.endIndex,
                nameStart > text.startIndex, text[text.index(before: nameStart)].isWhitespace
            {
                let quote = text[valueStart]
                if quote == "\"" || quote == "'" {
                    let start = text.index(after: valueStart)
                    if let end = text[start...].firstIndex(of: quote) { return (start..<end, ()) }
                } else {
                    let end = text[valueStart...].firstIndex { $0 == " " || $0 == ">" } ?? text.endIndex
                    return (valueStart..<end, ())
                }
            }
            search = text[range.upperBound...]
        }
        return nil
    }
}
