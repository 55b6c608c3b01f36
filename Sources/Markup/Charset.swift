/// Character-set sniffing for HTML bytes, as browsers do it (WHATWG "encoding sniffing",
/// simplified): byte-order mark first, then the transport-layer label (HTTP `charset`), then
/// a `<meta charset>` / `<meta http-equiv="Content-Type">` declaration anywhere in the head
/// (not only in the first 1024 bytes), then a UTF-8 validity check, else windows-1252.
public enum Charset {
    /// How the encoding of a document was decided.
    public enum Source: String, Sendable {
        /// A byte-order mark at the start of the bytes.
        case byteOrderMark
        /// The `charset` parameter of the HTTP `Content-Type`.
        case transport
        /// A `<meta>` declaration in the document.
        case meta
        /// No label: the bytes were valid UTF-8.
        case utf8Validity
        /// No label and invalid UTF-8: the browser default.
        case fallback
    }

    /// Labels that browsers treat as windows-1252 (the WHATWG encoding standard maps every
    /// ISO-8859-1 and ASCII label to it), sorted.
    static let windows1252Labels: Set<String> = [
        "ansi_x3.4-1968", "ascii", "cp1252", "cp819", "csisolatin1", "ibm819", "iso-8859-1", "iso-ir-100",
        "iso8859-1", "iso88591", "iso_8859-1", "iso_8859-1:1987", "l1", "latin1", "us-ascii", "windows-1252",
        "x-cp1252",
    ]

    /// Labels that mean UTF-8, sorted.
    static let utf8Labels: Set<String> = ["unicode-1-1-utf-8", "unicode11utf8", "unicode20utf8", "utf-8", "utf8", "x-unicode20utf8"]

    /// Normalizes an encoding label: trimmed, lower-cased, quotes removed, and mapped to the
    /// name the parser is given (`UTF-8`, `windows-1252`, or the label itself).
    public static func canonicalName(_ label: String) -> String? {
        var trimmed = label.trimmingASCIIWhitespace().lowercased()
        trimmed.removeAll { $0 == "\"" || $0 == "'" }
        guard !trimmed.isEmpty else { return nil }
        if utf8Labels.contains(trimmed) { return "UTF-8" }
        if windows1252Labels.contains(trimmed) { return "windows-1252" }
        if trimmed == "utf-16" || trimmed == "utf-16le" || trimmed == "utf-16be" {
            // A document that declares UTF-16 in an ASCII-compatible meta tag is not UTF-16.
            return "UTF-8"
        }
        if trimmed == "x-sjis" || trimmed == "shift-jis" { return "Shift_JIS" }
        if trimmed == "gb2312" || trimmed == "gbk" { return "GBK" }
        return trimmed
    }

    /// Decides the encoding of HTML bytes.
    /// - Returns: the encoding name and how it was found, and how many BOM bytes to skip.
    public static func sniffHTML(_ bytes: [UInt8], transportLabel: String?) -> (name: String, source: Source, bomLength: Int) {
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF {
            return ("UTF-8", .byteOrderMark, 3)
        }
        if bytes.count >= 2, bytes[0] == 0xFF, bytes[1] == 0xFE { return ("UTF-16LE", .byteOrderMark, 2) }
        if bytes.count >= 2, bytes[0] == 0xFE, bytes[1] == 0xFF { return ("UTF-16BE", .byteOrderMark, 2) }
        if let label = transportLabel, let name = canonicalName(label) {
            if name == "windows-1252", isUTF8Text(bytes) { return ("UTF-8", .utf8Validity, 0) }
            return (name, .transport, 0)
        }
        if let label = metaCharset(in: bytes), let name = canonicalName(label) {
            if name == "windows-1252", isUTF8Text(bytes) { return ("UTF-8", .utf8Validity, 0) }
            return (name, .meta, 0)
        }
        if isValidUTF8(bytes) { return ("UTF-8", .utf8Validity, 0) }
        return ("windows-1252", .fallback, 0)
    }

    /// The usual lie: an ISO-8859-1/windows-1252 label (often a server default) on bytes that
    /// are valid UTF-8 with non-ASCII characters — in practice always UTF-8 text, never
    /// windows-1252 that happens to form UTF-8 sequences.
    static func isUTF8Text(_ bytes: [UInt8]) -> Bool {
        bytes.contains { $0 >= 0x80 } && isValidUTF8(bytes)
    }

