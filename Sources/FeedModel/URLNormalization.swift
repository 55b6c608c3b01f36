public import Foundation

extension URL {
    /// Query parameters that only track the visitor and never change what a page shows (sorted).
    public static let trackingParameters: Set<String> = [
        "_hsenc", "_hsmi", "dclid", "fbclid", "gclid", "gclsrc", "igshid", "mc_cid", "mc_eid", "msclkid",
        "pk_campaign", "pk_kwd", "pk_source", "wt_mc", "wt.mc_id", "yclid",
    ]

    /// The URL as a story identity (DESIGN.md §1): scheme and host lower-cased, default port and
    /// fragment dropped, `;jsessionid=…` path parameters and tracking query parameters (`utm_*`
    /// and `URL.trackingParameters`) removed, an empty path as `/`. Returns nil for a URL that
    /// has no host.
    public var normalizedForIdentity: URL? {
        guard var components = URLComponents(url: self, resolvingAgainstBaseURL: true),
            let host = components.host, !host.isEmpty
        else { return nil }
        let scheme = components.scheme?.lowercased()
        components.scheme = scheme
        components.host = host.lowercased()
        if (scheme == "http" && components.port == 80) || (scheme == "https" && components.port == 443) {
            components.port = nil
        }
        components.fragment = nil
        var path = components.percentEncodedPath
        if let semicolon = path.range(of: ";jsessionid=", options: .caseInsensitive) {
            // GSB and other Java servers append the session to the last path segment.
            let rest = path[semicolon.upperBound...]
            let end = rest.firstIndex(where: { $0 == "/" || $0 == ";" }) ?? rest.endIndex
            path.removeSubrange(semicolon.lowerBound..<end)
        }
        components.percentEncodedPath = path.isEmpty ? "/" : path
        if let items = components.queryItems {
            let kept = items.filter { item in
                let name = item.name.lowercased()
                return !name.hasPrefix("utm_") && !URL.trackingParameters.contains(name) && name != "jsessionid"
            }
            components.queryItems = kept.isEmpty ? nil : kept
        }
        return components.url
    }
}
