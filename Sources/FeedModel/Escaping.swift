extension String {
    /// The text escaped for XML and HTML character data and double-quoted attribute values
    /// (`&`, `<`, `>`, `"`); characters XML 1.0 forbids (C0 controls other than tab, LF, CR,
    /// U+FFFE/U+FFFF) are dropped.
    public var xmlEscaped: String {
        var out = ""
        out.reserveCapacity(utf8.count)
        for scalar in unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            default:
                let v = scalar.value
                if v < 0x20 || v == 0xFFFE || v == 0xFFFF { continue }
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
