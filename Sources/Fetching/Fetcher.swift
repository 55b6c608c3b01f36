public import Foundation
public import FeedModel

/// One HTTP GET to make.
public struct FetchRequest: Sendable, Equatable {
    public var url: URL
    /// Extra request headers (from the source's `headers:`).
    public var headers: [String: String]
    /// Limits, politeness and the User-Agent.
    public var settings: FetchSettings
    /// Validators from an earlier response, for a conditional GET.
    public var etag: String?
    public var lastModified: String?

    public init(
        url: URL, headers: [String: String] = [:], settings: FetchSettings = FetchSettings(), etag: String? = nil,
        lastModified: String? = nil
    ) {
        self.url = url
        self.headers = headers
        self.settings = settings
        self.etag = etag
        self.lastModified = lastModified
    }
}

/// The answer to a `FetchRequest` (2xx or 304).
public struct FetchResponse: Sendable, Equatable {
    /// The URL after redirects.
    public var url: URL
    public var status: Int
    /// Response headers of the final response, names lower-cased.
    public var headers: [String: String]
    /// The body, decompressed.
    public var body: [UInt8]

    public init(url: URL, status: Int, headers: [String: String] = [:], body: [UInt8] = []) {
        self.url = url
        self.status = status
        self.headers = headers
        self.body = body
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

    public var isNotModified: Bool { status == 304 }
}

/// The stable set of ways a fetch can fail; stored per source and shown to the operator.
public enum FetchErrorKind: String, Sendable, Codable, CaseIterable {
    case timeout, dns, connect, tls
    case httpStatus = "http-status"
    case tooLarge = "too-large"
    case redirectRefused = "redirect-refused"
    case rateLimited = "rate-limited"
    case invalidURL = "invalid-url"
    case other
}

/// A failed fetch: its kind, the URL and a one-line reason.
public struct FetchError: Error, Sendable, Equatable, CustomStringConvertible {
    public var kind: FetchErrorKind
    public var url: URL
    public var message: String
    /// The HTTP status, for `.httpStatus` and `.rateLimited`.
    public var status: Int?

    public init(kind: FetchErrorKind, url: URL, message: String, status: Int? = nil) {
        self.kind = kind
        self.url = url
        self.message = message
        self.status = status
    }

    public var description: String { "\(kind.rawValue): \(message)" }
}

/// Anything that can perform a `FetchRequest`. `CurlFetcher` is the real one.
public protocol PageFetching: Sendable {
    func fetch(_ request: FetchRequest) async throws(FetchError) -> FetchResponse
}
