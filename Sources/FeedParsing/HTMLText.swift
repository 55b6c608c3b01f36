import Foundation
import Markup
import FeedModel

/// Small text helpers for feed values: tag stripping, entity decoding, author splitting and
/// URL resolution. Pure functions over strings.
enum HTMLText {
    /// True when `text` contains something that looks like an HTML tag or entity.
    static func looksLikeHTML(_ text: String) -> Bool {
        // On bytes while every "<" and "&" stands between ASCII bytes (then it is a Character
        // of its own and so is the ASCII byte after it); otherwise by Character.
        var copy = text
        let fast: Bool? = copy.withUTF8 { b in
            let n = b.count
            for i in 0..<n where b[i] == 0x3C || b[i] == 0x26 {
                guard i + 1 < n else { return false }
                let next = b[i + 1]
                guard next < 0x80, i + 2 >= n || b[i + 2] < 0x80, i == 0 || b[i - 1] < 0x80 else { return nil }
                let letter = (next | 0x20) >= 0x61 && (next | 0x20) <= 0x7A
                if b[i] == 0x3C, letter || next == 0x2F || next == 0x21 { return true }
                if b[i] == 0x26, letter || next == 0x23 { return text.contains(";") }
            }
            return false
        }
        if let fast { return fast }
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
        // No "<" byte: nothing to strip, without Foundation's (composed-character) search.
        guard html.utf8.contains(0x3C), html.contains("<") else { return html }
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
        // An "&" byte in a text of plain scalars is an "&" Character; only other texts need
        // Foundation's (composed-character) search.
        var copy = text
        guard copy.withUTF8({ $0.contains(0x26) && !onlyBareAmpersands($0) && (isPlainScalarText($0) || text.contains("&")) })
        else { return text }
        return decodeEntitiesByScalar(text)
    }

