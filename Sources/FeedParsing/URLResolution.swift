import Foundation

/// RFC 3986 reference resolution for the plain cases that make up almost every URL in a feed,
/// on UTF-8 bytes and without Foundation's URL parser (which costs microseconds per call and
/// dominated the adapter's profile).
///
/// Only references whose resolution is a concatenation are handled here:
/// - an absolute `http://` or `https://` URL: resolves to itself;
/// - an absolute path (`/a/b?q#f`): the base's `scheme://authority` plus the reference;
/// - a relative path (`a/b`, `a.jpg?x=1`): the base up to the last `/` of its path plus the reference;
///
/// and only when the reference and the base consist of characters Foundation keeps as they
/// are (unreserved, sub-delimiters, `: @ / ? #` and valid `%XX`, at most one `#`), no path
/// segment is `.` or `..` (no dot-segment removal needed), and the base is an `http(s)` URL
/// with a host. Everything else (whitespace to trim, characters to percent-encode, `//host`,
/// `?query`- or `#fragment`-only references, dot segments, other schemes) returns nil, and the
/// caller takes Foundation's path. `URLResolutionTests` checks the two paths agree.
enum URLResolution {
    /// The parts of a base URL that resolution concatenates.
    struct Base {
        /// `scheme://authority`, nil when the base is not a plain http(s) URL.
        let origin: String?
        /// Everything up to and including the last `/` of the path (`origin + "/"` when the
        /// path is empty).
        let directory: String?

        init(_ url: URL) {
            let text = url.absoluteString
            guard let (originEnd, pathEnd) = URLResolution.baseLayout(text) else {
                origin = nil
                directory = nil
                return
            }
            let utf8 = text.utf8
            let originIndex = utf8.index(utf8.startIndex, offsetBy: originEnd)
            origin = String(text[..<originIndex])  // a String: `origin + raw` is then String + String
            // The last "/" of the path (the path starts with "/" or is empty).
            var lastSlash: Int?
            var offset = originEnd
            for byte in utf8[originIndex...] {
                if offset >= pathEnd { break }
                if byte == 0x2F { lastSlash = offset }
                offset += 1
            }
            if let lastSlash {
                directory = String(text[..<utf8.index(utf8.startIndex, offsetBy: lastSlash + 1)])
            } else {
                directory = String(text[..<originIndex]) + "/"
            }
        }
    }

    /// The resolved URL as a string, or nil when the case is not a plain one (see the type).
    static func resolved(_ raw: String, base: @autoclosure () -> Base?) -> String? {
        switch classify(raw) {
        case .absolute: return raw
        case .absolutePath:
            guard let origin = base()?.origin else { return nil }
            return origin + raw
        case .relativePath:
            guard let directory = base()?.directory else { return nil }
            return directory + raw
        case .other: return nil
        }
    }

    enum Kind: Equatable { case absolute, absolutePath, relativePath, other }

    /// What kind of plain reference `raw` is (``Kind/other`` for anything not plain).
    static func classify(_ raw: String) -> Kind {
        var text = raw
        return text.withUTF8 { classify($0) }
    }

    static func classify(_ b: UnsafeBufferPointer<UInt8>) -> Kind {
        let n = b.count
        guard n > 0 else { return .other }
        let schemeLength = httpSchemeLength(b)
        let kind: Kind
        if schemeLength > 0 {
            kind = .absolute
        } else if b[0] == 0x2F {  // "/"
            guard n == 1 || b[1] != 0x2F else { return .other }  // "//host": network-path reference
            kind = .absolutePath
        } else if b[0] == 0x3F || b[0] == 0x23 {  // "?" "#"
            return .other
        } else {
            kind = .relativePath
        }
        // Every byte must be one Foundation keeps; dot segments only matter in the path.
        var hashes = 0
        var inPath = kind != .absolute
        var segmentStart = 0
        var colonInFirstSegment = false
        var firstSegment = kind == .relativePath
        var i = kind == .absolute ? schemeLength : 0
        if kind == .absolute {
            // Authority: up to the first "/", "?" or "#".
            var j = i
            while j < n, b[j] != 0x2F, b[j] != 0x3F, b[j] != 0x23 {
                guard isHostByte(b[j]) else { return .other }
                j += 1
            }
            guard j > i, isValidAuthority(b, from: i, to: j) else { return .other }
            i = j
            inPath = true
            segmentStart = j
        }
        while i < n {
            let c = b[i]
            if c == 0x25 {  // "%": two hex digits must follow
                guard i + 2 < n, isHex(b[i + 1]), isHex(b[i + 2]) else { return .other }
                i += 3
                continue
            }
            guard isKeptByte(c) else { return .other }
            if c == 0x23 {
                hashes += 1
                guard hashes == 1 else { return .other }
            }
            if inPath {
                if c == 0x2F || c == 0x3F || c == 0x23 {
                    if isDotSegment(b, segmentStart, i) { return .other }
                    firstSegment = false
                    segmentStart = i + 1
                    if c != 0x2F { inPath = false }
                } else if c == 0x3A, firstSegment {
                    colonInFirstSegment = true
                }
            }
            i += 1
        }
        if inPath, isDotSegment(b, segmentStart, n) { return .other }
        // "a:b" would be read as a scheme.
        if colonInFirstSegment { return .other }
        return kind
    }

