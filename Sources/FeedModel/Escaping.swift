extension String {
    /// The text escaped for XML and HTML character data and double-quoted attribute values
    /// (`&`, `<`, `>`, `"`); characters XML 1.0 forbids (C0 controls other than tab, LF, CR,
    /// U+FFFE/U+FFFF) are dropped.
    ///
    /// Works on the UTF-8 bytes: every byte that needs attention is ASCII, or the lead byte 0xEF
    /// of U+FFFE/U+FFFF (EF BF BE/BF), so multi-byte characters are copied as they are. A text
    /// with nothing to escape is returned without copying.
    public var xmlEscaped: String {
        var copy = self
        return copy.withUTF8 { bytes -> String in
            guard let first = bytes.firstIndex(where: Self.needsXMLAttention) else { return self }
            var out: [UInt8] = []
            out.reserveCapacity(bytes.count + bytes.count / 8 + 16)
            out.append(contentsOf: bytes[..<first])
            var i = first
            while i < bytes.count {
                let byte = bytes[i]
                switch byte {
                case UInt8(ascii: "&"): out.append(contentsOf: [0x26, 0x61, 0x6D, 0x70, 0x3B])  // &amp;
                case UInt8(ascii: "<"): out.append(contentsOf: [0x26, 0x6C, 0x74, 0x3B])  // &lt;
                case UInt8(ascii: ">"): out.append(contentsOf: [0x26, 0x67, 0x74, 0x3B])  // &gt;
                case UInt8(ascii: "\""): out.append(contentsOf: [0x26, 0x71, 0x75, 0x6F, 0x74, 0x3B])  // &quot;
                case 0x09, 0x0A, 0x0D: out.append(byte)
                case 0x00..<0x20: break
                case 0xEF where i + 2 < bytes.count && bytes[i + 1] == 0xBF && (bytes[i + 2] == 0xBE || bytes[i + 2] == 0xBF):
                    i += 2  // U+FFFE / U+FFFF
                default: out.append(byte)
                }
                i += 1
            }
            return String(decoding: out, as: UTF8.self)
        }
    }

    private static func needsXMLAttention(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "&"), UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "\""), 0xEF: true
        case 0x09, 0x0A, 0x0D: false
        default: byte < 0x20
        }
    }

    /// The text as a JSON string literal (RFC 8259 §7): quotation mark, reverse solidus and
    /// control characters escaped, and U+2028/U+2029 as well, so the literal is also valid
    /// JavaScript.
    public var jsonQuoted: String {
        var out = "\""
        out.reserveCapacity(utf8.count + 2)
        for scalar in unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{2028}": out += "\\u2028"
            case "\u{2029}": out += "\\u2029"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