    /// The reference algorithm of ``decodeEntities(_:)``, by scalar (also its general path).
    static func decodeEntitiesByScalar(_ text: String) -> String {
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

    /// True when every `&` byte is followed by ASCII white space, `&`, `;` or nothing: then no
    /// `&` starts a reference ``decodeEntities(_:)`` decodes (its scan ends at the next scalar).
    static func onlyBareAmpersands(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        let n = b.count
        var i = 0
        while i < n {
            if b[i] == 0x26, i + 1 < n {
                let next = b[i + 1]
                guard isASCIISpace(next) || next == 0x26 || next == 0x3B else { return false }
            }
            i += 1
        }
        return true
    }

    /// White space runs (Unicode white space, by `Character`) collapsed to one space, leading
    /// and trailing white space removed.
    ///
    /// Works on UTF-8 bytes when the text holds no scalar that could make a grapheme cluster
    /// differ from its scalars (ASCII, Latin-1 letters, Latin Extended, the usual punctuation,
    /// dashes, quotes and currency signs: see ``isPlainScalarText``); otherwise by `Character`.
    /// A text that needs no change is returned as it is.
    static func collapseWhitespace(_ text: String) -> String {
        var copy = text
        let fast: String?? = copy.withUTF8 { b -> String?? in
            guard isPlainScalarText(b) else { return nil }
            // Nothing to do: no leading/trailing white space, no run, no space other than " ".
            var clean = true
            var previousSpace = true
            for byte in b {
                let space = isASCIISpace(byte)
                if space && (byte != 0x20 || previousSpace) {
                    clean = false
                    break
                }
                previousSpace = space
            }
            if clean && !previousSpace { return .some(nil) }
            if clean && b.isEmpty { return .some(nil) }
            var out: [UInt8] = []
            out.reserveCapacity(b.count)
            var pendingSpace = false
            for byte in b {
                if isASCIISpace(byte) {
                    pendingSpace = !out.isEmpty
                } else {
                    if pendingSpace { out.append(0x20) }
                    pendingSpace = false
                    out.append(byte)
                }
            }
            return .some(String(decoding: out, as: UTF8.self))
        }
        switch fast {
        case .some(.some(let collapsed)): return collapsed
        case .some(.none): return text
        case .none: return collapseWhitespaceByCharacter(text)
        }
    }

    /// ASCII white space as Unicode defines it (tab, LF, VT, FF, CR, space).
    @inline(__always)
    static func isASCIISpace(_ byte: UInt8) -> Bool { byte == 0x20 || (byte >= 0x09 && byte <= 0x0D) }

    /// True when every scalar of the UTF-8 text is ASCII or in U+00A1–U+02FF, U+2010–U+2027,
    /// U+2030–U+205E or U+20A0–U+20CF: none of them is white space beyond ASCII, none extends or
    /// prepends a grapheme cluster, so `Character` and byte views agree on what is white space.
    static func isPlainScalarText(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        var i = 0
        let n = b.count
        while i < n {
            let c = b[i]
            if c < 0x80 {
                i += 1
                continue
            }
            if c >= 0xC2 && c <= 0xCB {  // U+0080–U+02FF
                guard i + 1 < n else { return false }
                if c == 0xC2 && b[i + 1] < 0xA1 { return false }  // C1 controls, NEL, NBSP
                i += 2
                continue
            }
            if c == 0xE2, i + 2 < n {  // U+2000–U+20FF
                let b1 = b[i + 1]
                let b2 = b[i + 2]
                let scalar = 0x2000 | (UInt32(b1 & 0x3F) << 6) | UInt32(b2 & 0x3F)
                guard b1 & 0xC0 == 0x80, b2 & 0xC0 == 0x80 else { return false }
                guard (0x2010...0x2027).contains(scalar) || (0x2030...0x205E).contains(scalar)
                    || (0x20A0...0x20CF).contains(scalar)
                else { return false }
                i += 3
                continue
            }
            return false
        }
        return true
    }

    /// The reference algorithm, by `Character` (also the path for texts ``isPlainScalarText`` refuses).
    static func collapseWhitespaceByCharacter(_ text: String) -> String {
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

    /// Leading and trailing white space removed (Unicode white space, as
    /// `CharacterSet.whitespacesAndNewlines`). Works on scalars; the common case (nothing to
    /// trim) returns the string itself.
    static func trimmed(_ text: String) -> String {
        // An ASCII first and last byte is the first and last scalar: when neither is white
        // space there is nothing to trim (the common case), without the Unicode property lookup.
        let utf8 = text.utf8
        if let first = utf8.first, let last = utf8.last, first < 0x80, last < 0x80, !isASCIISpace(first),
            !isASCIISpace(last)
        {
            return text
        }
        return trimmedByScalar(text)
    }

    /// A `String` of UTF-8 bytes known to be valid, made without validating them again.
    ///
    /// Only for bytes valid by construction: text and markup a feed parser collected from
    /// libxml2's SAX callbacks (libxml2 hands over the UTF-8 it decoded and checked, and the
    /// streamed read delivers nothing after the first error, see `XMLStreamParser`; its input
    /// was checked or made UTF-8 by ``InputDecoder`` besides) or from `String`s, joined and cut
    /// only at ASCII bytes or scalar boundaries (``trimmedRange(_:)``). `String(decoding:as:)`
    /// validated all of it again: about 5 % of a parse of the RSS bench feed. The string made
    /// is the same (its ASCII flag included). Debug builds still validate, and trap on
    /// invalid bytes.
    static func string(ofValidUTF8 b: UnsafeBufferPointer<UInt8>) -> String {
        assert(InputDecoder.isValidUTF8(Array(b)), "string(ofValidUTF8:) given bytes that are not UTF-8")
        if #available(macOS 26.0, *) {
            return unsafe String(copying: UTF8Span(unchecked: b.span, isKnownASCII: isASCII(b)))
        }
        return String(decoding: b, as: UTF8.self)
    }

    /// True when every byte is below 0x80 (eight at a time).
    static func isASCII(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = b.baseAddress else { return true }
        let n = b.count
        var index = 0
        var high: UInt64 = 0
        while index + 8 <= n {
            high |= UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)
            index += 8
        }
        while index < n {
            high |= UInt64(b[index])
            index += 1
        }
        return high & 0x8080_8080_8080_8080 == 0
    }

