import Markup

/// Character-encoding detection for XML feeds: BOM, HTTP charset, XML declaration, and the
/// usual lies between them. Produces bytes libxml2 can read with an explicit encoding.
///
/// Order of trust (as browsers do): a BOM, then the HTTP charset, then the XML declaration,
/// then UTF-8. Then the lies: ISO-8859-1/ASCII labels mean windows-1252; bytes that are valid
/// UTF-8 with non-ASCII content are UTF-8 whatever the label says; bytes under a UTF-8 label
/// that are mostly not UTF-8 are windows-1252 as a whole; otherwise invalid UTF-8 under a
/// UTF-8 label is repaired byte by byte (invalid bytes read as windows-1252).
struct DecodedInput {
    /// The document bytes, in `encoding`.
    var bytes: [UInt8]
    /// The encoding label to hand to libxml2 (`"UTF-8"` unless an exotic charset is passed through).
    var encoding: String
    /// True when the bytes are UTF-8 (always, except for a passed-through exotic charset).
    var isUTF8: Bool { encoding == "UTF-8" }
    /// What was repaired or guessed.
    var warnings: [String] = []
}

enum InputDecoder {
    static func decode(_ input: [UInt8], httpCharset: String?) -> DecodedInput {
        // 1. Byte order marks and BOM-less UTF-16/32 (detected from "<?" / "<" patterns).
        if let (unicode, bomLength) = unicodeFamily(input) {
            var result = DecodedInput(bytes: transcodeWide(input, from: bomLength, as: unicode), encoding: "UTF-8")
            if let label = httpCharset.map(normalizedLabel), label != "utf-8", !label.hasPrefix("utf-") {
                result.warnings.append("HTTP charset \(label) contradicts the byte order mark; used \(unicode)")
            }
            return result
        }
        var bytes = input
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
            bytes.removeFirst(3)
            return utf8(bytes, label: "utf-8 (BOM)")
        }
        // 2. Labels.
        let declared = declaredEncoding(bytes).map(normalizedLabel)
        let label = httpCharset.map(normalizedLabel).flatMap { $0.isEmpty ? nil : $0 } ?? declared ?? "utf-8"
        var warnings: [String] = []
        if let declared, let http = httpCharset.map(normalizedLabel), !http.isEmpty,
            canonicalFamily(declared) != canonicalFamily(http)
        {
            warnings.append("HTTP charset \(http) overrides the declared encoding \(declared)")
        }
        // 3. The lies.
        switch canonicalFamily(label) {
        case "utf-8":
            var result = utf8(bytes, label: label)
            result.warnings.insert(contentsOf: warnings, at: 0)
            return result
        case "windows-1252":
            if containsNonASCII(bytes), isValidUTF8(bytes) {
                warnings.append("declared \(label) but the bytes are UTF-8; read as UTF-8")
                return DecodedInput(bytes: bytes, encoding: "UTF-8", warnings: warnings)
            }
            return DecodedInput(bytes: windows1252ToUTF8(bytes), encoding: "UTF-8", warnings: warnings)
        case "utf-16", "utf-32":
            // A wide label on bytes without any wide pattern: the label lies.
            warnings.append("declared \(label) but the bytes are 8-bit; read as UTF-8")
            var result = utf8(bytes, label: label)
            result.warnings.insert(contentsOf: warnings, at: 0)
            return result
        default:
            if containsNonASCII(bytes), isValidUTF8(bytes) {
                warnings.append("declared \(label) but the bytes are UTF-8; read as UTF-8")
                return DecodedInput(bytes: bytes, encoding: "UTF-8", warnings: warnings)
            }
            if !containsNonASCII(bytes) {
                return DecodedInput(bytes: bytes, encoding: "UTF-8", warnings: warnings)
            }
            if XMLPullReader.supportsEncoding(label) {
                return DecodedInput(bytes: bytes, encoding: label, warnings: warnings)
            }
            warnings.append("unknown encoding \(label); read as windows-1252")
            return DecodedInput(bytes: windows1252ToUTF8(bytes), encoding: "UTF-8", warnings: warnings)
        }
    }

    /// UTF-8 bytes as they are when valid; windows-1252 as a whole when they are mostly not UTF-8
    /// (the label lies); else repaired: invalid bytes are read as windows-1252.
    private static func utf8(_ bytes: [UInt8], label: String) -> DecodedInput {
        if isValidUTF8(bytes) { return DecodedInput(bytes: bytes, encoding: "UTF-8") }
        if Charset.isMostlyNotUTF8(bytes) {
            return DecodedInput(
                bytes: windows1252ToUTF8(bytes), encoding: "UTF-8",
                warnings: ["declared \(label) but the bytes are mostly not UTF-8; read as windows-1252"])
        }
        return DecodedInput(
            bytes: repairUTF8(bytes), encoding: "UTF-8",
            warnings: ["invalid UTF-8 under the label \(label); invalid bytes read as windows-1252"])
    }

    static func normalizedLabel(_ raw: String) -> String {
        var label = raw.lowercased()
        label.removeAll { $0 == "\"" || $0 == "'" || $0 == " " }
        return label
    }

    /// Groups labels that mean the same decoder.
    static func canonicalFamily(_ label: String) -> String {
        switch label {
        case "utf-8", "utf8", "unicode-1-1-utf-8", "x-unicode20utf8": return "utf-8"
        case "iso-8859-1", "iso8859-1", "iso_8859-1", "latin1", "latin-1", "l1", "cp819", "ibm819",
            "us-ascii", "ascii", "ansi_x3.4-1968", "iso-ir-100", "windows-1252", "cp1252", "x-cp1252",
            "iso_8859-1:1987", "csisolatin1":
            return "windows-1252"
        case "utf-16", "utf-16le", "utf-16be", "ucs-2", "unicode": return "utf-16"
        case "utf-32", "utf-32le", "utf-32be", "ucs-4": return "utf-32"
        default: return label
        }
    }

    /// The `encoding` of the XML declaration, if the document starts with one.
    static func declaredEncoding(_ bytes: [UInt8]) -> String? {
        let head = bytes.prefix(512)
        guard head.starts(with: Array("<?xml".utf8)) else { return nil }
        guard let end = head.firstIndex(of: UInt8(ascii: ">")) else { return nil }
        let declaration = String(decoding: head[..<end], as: UTF8.self)
        guard let range = declaration.range(of: "encoding") else { return nil }
        var rest = declaration[range.upperBound...].drop { $0 == " " || $0 == "=" || $0 == "\t" }
        guard let quote = rest.first, quote == "\"" || quote == "'" else { return nil }
        rest = rest.dropFirst()
        let value = rest.prefix { $0 != quote }
        return value.isEmpty ? nil : String(value)
    }

    enum Wide: CustomStringConvertible {
        case utf16LE, utf16BE, utf32LE, utf32BE
        var description: String {
            switch self {
            case .utf16LE: "UTF-16LE"
            case .utf16BE: "UTF-16BE"
            case .utf32LE: "UTF-32LE"
            case .utf32BE: "UTF-32BE"
            }
        }
    }

    static func unicodeFamily(_ b: [UInt8]) -> (Wide, Int)? {
        if b.starts(with: [0xFF, 0xFE, 0, 0]) { return (.utf32LE, 4) }
        if b.starts(with: [0, 0, 0xFE, 0xFF]) { return (.utf32BE, 4) }
        if b.starts(with: [0xFF, 0xFE]) { return (.utf16LE, 2) }
        if b.starts(with: [0xFE, 0xFF]) { return (.utf16BE, 2) }
        if b.starts(with: [0x3C, 0, 0, 0]) { return (.utf32LE, 0) }
        if b.starts(with: [0, 0, 0, 0x3C]) { return (.utf32BE, 0) }
        if b.starts(with: [0x3C, 0, 0x3F, 0]) || b.starts(with: [0x3C, 0, 0x72, 0]) || b.starts(with: [0x3C, 0, 0x66, 0]) {
            return (.utf16LE, 0)
        }
        if b.starts(with: [0, 0x3C, 0, 0x3F]) || b.starts(with: [0, 0x3C, 0, 0x72]) || b.starts(with: [0, 0x3C, 0, 0x66]) {
            return (.utf16BE, 0)
        }
        return nil
    }

    /// UTF-16/32 to UTF-8; unpaired surrogates and invalid scalars become U+FFFD.
    static func transcodeWide(_ bytes: [UInt8], from start: Int, as kind: Wide) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var index = start
        switch kind {
        case .utf16LE, .utf16BE:
            var units: [UInt16] = []
            units.reserveCapacity((bytes.count - start) / 2)
            while index + 1 < bytes.count {
                let a = UInt16(bytes[index]), b = UInt16(bytes[index + 1])
                units.append(kind == .utf16LE ? a | (b << 8) : (a << 8) | b)
                index += 2
            }
            out.append(contentsOf: String(decoding: units, as: UTF16.self).utf8)
        case .utf32LE, .utf32BE:
            var scalars = String.UnicodeScalarView()
            while index + 3 < bytes.count {
                let v: UInt32 =
                    kind == .utf32LE
                    ? UInt32(bytes[index]) | UInt32(bytes[index + 1]) << 8 | UInt32(bytes[index + 2]) << 16
                        | UInt32(bytes[index + 3]) << 24
                    : UInt32(bytes[index + 3]) | UInt32(bytes[index + 2]) << 8 | UInt32(bytes[index + 1]) << 16
                        | UInt32(bytes[index]) << 24
                scalars.append(Unicode.Scalar(v) ?? "\u{FFFD}")
                index += 4
            }
            out.append(contentsOf: String(scalars).utf8)
        }
        return out
    }

    static func containsNonASCII(_ bytes: [UInt8]) -> Bool {
        bytes.contains { $0 >= 0x80 }
    }

    static func isValidUTF8(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBufferPointer { b in
            guard let base = b.baseAddress else { return true }
            let n = b.count
            var index = 0
            while index < n {
                // Runs of ASCII eight bytes at a time, then straight to the first non-ASCII byte.
                while index + 8 <= n {
                    let high = UInt64(littleEndian: UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self))
                        & 0x8080_8080_8080_8080
                    if high == 0 {
                        index += 8
                        continue
                    }
                    index += high.trailingZeroBitCount >> 3
                    break
                }
                guard index < n else { break }
                let lead = b[index]
                if lead < 0x80 {
                    index += 1
                    continue
                }
                // Two-byte sequences (Latin letters: ä ö ü ß) checked in place, others as before.
                if lead >= 0xC2, lead <= 0xDF, index + 1 < n, b[index + 1] & 0xC0 == 0x80 {
                    index += 2
                    continue
                }
                let length = utf8SequenceLength(b, at: index)
                if length == 0 { return false }
                index += length
            }
            return true
        }
    }

    /// Length of a valid UTF-8 sequence at `i`, 0 if invalid.
    @inline(__always)
    static func utf8SequenceLength(_ b: UnsafeBufferPointer<UInt8>, at i: Int) -> Int {
        let lead = b[i]
        if lead < 0x80 { return 1 }
        func continuation(_ k: Int) -> Bool { i + k < b.count && b[i + k] & 0xC0 == 0x80 }
        switch lead {
        case 0xC2...0xDF:
            return continuation(1) ? 2 : 0
        case 0xE0...0xEF:
            guard continuation(1), continuation(2) else { return 0 }
            if lead == 0xE0 && b[i + 1] < 0xA0 { return 0 }
            if lead == 0xED && b[i + 1] > 0x9F { return 0 }
            return 3
        case 0xF0...0xF4:
            guard continuation(1), continuation(2), continuation(3) else { return 0 }
            if lead == 0xF0 && b[i + 1] < 0x90 { return 0 }
            if lead == 0xF4 && b[i + 1] > 0x8F { return 0 }
            return 4
        default:
            return 0
        }
    }

    /// Length of a valid UTF-8 sequence at `i`, 0 if invalid.
    static func utf8SequenceLength(_ b: [UInt8], at i: Int) -> Int {
        b.withUnsafeBufferPointer { utf8SequenceLength($0, at: i) }
    }

    static func repairUTF8(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + bytes.count / 8)
        var index = 0
        while index < bytes.count {
            let length = utf8SequenceLength(bytes, at: index)
            if length > 0 {
                out.append(contentsOf: bytes[index..<index + length])
                index += length
            } else {
                appendUTF8(windows1252Scalar(bytes[index]), to: &out)
                index += 1
            }
        }
        return out
    }

    static func windows1252ToUTF8(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + bytes.count / 8)
        for byte in bytes {
            if byte < 0x80 { out.append(byte) } else { appendUTF8(windows1252Scalar(byte), to: &out) }
        }
        return out
    }

    /// windows-1252 → Unicode. The five undefined bytes map to the C1 controls, as browsers do.
    static func windows1252Scalar(_ byte: UInt8) -> UInt32 {
        if byte >= 0x80 && byte <= 0x9F { return windows1252High[Int(byte - 0x80)] }
        return UInt32(byte)
    }

    /// windows-1252 code points for the bytes 0x80–0x9F (also used for `&#128;`–`&#159;`).
    static let windows1252High: [UInt32] = [
        0x20AC, 0x81, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8D,
        0x017D, 0x8F, 0x90, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A,
        0x0153, 0x9D, 0x017E, 0x0178,
    ]

    static func appendUTF8(_ value: UInt32, to out: inout [UInt8]) {
        let scalar = Unicode.Scalar(value) ?? "\u{FFFD}"
        var buffer: [UInt8] = []
        buffer.reserveCapacity(4)
        UTF8.encode(scalar) { buffer.append($0) }
        out.append(contentsOf: buffer)
    }
}
