import Foundation

/// URL resolution and cleaning.
enum URLTools {
    /// Schemes a link in sanitized output may have.
    static let safeLinkSchemes: Set<String> = ["ftp", "http", "https", "mailto", "tel"]
    /// Schemes an image or media source may have.
    static let safeMediaSchemes: Set<String> = ["http", "https"]

    /// Resolves a reference against a base URL (the page's `<base href>` or address). Returns
    /// nil for empty references and unparsable ones.
    static func resolve(_ reference: String, against base: URL?) -> URL? {
        let trimmed = stripControlAndSpace(reference, inner: false)
        guard !trimmed.isEmpty else { return nil }
        if let url = URL(string: trimmed, relativeTo: base) { return url.absoluteURL }
        // Unescaped characters (spaces, umlauts): percent-encode and retry.
        let allowed = CharacterSet.urlQueryAllowed.union(.urlPathAllowed).union(CharacterSet(charactersIn: "#%"))
        guard let encoded = trimmed.addingPercentEncoding(withAllowedCharacters: allowed) else { return nil }
        return URL(string: encoded, relativeTo: base)?.absoluteURL
    }

    /// The scheme of a URL reference as a browser would see it: control characters and
    /// whitespace anywhere are ignored (`java\tscript:`), case is folded. Nil for relative
    /// references.
    static func scheme(of reference: String) -> String? {
        if let ascii = asciiScheme(of: reference) { return ascii }
        return schemeByScalars(reference)
    }

    /// `scheme(of:)` over Unicode scalars and Characters, for any reference.
    static func schemeByScalars(_ reference: String) -> String? {
        let compact = stripControlAndSpace(reference, inner: true).lowercased()
        guard let colon = compact.firstIndex(of: ":") else { return nil }
        let candidate = compact[..<colon]
        // A "/" "?" or "#" before the colon makes it a relative reference.
        if candidate.contains(where: { $0 == "/" || $0 == "?" || $0 == "#" }) { return nil }
        guard let first = candidate.first, first.isLetter else { return "" }
        return String(candidate)
    }

    /// `scheme(of:)` for a reference that is ASCII up to where the answer is known, read from
    /// the UTF-8 bytes (in ASCII, the characters `stripControlAndSpace` drops are the bytes up
    /// to 0x20 and 0x7F); `.some(nil)` is "relative", nil "not decided here" (a non-ASCII
    /// scalar before the answer, or right after the deciding `:`, `/`, `?` or `#`, where a
    /// combining mark would make another Character of it).
    static func asciiScheme(of reference: String) -> String?? {
        var candidate: [UInt8] = []
        var utf8 = reference.utf8.makeIterator()
        func nextKeptIsASCII() -> Bool {
            while let byte = utf8.next() {
                if byte >= 0x80 { return false }
                if byte > 0x20 && byte != 0x7F { return true }
            }
            return true
        }
        while let byte = utf8.next() {
            if byte >= 0x80 { return nil }
            if byte <= 0x20 || byte == 0x7F { continue }
            if byte == UInt8(ascii: ":") {
                guard nextKeptIsASCII() else { return nil }
                guard let first = candidate.first, first >= 0x61 && first <= 0x7A else { return .some("") }
                return .some(String(decoding: candidate, as: UTF8.self))
            }
            if byte == UInt8(ascii: "/") || byte == UInt8(ascii: "?") || byte == UInt8(ascii: "#") {
                return nextKeptIsASCII() ? .some(nil) : nil
            }
            candidate.append(byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte)
        }
        return .some(nil)
    }

    /// Whether a reference is safe for an attribute: relative, or one of the allowed schemes.
    static func isSafe(_ reference: String, schemes: Set<String>) -> Bool {
        guard let scheme = scheme(of: reference) else { return true }
        return schemes.contains(scheme)
    }

    private static func stripControlAndSpace(_ text: String, inner: Bool) -> String {
        if inner {
            return String(String.UnicodeScalarView(text.unicodeScalars.filter { $0.value > 0x20 && $0.value != 0x7F && !$0.properties.isWhitespace && $0.properties.generalCategory != .format }))
        }
        // Printable ASCII at both ends (nearly every href and src): nothing to trim.
        if let first = text.utf8.first, let last = text.utf8.last, first > 0x20, first < 0x7F, last > 0x20, last < 0x7F {
            return text
        }
        return text.trimmingCharacters(in: .whitespacesAndNewlines.union(.controlCharacters))
    }

    /// A canonical URL: fragment dropped, `;jsessionid=` (and other `;`-session parameters)
    /// removed, tracking query parameters (`utm_*` and the table) removed.
    static func canonical(_ url: URL) -> URL {
        guard var components = URLComponents(url: url, resolvingAgainstBaseURL: true) else { return url }
        components.fragment = nil
        let path = components.percentEncodedPath
        if let range = path.range(of: ";jsessionid=", options: .caseInsensitive) {
            components.percentEncodedPath = String(path[..<range.lowerBound])
        } else if let range = path.range(of: ";sid=", options: .caseInsensitive) {
            components.percentEncodedPath = String(path[..<range.lowerBound])
        }
        if let items = components.percentEncodedQueryItems {
            let kept = items.filter { item in
                let name = item.name.lowercased()
                return !name.hasPrefix("utm_") && !Rules.trackingParameters.contains(name)
                    && name != "jsessionid" && name != "phpsessid" && name != "sid"
            }
            components.percentEncodedQueryItems = kept.isEmpty ? nil : kept
        }
        return components.url ?? url
    }

    /// Whether the URL's path ends in a file extension of a download.
    static func isFile(_ url: URL) -> Bool {
        let ext = url.pathExtension.lowercased()
        return !ext.isEmpty && Rules.fileExtensions.contains(ext)
    }
}
