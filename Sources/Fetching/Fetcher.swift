public import Foundation
public import FeedModel

/// One HTTP GET to make.
public struct FetchRequest: Sendable, Equatable {
    /// The URL to GET (http or https).
    public var url: URL
    /// Extra request headers (from the source's `headers:`).
    public var headers: [String: String]
    /// Limits, politeness and the User-Agent.
    public var settings: FetchSettings
    /// Validators from an earlier response, for a conditional GET: sent as `If-None-Match`.
    public var etag: String?
    /// Sent as `If-Modified-Since`.
    public var lastModified: String?
    /// The proxy for this request (from the source's config), e.g. `http://proxy.example:3128`
    /// or `socks5h://127.0.0.1:1080`; user and password may be in the URL and are never logged.
    /// Nil: libcurl's default, i.e. the `http_proxy`/`https_proxy`/`no_proxy` environment.
    /// With a proxy, `denyPrivateNetworks` judges the address of the proxy (the proxy, not
    /// Herold, resolves the target).
    public var proxy: URL?
    /// Whether TLS certificates and host names are verified (default: always). `false` is a
    /// per-source opt-out for a misconfigured server; every such request is logged at warning
    /// level (`tls.verify=off`).
    public var verifiesTLS: Bool

    /// A request; everything but the URL is optional.
    public init(
        url: URL, headers: [String: String] = [:], settings: FetchSettings = FetchSettings(), etag: String? = nil,
        lastModified: String? = nil, proxy: URL? = nil, verifiesTLS: Bool = true
    ) {
        self.url = url
        self.headers = headers
        self.settings = settings
        self.etag = etag
        self.lastModified = lastModified
        self.proxy = proxy
        self.verifiesTLS = verifiesTLS
    }
}

/// The answer to a `FetchRequest` (2xx or 304).
public struct FetchResponse: Sendable, Equatable {
    /// The URL after redirects.
    public var url: URL
    /// The HTTP status: 2xx, or 304 for a conditional GET that matched.
    public var status: Int
    /// Response headers of the final response, names lower-cased.
    public var headers: [String: String]
    /// The body, decompressed.
    public var body: [UInt8]
    /// The redirects followed to get here, in order (empty when the requested URL answered).
    public var redirects: [Redirect]

    /// One redirect followed: the URL that answered, its 3xx status, and where it pointed.
    public struct Redirect: Sendable, Equatable {
        public var from: URL
        public var status: Int
        public var to: URL

        /// A hop of a redirect chain.
        public init(from: URL, status: Int, to: URL) {
            self.from = from
            self.status = status
            self.to = to
        }

        /// 301 or 308: the resource has moved for good (RFC 9110 §15.4).
        public var isPermanent: Bool { status == 301 || status == 308 }
    }

    /// A response.
    public init(url: URL, status: Int, headers: [String: String] = [:], body: [UInt8] = [], redirects: [Redirect] = []) {
        self.url = url
        self.status = status
        self.headers = headers
        self.body = body
        self.redirects = redirects
    }

    /// Where the requested URL has moved for good: the target of the leading run of permanent
    /// redirects (301/308) — `A →301 B →308 C →302 D` gives C, since D is only where C is for
    /// now. Nil when the requested URL answered itself or its first redirect was temporary.
    public var permanentTarget: URL? {
        var target: URL?
        for hop in redirects {
            guard hop.isPermanent else { break }
            target = hop.to
        }
        return target
    }

    /// `Content-Type` without parameters, lower-cased.
    public var mediaType: String? {
        headers["content-type"].map {
            $0.split(separator: ";", maxSplits: 1).first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
                ?? ""
        }
    }

    /// The `charset` parameter of `Content-Type`, lower-cased, if any.
    public var charset: String? {
        guard let value = headers["content-type"] else { return nil }
        for part in value.split(separator: ";").dropFirst() {
            let pair = part.split(separator: "=", maxSplits: 1)
            guard pair.count == 2, pair[0].trimmingCharacters(in: .whitespaces).lowercased() == "charset" else {
                continue
            }
            return pair[1].trimmingCharacters(in: CharacterSet(charactersIn: " \"'")).lowercased()
        }
        return nil
    }

    /// True for a 304: the validators matched and there is no body.
    public var isNotModified: Bool { status == 304 }
}

/// The stable set of ways a fetch can fail; stored per source and shown to the operator.
public enum FetchErrorKind: String, Sendable, Codable, CaseIterable {
    /// The total timeout, the connect timeout or the low-speed cutoff struck.
    case timeout
    /// The host name did not resolve.
    case dns
    /// No connection, or the connection broke (refused, reset, closed early).
    case connect
    /// The TLS handshake or certificate verification failed.
    case tls
    /// The final response had a status other than 2xx/304 (and was not rate limiting).
    case httpStatus = "http-status"
    /// The body (after decompression) or the response head passed its limit.
    case tooLarge = "too-large"
    /// A redirect to a scheme other than http/https, or more redirects than allowed.
    case redirectRefused = "redirect-refused"
    /// 429, or 503 with `Retry-After`; see `FetchError.retryAfter`.
    case rateLimited = "rate-limited"
    /// The URL is not an http/https URL with a host.
    case invalidURL = "invalid-url"
    /// Anything else, including cancellation (`FetchError.isCancellation`).
    case other
}

/// A failed fetch: its kind, the URL and a one-line reason.
public struct FetchError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The stable kind, stored per source.
    public var kind: FetchErrorKind
    /// The URL requested (for HTTP statuses: the URL after redirects).
    public var url: URL
    /// One line for the operator.
    public var message: String
    /// The HTTP status, for `.httpStatus` and `.rateLimited`.
    public var status: Int?
    /// For `.rateLimited`: how long the server asked us to wait, in seconds (from `Retry-After`,
    /// either form; a date in the past gives 0). Nil when the server did not say.
    public var retryAfter: TimeInterval?

    /// A failed fetch.
    public init(
        kind: FetchErrorKind, url: URL, message: String, status: Int? = nil, retryAfter: TimeInterval? = nil
    ) {
        self.kind = kind
        self.url = url
        self.message = message
        self.status = status
        self.retryAfter = retryAfter
    }

    /// The message of the error a cancelled fetch throws (kind `.other`).
    public static let cancelledMessage = "cancelled"

    /// True when the fetch was abandoned because the awaiting task was cancelled.
    public var isCancellation: Bool { kind == .other && message == Self.cancelledMessage }

    /// `kind: message`.
    public var description: String { "\(kind.rawValue): \(message)" }
}

/// Anything that can perform a `FetchRequest`. `CurlFetcher` is the real one.
public protocol PageFetching: Sendable {
    /// Performs the GET; a 2xx or 304 answer is returned, everything else thrown.
    func fetch(_ request: FetchRequest) async throws(FetchError) -> FetchResponse
}