    /// 7 for `http://`, 8 for `https://` (lower case), else 0.
    private static func httpSchemeLength(_ b: UnsafeBufferPointer<UInt8>) -> Int {
        func starts(_ literal: StaticString) -> Bool {
            let count = literal.utf8CodeUnitCount
            guard b.count >= count else { return false }
            for k in 0..<count where b[k] != literal.utf8Start[k] { return false }
            return true
        }
        if starts("http://") { return 7 }
        if starts("https://") { return 8 }
        return 0
    }

    /// A host name or IPv4 address with an optional numeric port: `[A-Za-z0-9.-]+(:[0-9]+)?`,
    /// not starting with "." or "-".
    private static func isValidAuthority(_ b: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) -> Bool {
        var hostEnd = end
        if let colon = (start..<end).first(where: { b[$0] == 0x3A }) {
            guard colon + 1 < end, (colon + 1..<end).allSatisfy({ b[$0] >= 0x30 && b[$0] <= 0x39 }) else { return false }
            hostEnd = colon
        }
        guard hostEnd > start, b[start] != 0x2E, b[start] != 0x2D else { return false }
        return (start..<hostEnd).allSatisfy { isHostNameByte(b[$0]) }
    }

    private static func isHostByte(_ c: UInt8) -> Bool { isHostNameByte(c) || c == 0x3A }

    private static func isHostNameByte(_ c: UInt8) -> Bool {
        (c >= 0x61 && c <= 0x7A) || (c >= 0x41 && c <= 0x5A) || (c >= 0x30 && c <= 0x39) || c == 0x2E || c == 0x2D
    }

    private static func isHex(_ c: UInt8) -> Bool {
        (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46)
    }

    /// Unreserved, sub-delimiters and `: @ / ? #` (RFC 3986), without `%` (checked apart).
    private static func isKeptByte(_ c: UInt8) -> Bool {
        switch c {
        case 0x61...0x7A, 0x41...0x5A, 0x30...0x39: return true
        case 0x2D, 0x2E, 0x5F, 0x7E: return true  // - . _ ~
        case 0x21, 0x24, 0x26, 0x27, 0x28, 0x29, 0x2A, 0x2B, 0x2C, 0x3B, 0x3D: return true  // ! $ & ' ( ) * + , ; =
        case 0x3A, 0x40, 0x2F, 0x3F, 0x23: return true  // : @ / ? #
        default: return false
        }
    }

    private static func isDotSegment(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        (end - start == 1 && b[start] == 0x2E) || (end - start == 2 && b[start] == 0x2E && b[start + 1] == 0x2E)
    }

    /// For a base that is a plain absolute http(s) URL: the byte offsets of the end of
    /// `scheme://authority` and of the end of the path; nil otherwise (the base's own path must
    /// have no dot segments either).
    static func baseLayout(_ text: String) -> (originEnd: Int, pathEnd: Int)? {
        var text = text
        return text.withUTF8 { b -> (Int, Int)? in
            guard classify(b) == .absolute else { return nil }
            let scheme = httpSchemeLength(b)
            var originEnd = scheme
            while originEnd < b.count, b[originEnd] != 0x2F, b[originEnd] != 0x3F, b[originEnd] != 0x23 { originEnd += 1 }
            var pathEnd = originEnd
            while pathEnd < b.count, b[pathEnd] != 0x3F, b[pathEnd] != 0x23 { pathEnd += 1 }
            return (originEnd, pathEnd)
        }
    }
}