    /// The bytes of `String(decoding: b, as: UTF8.self)` that ``trimmed(_:)`` keeps: leading and
    /// trailing Unicode white space removed, scalar by scalar (a byte sequence that is not valid
    /// UTF-8 decodes to U+FFFD, which is no white space, and ends the trimming).
    static func trimmedRange(_ b: UnsafeBufferPointer<UInt8>) -> Range<Int> {
        var start = 0
        var end = b.count
        while start < end {
            let c = b[start]
            if c < 0x80 {
                guard isASCIISpace(c) else { break }
                start += 1
                continue
            }
            guard let length = whitespaceScalarLength(b, at: start, end: end) else { break }
            start += length
        }
        while end > start {
            let c = b[end - 1]
            if c < 0x80 {
                guard isASCIISpace(c) else { break }
                end -= 1
                continue
            }
            // The lead byte of the last scalar: at most three continuation bytes back.
            var lead = end - 1
            while lead > start, end - lead < 4, b[lead] & 0xC0 == 0x80 { lead -= 1 }
            guard let length = whitespaceScalarLength(b, at: lead, end: end), lead + length == end else { break }
            end = lead
        }
        return start..<end
    }

    /// The length of the valid UTF-8 sequence at `index` (before `end`) when it encodes a
    /// white space scalar; nil otherwise.
    private static func whitespaceScalarLength(_ b: UnsafeBufferPointer<UInt8>, at index: Int, end: Int) -> Int? {
        var iterator = UnsafeBufferPointer(rebasing: b[index..<end]).makeIterator()
        var parser = Unicode.UTF8.ForwardParser()
        guard case .valid(let encoded) = parser.parseScalar(from: &iterator) else { return nil }
        return Unicode.UTF8.decode(encoded).properties.isWhitespace ? encoded.count : nil
    }

    /// Whether an HTML fragment has an `href` or `src` attribute that
    /// ``resolvingURLs(inHTML:base:simpleBase:)`` would look at: when not, it returns the
    /// fragment unchanged whatever the base.
    static func hasURLAttribute(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let n = bytes.count
        var i = 0
        while i < n {
            guard let found = memchr(bytes.baseAddress! + i, 0x3D, n - i) else { return false }
            i = UnsafeRawPointer(found) - UnsafeRawPointer(bytes.baseAddress!)
            let name = attributeName(before: i, in: bytes)
            if name.count == 3 || name.count == 4 {
                let lower = name.map { bytes[$0] | 0x20 }
                if lower == Array("href".utf8) || lower == Array("src".utf8) { return true }
            }
            i += 1
        }
        return false
    }

    /// The ASCII letters that end, after optional spaces, just before `equals` (the index of an
    /// `=`): the name of the attribute being assigned, or an empty range.
    static func attributeName(before equals: Int, in bytes: UnsafeBufferPointer<UInt8>) -> Range<Int> {
        func isLetter(_ b: UInt8) -> Bool { (b | 0x20) >= 0x61 && (b | 0x20) <= 0x7A }
        var nameEnd = equals
        while nameEnd > 0, bytes[nameEnd - 1] == 0x20 { nameEnd -= 1 }
        var nameStart = nameEnd
        while nameStart > 0, isLetter(bytes[nameStart - 1]) { nameStart -= 1 }
        return nameStart..<nameEnd
    }

    /// The reference algorithm of ``trimmed(_:)``, by scalar (also its general path).
    static func trimmedByScalar(_ text: String) -> String {
        let scalars = text.unicodeScalars
        guard let first = scalars.first, let last = scalars.last else { return text }
        if !first.properties.isWhitespace, !last.properties.isWhitespace { return text }
        guard let start = scalars.firstIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        let end = scalars.lastIndex(where: { !$0.properties.isWhitespace })!
        return String(scalars[start...end])
    }

    /// `text.trimmingCharacters(in: .whitespaces)`, without Foundation when the first and last
    /// bytes are ASCII other than space and tab (then there is nothing to trim).
    static func trimmingSpaces(_ text: String) -> String {
        let utf8 = text.utf8
        guard let first = utf8.first, let last = utf8.last else { return text }
        if first < 0x80, first != 0x20, first != 0x09, last < 0x80, last != 0x20, last != 0x09 { return text }
        return text.trimmingCharacters(in: .whitespaces)
    }

