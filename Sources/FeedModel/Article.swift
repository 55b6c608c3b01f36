public import Foundation

/// An image that belongs to an article.
public struct ArticleImage: Sendable, Equatable, Codable {
    public var src: URL
    public var alt: String?
    public var caption: String?

    public init(src: URL, alt: String? = nil, caption: String? = nil) {
        self.src = src
        self.alt = alt
        self.caption = caption
    }
}

/// A document an article links to as a download (typically a PDF).
public struct Attachment: Sendable, Equatable, Codable {
    public var url: URL
    public var type: String?
    public var label: String?

    public init(url: URL, type: String? = nil, label: String? = nil) {
        self.url = url
        self.type = type
        self.label = label
    }
}

/// One article as the extractor found it on a page: metadata and the body as
/// sanitized HTML and as plain text (paragraphs separated by blank lines).
public struct Article: Sendable, Equatable {
    /// The address the page was fetched from (or given with `--url`).
    public var url: URL?
    /// `<link rel="canonical">` or equivalent, cleaned of session ids and tracking parameters.
    public var canonical: URL?
    public var title: String?
    public var published: Date?
    public var updated: Date?
    public var author: String?
    public var publisher: String?
    public var language: String?
    /// The body as plain text: blocks separated by one blank line.
    public var text: String
    /// The body as sanitized HTML (a fragment).
    public var html: String
    public var images: [ArticleImage]
    public var attachments: [Attachment]
    /// 0...1: how sure the extractor is that `text` is the article.
    public var confidence: Double
    /// The CMS recognized by fingerprint ("typo3", "gsb"), if any.
    public var cms: String?

    public init(
        url: URL? = nil, canonical: URL? = nil, title: String? = nil, published: Date? = nil, updated: Date? = nil,
        author: String? = nil, publisher: String? = nil, language: String? = nil, text: String = "",
        html: String = "", images: [ArticleImage] = [], attachments: [Attachment] = [], confidence: Double = 0,
        cms: String? = nil
    ) {
        self.url = url
        self.canonical = canonical
        self.title = title
        self.published = published
        self.updated = updated
        self.author = author
        self.publisher = publisher
        self.language = language
        self.text = text
        self.html = html
        self.images = images
        self.attachments = attachments
        self.confidence = confidence
        self.cms = cms
    }
}

/// What the extractor found on one page.
public struct PageExtraction: Sendable, Equatable {
    /// Whether the page is a listing page (its `links` lead to articles) or an article.
    public enum Kind: String, Sendable, Codable { case article, listing }

    public var kind: Kind
    /// The article of an article page (after in-page dedup: one article, from the fullest copy).
    /// For a listing page: nil.
    public var article: Article?
    /// Article links of a listing page, absolute, in document order, each once.
    public var links: [URL]
    /// Feeds the page announces with `<link rel="alternate">`.
    public var feeds: [URL]

    public init(kind: Kind, article: Article? = nil, links: [URL] = [], feeds: [URL] = []) {
        self.kind = kind
        self.article = article
        self.links = links
        self.feeds = feeds
    }
}
