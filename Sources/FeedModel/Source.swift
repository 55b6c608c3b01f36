public import Foundation

/// The stable key of a source in feeds.yml (`[a-z0-9-]+`, unique).
public typealias SourceID = String

/// How a source's URL is to be read.
public enum SourceKind: String, Sendable, Codable, CaseIterable {
    /// Decide from the fetched bytes: a feed if it parses as one, else an HTML page.
    case auto
    /// An RSS, Atom or JSON feed.
    case feed
    /// An HTML page: a listing page whose links lead to articles, or an article itself.
    case page
}

/// Fetch settings that `defaults:` provides and a source may override.
public struct FetchSettings: Sendable, Equatable {
    /// Poll interval in seconds.
    public var every: TimeInterval = 30 * 60
    /// Total timeout of one request, in seconds.
    public var timeout: TimeInterval = 30
    /// Largest accepted body, in bytes (after decompression).
    public var maxSize: Int = 10 * 1024 * 1024
    /// Minimum spacing between two requests to one host, in seconds.
    public var hostDelay: TimeInterval = 1
    /// Concurrent connections to one host.
    public var hostConnections: Int = 2
    /// Refuse loopback/private/link-local addresses after DNS resolution.
    public var denyPrivateNetworks: Bool = false
    /// Adapt the interval to how often the source publishes, within `minEvery...maxEvery`.
    public var adaptive: Bool = false
    /// Shortest adaptive interval, in seconds (default: a quarter of `every`).
    public var minEvery: TimeInterval?
    /// Longest adaptive interval, in seconds (default: eight times `every`).
    public var maxEvery: TimeInterval?
    /// How long a story must be missing from every source that listed it (while those sources
    /// are healthy) before it is marked withdrawn, in seconds.
    public var withdrawAfter: TimeInterval = 3 * 86400
    /// An HTTP(S) proxy for this source's requests (nil: libcurl's default, i.e. the
    /// `http_proxy`/`https_proxy`/`no_proxy` environment).
    public var proxy: URL?
    /// TLS certificate verification; turning it off is logged as a warning on every request.
    public var tlsVerify: Bool = true
    /// Successful polls in a row whose URL answered with a permanent redirect (301/308) to the
    /// same place before Herold polls that place instead (stored in the source's state, not in
    /// feeds.yml). 0: report the redirect but never follow it for good.
    public var permanentRedirectPolls: Int = 3
    /// The User-Agent header sent with every request.
    public var userAgent: String = "Herold/0.1 (+https://github.com/herold-feeds/herold)"

    public init() {}

    /// The bounds of the adaptive interval.
    public var adaptiveBounds: ClosedRange<TimeInterval> {
        let lower = minEvery ?? every / 4
        return lower...max(lower, maxEvery ?? every * 8)
    }
}

/// One entry of `sources:` in feeds.yml, validated.
public struct Source: Sendable, Equatable, Identifiable {
    public var id: SourceID
    public var name: String
    public var url: URL
    public var kind: SourceKind
    public var fetch: FetchSettings
    /// Feed entries: fetch the linked page and extract the article.
    public var fullText: Bool
    /// Page sources: CSS selector of the links of a listing page that lead to articles.
    public var links: String?
    /// CSS selector of the article body, when auto-detection is not wanted.
    public var content: String?
    /// CSS selectors of extra blocks to drop.
    public var strip: [String]
    /// Extra request headers.
    public var headers: [String: String]
    /// Categories of every story seen in this source (`category` elements of the output feeds).
    public var categories: [String] = []
    /// The rights statement of the source's content (the output's `rights`), when known.
    public var rights: String?

    public init(
        id: SourceID, name: String, url: URL, kind: SourceKind = .auto, fetch: FetchSettings = FetchSettings(),
        fullText: Bool = false, links: String? = nil, content: String? = nil, strip: [String] = [],
        headers: [String: String] = [:]
    ) {
        self.id = id
        self.name = name
        self.url = url
        self.kind = kind
        self.fetch = fetch
        self.fullText = fullText
        self.links = links
        self.content = content
        self.strip = strip
        self.headers = headers
    }
}

/// The `feed:` block: the unified output feed.
public struct OutputFeedSettings: Sendable, Equatable {
    public var title: String = "Herold"
    /// Stable feed id; never changes.
    public var id: String = "urn:herold:feed"
    /// Public URL of feed.atom, if it is published.
    public var selfURL: URL?
    /// Entries in feed.atom.
    public var entries: Int = 100

    public init() {}
}

/// The whole of feeds.yml, validated.
public struct Configuration: Sendable, Equatable {
    /// The file it was read from.
    public var file: URL
    /// The archive directory (absolute; relative paths in the file are relative to the file).
    public var archive: URL
    public var feed: OutputFeedSettings
    /// `serve.listen`, if given.
    public var listen: String?
    public var defaults: FetchSettings
    public var sources: [Source]

    public init(
        file: URL, archive: URL, feed: OutputFeedSettings = OutputFeedSettings(), listen: String? = nil,
        defaults: FetchSettings = FetchSettings(), sources: [Source]
    ) {
        self.file = file
        self.archive = archive
        self.feed = feed
        self.listen = listen
        self.defaults = defaults
        self.sources = sources
    }
}