    /// Whether `text` contains the ASCII `needle`: a byte search when `text` is ASCII, else
    /// Foundation's `contains` (which compares by composed characters).
    static func contains(_ text: String, _ needle: StaticString) -> Bool {
        let utf8 = text.utf8
        guard utf8.allSatisfy({ $0 < 0x80 }) else {
            return text.contains(needle.description)
        }
        let count = needle.utf8CodeUnitCount
        guard count > 0 else { return true }
        let first = needle.utf8Start[0]
        var start = utf8.startIndex
        while let candidate = utf8[start...].firstIndex(of: first) {
            var index = candidate
            var k = 0
            while k < count, index != utf8.endIndex, utf8[index] == needle.utf8Start[k] {
                k += 1
                index = utf8.index(after: index)
            }
            if k == count { return true }
            start = utf8.index(after: candidate)
        }
        return false
    }

    /// `&`, `<`, `>` and `"` as entity references. Works on UTF-8 bytes; a string without
    /// any of them is returned as it is.
    static func escape(_ text: String) -> String {
        let utf8 = text.utf8
        guard utf8.contains(where: { $0 == 0x26 || $0 == 0x3C || $0 == 0x3E || $0 == 0x22 }) else { return text }
        var out: [UInt8] = []
        out.reserveCapacity(utf8.count + utf8.count / 8)
        appendEscaped(utf8, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends the UTF-8 `bytes` to `out` with `&`, `<`, `>` and `"` as entity references
    /// (the bytes of ``escape(_:)``), copying the runs between them whole.
    static func appendEscaped<Bytes: Collection<UInt8>>(_ bytes: Bytes, to out: inout [UInt8]) {
        var runStart = bytes.startIndex
        var index = runStart
        while index != bytes.endIndex {
            let replacement: StaticString
            switch bytes[index] {
            case 0x26: replacement = "&amp;"
            case 0x3C: replacement = "&lt;"
            case 0x3E: replacement = "&gt;"
            case 0x22: replacement = "&quot;"
            default:
                bytes.formIndex(after: &index)
                continue
            }
            out.append(contentsOf: bytes[runStart..<index])
            out.append(contentsOf: UnsafeBufferPointer(start: replacement.utf8Start, count: replacement.utf8CodeUnitCount))
            bytes.formIndex(after: &index)
            runStart = index
        }
        out.append(contentsOf: bytes[runStart..<index])
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
    /// `simpleBase`, when given, is `URLResolution.Base(base)` computed once by a caller that
    /// resolves many values against the same base.
    static func resolveURL(_ raw: String, base: URL?, simpleBase: URLResolution.Base? = nil) -> URL? {
        // Fast path, the common case: nothing to trim or encode, and the value is an absolute
        // http(s) URL or a plain relative path that RFC 3986 merging resolves by concatenation
        // (see ``URLResolution``). The result is what Foundation's resolution yields.
        if let simple = URLResolution.resolved(raw, base: simpleBase ?? base.map { URLResolution.Base($0) }) {
            return URL(string: simple)
        }
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
    /// `href` and `src` attribute values in an HTML fragment resolved against `base` (values
    /// with a scheme and fragment-only values are kept). One pass over the UTF-8 bytes; the
    /// fragment is returned as it is when nothing changes.
    /// `simpleBase`, when given, is `URLResolution.Base(base)` computed once by a caller that
    /// resolves many fragments against the same base.
    static func resolvingURLs(inHTML html: String, base: URL?, simpleBase: URLResolution.Base? = nil) -> String {
        guard let base else { return html }
        var text = html
        let rewritten = text.withUTF8 { rewritingURLs($0, base: base, simpleBase: simpleBase) }
        return rewritten.map { String(decoding: $0, as: UTF8.self) } ?? html
    }

    /// The body of ``resolvingURLs(inHTML:base:simpleBase:)`` over the fragment's UTF-8 bytes;
    /// nil when nothing changes.
    static func rewritingURLs(_ bytes: UnsafeBufferPointer<UInt8>, base: URL, simpleBase given: URLResolution.Base?)
        -> [UInt8]?
    {
        var out: [UInt8] = []
        return rewritingURLs(bytes, base: base, simpleBase: given, into: &out) ? out : nil
    }

    /// ``rewritingURLs(_:base:simpleBase:)`` into a buffer the caller reuses: `out` is emptied
    /// (its capacity kept) and, when something changes, holds the rewritten fragment; returns
    /// whether it does. (A fresh buffer per fragment was a large allocation per entry, and
    /// with it a consolidation of malloc's small free chunks.)
    static func rewritingURLs(
        _ bytes: UnsafeBufferPointer<UInt8>, base: URL, simpleBase given: URLResolution.Base?, into out: inout [UInt8]
    ) -> Bool {
        lazy var simpleBase = given ?? URLResolution.Base(base)
        let n = bytes.count
        out.removeAll(keepingCapacity: true)
        var copied = 0
        var i = 0
        func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D || b == 0x0C }
        func isName(_ start: Int, _ name: StaticString) -> Bool {
            let count = name.utf8CodeUnitCount
            for k in 0..<count where bytes[start + k] | 0x20 != name.utf8Start[k] { return false }
            return true
        }
        while i < n {
            // The next "=" (memchr: the fragment is mostly text without one).
            guard let found = memchr(bytes.baseAddress! + i, 0x3D, n - i) else { break }
            i = UnsafeRawPointer(found) - UnsafeRawPointer(bytes.baseAddress!)
            let name = attributeName(before: i, in: bytes)
            let nameStart = name.lowerBound, length = name.count
            guard nameStart > 0, isSpace(bytes[nameStart - 1]),
                (length == 4 && isName(nameStart, "href")) || (length == 3 && isName(nameStart, "src"))
            else {
                i += 1
                continue
            }
            var valueStart = i + 1
            while valueStart < n, bytes[valueStart] == 0x20 { valueStart += 1 }
            guard valueStart < n else { break }
            let start: Int
            let end: Int
            let quote = bytes[valueStart]
            if quote == 0x22 || quote == 0x27 {
                start = valueStart + 1
                guard let close = bytes[start...].firstIndex(of: quote) else {
                    i += 1
                    continue
                }
                end = close
            } else {
                start = valueStart
                end = bytes[start...].firstIndex { $0 == 0x20 || $0 == 0x3E } ?? n
            }
            // The plain cases (no entity to decode, a plain absolute URL or path) without Foundation
            // and without Strings: the base's part and the value, escaped, are the replacement.
            let value = UnsafeBufferPointer(rebasing: bytes[start..<end])
            let kind = value.contains(0x26) ? .other : URLResolution.classify(value)
            if kind == .absolute {
                i = end
                continue
            }
            func replace(with prefix: String) {
                if out.isEmpty, out.capacity < n + 256 { out.reserveCapacity(n + 256) }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[copied..<start]))
                // On the prefix's bytes: through the generic `String.UTF8View` this was 2 % of a parse.
                var prefix = prefix
                prefix.withUTF8 { appendEscaped($0, to: &out) }
                appendEscaped(value, to: &out)
                copied = end
                i = end
            }
            if kind == .absolutePath, let origin = simpleBase.origin {
                replace(with: origin)
                continue
            }
            if kind == .relativePath, let directory = simpleBase.directory {
                replace(with: directory)
                continue
            }
            let raw = String(decoding: value, as: UTF8.self)
            var replacement: String?
            do {
                let decoded = decodeEntities(raw)
                if !decoded.isEmpty, !decoded.hasPrefix("#"), URL(string: decoded)?.scheme == nil,
                    let resolved = resolveURL(decoded, base: base)
                {
                    replacement = resolved.absoluteString
                }
            }
            if let replacement {
                if out.isEmpty, out.capacity < n + 256 { out.reserveCapacity(n + 256) }
                out.append(contentsOf: bytes[copied..<start])
                out.append(contentsOf: escape(replacement).utf8)
                copied = end
            }
            i = end
        }
        if copied == 0 { return false }
        out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[copied...]))
        return true
    }

}