    /// For bytes under a UTF-8 label that are not valid UTF-8: true when they are mostly not
    /// UTF-8 at all — more than twice as many bytes that fit no UTF-8 sequence as valid
    /// multi-byte sequences —, i.e. windows-1252 text under a lying label, to be read as
    /// windows-1252 as a whole. Reading only the stray bytes as windows-1252 would turn pairs
    /// such as `ß“` (DF 93), which happen to form a UTF-8 sequence, into a wrong character.
    /// False for UTF-8 text with some stray bytes (a latin-1 passage pasted into UTF-8), which
    /// is repaired byte by byte. A heuristic: a short document mixing both can go either way.
    public static func isMostlyNotUTF8(_ bytes: [UInt8]) -> Bool {
        var sequences = 0
        var strays = 0
        var index = 0
        while index < bytes.count {
            let lead = bytes[index]
            if lead < 0x80 {
                index += 1
                continue
            }
            let length: Int
            switch lead {
            case 0xC2...0xDF: length = 2
            case 0xE0...0xEF: length = 3
            case 0xF0...0xF4: length = 4
            default: length = 0
            }
            var valid = length > 0 && index + length <= bytes.count
            if valid {
                for offset in 1..<length where bytes[index + offset] & 0xC0 != 0x80 { valid = false }
            }
            if valid, length >= 3 {
                // Overlong forms and surrogates (E0 80–9F, ED A0–BF, F0 80–8F, F4 90–) are invalid.
                let second = bytes[index + 1]
                if (lead == 0xE0 && second < 0xA0) || (lead == 0xED && second > 0x9F) || (lead == 0xF0 && second < 0x90)
                    || (lead == 0xF4 && second > 0x8F)
                {
                    valid = false
                }
            }
            if valid {
                sequences += 1
                index += length
            } else {
                strays += 1
                index += 1
            }
        }
        return strays > 2 * sequences
    }

