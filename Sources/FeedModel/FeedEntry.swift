public import Foundation

/// The format a feed document was detected as.
public enum FeedFormat: String, Sendable, Codable {
    case rss090, rss091, rss092, rss093, rss094, rss20, rss10, atom03, atom10, json10, json11
}

/// A person construct (author, contributor).
public struct Person: Sendable, Equatable, Codable, Hashable {
    public var name: String?
    public var email: String?
    public var uri: String?

    public init(name: String? = nil, email: String? = nil, uri: String? = nil) {
        self.name = name
        self.email = email
        self.uri = uri
    }
}

/// A text construct: plain text, HTML, or XHTML (serialized).
public struct TextContent: Sendable, Equatable, Codable {
    public enum Kind: String, Sendable, Codable { case text, html, xhtml }
    public var type: Kind
    public var value: String

    public init(type: Kind, value: String) {
        self.type = type
        self.value = value
    }
}

/// A linked media file (RSS enclosure, Atom `link rel="enclosure"`).
public struct Enclosure: Sendable, Equatable, Codable {
    public var url: URL
    public var type: String?
    public var length: Int64?

    public init(url: URL, type: String? = nil, length: Int64? = nil) {
        self.url = url
        self.type = type
        self.length = length
    }
}

/// One entry of a parsed feed, normalized across formats. Absent values stay `nil`.
public struct FeedEntry: Sendable, Equatable {
    public var id: String?
    public var title: String?
    public var link: URL?
    public var published: Date?
    public var updated: Date?
    public var author: Person?
    public var summary: TextContent?
    public var content: TextContent?
    public var enclosures: [Enclosure]
    public var categories: [String]

    public init(
        id: String? = nil, title: String? = nil, link: URL? = nil, published: Date? = nil, updated: Date? = nil,
        author: Person? = nil, summary: TextContent? = nil, content: TextContent? = nil,
        enclosures: [Enclosure] = [], categories: [String] = []
    ) {
        self.id = id
        self.title = title
        self.link = link
        self.published = published
        self.updated = updated
        self.author = author
        self.summary = summary
        self.content = content
        self.enclosures = enclosures
        self.categories = categories
    }
}

/// A parsed feed document. `bozo` is set when the document was not well-formed or
/// otherwise broken but something could still be read (as feedparser does); the
/// reasons are in `warnings`.
public struct ParsedFeed: Sendable, Equatable {
    public var format: FeedFormat
    public var bozo: Bool
    public var warnings: [String]
    public var title: String?
    public var link: URL?
    public var updated: Date?
    public var language: String?
    /// RSS `<ttl>`: how long the feed may be cached before it is fetched again, in seconds (the
    /// element gives minutes). Nil when absent or not a whole number of minutes.
    public var ttl: TimeInterval?
    public var entries: [FeedEntry]

    public init(
        format: FeedFormat, bozo: Bool = false, warnings: [String] = [], title: String? = nil, link: URL? = nil,
        updated: Date? = nil, language: String? = nil, ttl: TimeInterval? = nil, entries: [FeedEntry] = []
    ) {
        self.format = format
        self.bozo = bozo
        self.warnings = warnings
        self.title = title
        self.link = link
        self.updated = updated
        self.language = language
        self.ttl = ttl
        self.entries = entries
    }
}
