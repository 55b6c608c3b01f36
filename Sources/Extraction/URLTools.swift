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
        let compact = stripControlAndSpace(reference, inner: true).lowercased()
        guard let colon = compact.firstIndex(of: ":") else { return nil }
        let candidate = compact[..<colon]
        // A "/" "?" or "#" before the colon makes it a relative reference.
        if candidate.contains(where: { $0 == "/" || $0 == "?" || $0 == "#" }) { return nil }
        guard let first = candidate.first, first.isLetter else { return "" }
        return String(candidate)
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