    /// Whether the bytes are well-formed UTF-8 (the Unicode standard's table 3-7, which the
    /// standard library's `UTF8` decoder implements): ASCII is skipped eight bytes at a time,
    /// every other sequence is checked byte by byte.
    public static func isValidUTF8(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return true }
            let count = buffer.count
            var index = 0
            while index < count {
                if index + 8 <= count,
                    UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self) & 0x8080_8080_8080_8080 == 0
                {
                    index += 8
                    continue
                }
                let lead = base[index]
                if lead < 0x80 {
                    index += 1
                    continue
                }
                // The second byte's range depends on the lead; later bytes are 80–BF.
                var length = 0
                var low: UInt8 = 0x80
                var high: UInt8 = 0xBF
                switch lead {
                case 0xC2...0xDF: length = 2
                case 0xE0:
                    length = 3
                    low = 0xA0
                case 0xE1...0xEC, 0xEE...0xEF: length = 3
                case 0xED:
                    length = 3
                    high = 0x9F
                case 0xF0:
                    length = 4
                    low = 0x90
                case 0xF1...0xF3: length = 4
                case 0xF4:
                    length = 4
                    high = 0x8F
                default: return false
                }
                guard index + length <= count else { return false }
                let second = base[index + 1]
                guard second >= low && second <= high else { return false }
                for offset in 2..<max(2, length) where base[index + offset] & 0xC0 != 0x80 { return false }
                index += length
            }
            return true
        }
    }

    /// `isValidUTF8` by the standard library's decoder (the reference the tests compare with).
    static func isValidUTF8ByDecoder(_ bytes: [UInt8]) -> Bool {
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue: continue
            case .emptyInput: return true
            case .error: return false
            }
        }
    }

    /// Finds the charset declared by a `<meta>` tag in the head of the document. Scans up to
    /// the first `<body` (or 64 KiB), so declarations placed after long inline scripts are found.
    static func metaCharset(in bytes: [UInt8]) -> String? {
        let limit = min(bytes.count, 65_536)
        var index = 0
        while index < limit {
            guard bytes[index] == UInt8(ascii: "<") else {
                index += 1
                continue
            }
            // Skip comments entirely: a commented-out meta tag does not count.
            if matches(bytes, at: index, "<!--") {
                var end = index + 4
                while end + 2 < bytes.count, !(bytes[end] == 0x2D && bytes[end + 1] == 0x2D && bytes[end + 2] == 0x3E) {
                    end += 1
                }
                index = end + 3
                continue
            }
            if matches(bytes, at: index, "<body") { return nil }
            if matches(bytes, at: index, "<meta"), index + 5 < bytes.count,
                isTagNameEnd(bytes[index + 5])
            {
                var end = index + 5
                while end < bytes.count, bytes[end] != UInt8(ascii: ">") { end += 1 }
                let tag = String(decoding: bytes[(index + 5)..<min(end, bytes.count)], as: UTF8.self)
                if let label = charsetFromMetaTag(tag) { return label }
                index = end
                continue
            }
            index += 1
        }
        return nil
    }

    /// The charset of one meta tag's attribute text: `charset=...`, or `content="...; charset=..."`
    /// together with `http-equiv="content-type"`.
    static func charsetFromMetaTag(_ attributes: String) -> String? {
        let lower = attributes.lowercased()
        let parsed = parseAttributes(lower)
        if let charset = parsed["charset"], !charset.isEmpty { return charset }
        guard parsed["http-equiv"] == "content-type", let content = parsed["content"] else { return nil }
        let chars = Array(content.unicodeScalars)
        let key = Array("charset=".unicodeScalars)
        guard chars.count >= key.count else { return nil }
        for start in 0...(chars.count - key.count) where Array(chars[start..<(start + key.count)]) == key {
            var label = String.UnicodeScalarView()
            var i = start + key.count
            while i < chars.count, chars[i] == " " || chars[i] == "\"" || chars[i] == "'" { i += 1 }
            while i < chars.count, chars[i] != ";", chars[i] != " ", chars[i] != "\"", chars[i] != "'" {
                label.append(chars[i])
                i += 1
            }
            return label.isEmpty ? nil : String(label)
        }
        return nil
    }

    /// A tolerant attribute tokenizer for the meta prescan.
    static func parseAttributes(_ text: String) -> [String: String] {
        var result: [String: String] = [:]
        let scalars = Array(text.unicodeScalars)
        var i = 0
        func isSpace(_ s: Unicode.Scalar) -> Bool { s == " " || s == "\t" || s == "\n" || s == "\r" || s == "\u{0C}" || s == "/" }
        while i < scalars.count {
            while i < scalars.count, isSpace(scalars[i]) { i += 1 }
            var name = String.UnicodeScalarView()
            while i < scalars.count, !isSpace(scalars[i]), scalars[i] != "=" {
                name.append(scalars[i])
                i += 1
            }
            while i < scalars.count, scalars[i] == " " { i += 1 }
            var value = String.UnicodeScalarView()
            if i < scalars.count, scalars[i] == "=" {
                i += 1
                while i < scalars.count, scalars[i] == " " { i += 1 }
                if i < scalars.count, scalars[i] == "\"" || scalars[i] == "'" {
                    let quote = scalars[i]
                    i += 1
                    while i < scalars.count, scalars[i] != quote {
                        value.append(scalars[i])
                        i += 1
                    }
                    i += 1
                } else {
                    while i < scalars.count, !isSpace(scalars[i]) {
                        value.append(scalars[i])
                        i += 1
                    }
                }
            }
            if !name.isEmpty, result[String(name)] == nil { result[String(name)] = String(value) }
            if name.isEmpty { i += 1 }
        }
        return result
    }

    private static func matches(_ bytes: [UInt8], at index: Int, _ literal: StaticString) -> Bool {
        let count = literal.utf8CodeUnitCount
        guard index + count <= bytes.count else { return false }
        return literal.withUTF8Buffer { buffer in
            for offset in 0..<count {
                var byte = bytes[index + offset]
                if byte >= 0x41 && byte <= 0x5A { byte += 0x20 }
                if byte != buffer[offset] { return false }
            }
            return true
        }
    }

    private static func isTagNameEnd(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D || byte == 0x0C || byte == 0x2F || byte == 0x3E
    }
}

extension String {
    /// The string without leading and trailing ASCII whitespace.
    func trimmingASCIIWhitespace() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" || $0 == "\u{0C}" }
        guard let start = firstIndex(where: { !isSpace($0) }) else { return "" }
        let end = lastIndex(where: { !isSpace($0) })!
        return String(self[start...end])
    }
}
