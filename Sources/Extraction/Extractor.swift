public import Foundation
public import FeedModel

/// Per-source settings of the extractor (from feeds.yml).
public struct ExtractionOptions: Sendable, Equatable {
    /// CSS selector of the article links on a listing page.
    public var links: String?
    /// CSS selector of the article body.
    public var content: String?
    /// CSS selectors of blocks to drop.
    public var strip: [String]

    public init(links: String? = nil, content: String? = nil, strip: [String] = []) {
        self.links = links
        self.content = content
        self.strip = strip
    }
}

/// The front door of extraction: one HTML page in, its article or its article links out.
public struct Extractor: Sendable {
    public var options: ExtractionOptions

    public init(options: ExtractionOptions = ExtractionOptions()) {
        self.options = options
    }

    /// Extracts one page.
    /// - Parameters:
    ///   - bytes: the page as fetched.
    ///   - url: the page's address (base for relative links, fallback canonical URL).
    ///   - httpCharset: the `charset` of the HTTP `Content-Type`, if any.
    public func extract(_ bytes: [UInt8], url: URL?, httpCharset: String? = nil) -> PageExtraction {
        PageExtraction(kind: .article, article: nil)
    }

    /// Cleans and sanitizes an HTML fragment (a feed entry's content) and returns it with its
    /// plain text, for feed entries that are archived without fetching their page.
    public func extractFragment(html: String, baseURL: URL?) -> (html: String, text: String) {
        (html: "", text: "")
    }
}
