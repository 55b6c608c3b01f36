/// The one gate between a request target and a file name: a request path becomes a path
/// relative to the archive root only if it is plainly inside it and names an output.
///
/// Refused (nil): percent-encoded `/`, `\` or NUL, invalid percent escapes, `..` and `.`
/// segments, empty segments (`//`), backslashes, control characters, dot files (`.state.json`,
/// `.lock`), and every file that is not an output: only `*.atom`, `*.html`, `*.txt` and
/// `feed.json` are served. A path ending in `/` (or the root) means its `index.html`.
/// Symlinks are refused later, against the file system (`ArchiveResponder`).
enum ArchivePath {
    /// File name endings that may be served, with their content types.
    static let types: [(suffix: String, type: String)] = [
        (".atom", "application/atom+xml; charset=utf-8"),
        (".html", "text/html; charset=utf-8"),
        (".txt", "text/plain; charset=utf-8"),
    ]

    static let jsonFeedType = "application/feed+json; charset=utf-8"

    /// The relative path for a request target (`/feed.atom?x=1`), or nil if refused.
    static func resolve(_ target: String) -> String? {
        var path = Substring(target)
        if let end = path.firstIndex(where: { $0 == "?" || $0 == "#" }) { path = path[..<end] }
        guard path.hasPrefix("/") else { return nil }
        path = path.dropFirst()
        guard let decoded = percentDecoded(path) else { return nil }
        var relative = decoded
        if relative.isEmpty || relative.hasSuffix("/") { relative += "index.html" }
        let segments = relative.split(separator: "/", omittingEmptySubsequences: false)
        for segment in segments {
            guard !segment.isEmpty, !segment.hasPrefix("."), segment.utf8.count <= 255 else { return nil }
        }
        guard contentType(relative) != nil else { return nil }
        return relative
    }

    /// Percent-decodes a path, refusing encoded separators, NUL, backslashes, control
    /// characters, bad escapes and invalid UTF-8.
    static func percentDecoded(_ path: Substring) -> String? {
        var bytes: [UInt8] = []
        var iterator = Array(path.utf8).makeIterator()
        while let byte = iterator.next() {
            if byte == UInt8(ascii: "%") {
                guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else {
                    return nil
                }
                let value = high << 4 | low
                // An encoded slash or backslash would be a separator the router never saw.
                guard value != UInt8(ascii: "/"), value != UInt8(ascii: "\\"), value >= 0x20, value != 0x7F else {
                    return nil
                }
                bytes.append(value)
            } else {
                guard byte != UInt8(ascii: "\\"), byte >= 0x20, byte != 0x7F else { return nil }
                bytes.append(byte)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }

    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// The content type of a servable relative path, nil for anything else.
    static func contentType(_ relative: String) -> String? {
        if relative == "feed.json" { return jsonFeedType }
        return types.first { relative.hasSuffix($0.suffix) && relative.count > $0.suffix.count }?.type
    }

    /// Revision files (`items/YYYY/MM/<id>/<n>.html|txt`) never change once written.
    static func isImmutable(_ relative: String) -> Bool {
        guard relative.hasPrefix("items/"), let name = relative.split(separator: "/").last else { return false }
        let stem = name.split(separator: ".").first ?? ""
        return !stem.isEmpty && stem.allSatisfy(\.isNumber)
    }
}
