public import Foundation
public import FeedModel
import Markup

/// Per-source settings of the extractor (from feeds.yml).
public struct ExtractionOptions: Sendable, Equatable {
    /// CSS selector of the article links on a listing page.
    public var links: String?
    /// CSS selector of the article body.
    public var content: String?
    /// CSS selectors of blocks to drop.
    public var strip: [String]

    /// Makes options; every selector is optional.
    public init(links: String? = nil, content: String? = nil, strip: [String] = []) {
        self.links = links
        self.content = content
        self.strip = strip
    }
}

/// The front door of extraction: one HTML page in, its article or its article links out.
public struct Extractor: Sendable {
    /// The per-source settings.
    public var options: ExtractionOptions

    /// Makes an extractor with per-source settings.
    public init(options: ExtractionOptions = ExtractionOptions()) {
        self.options = options
    }

    /// Extracts one page.
    /// - Parameters:
    ///   - bytes: the page as fetched.
    ///   - url: the page's address (base for relative links, fallback canonical URL).
    ///   - httpCharset: the `charset` of the HTTP `Content-Type`, if any.
    public func extract(_ bytes: [UInt8], url: URL?, httpCharset: String? = nil) -> PageExtraction {
        // Script and style contents are never read (JSON-LD aside): not parsed at all.
        guard
            let document = try? HTMLDocument(
                bytes: bytes, url: url?.absoluteString, httpCharset: httpCharset, skipsScriptText: true)
        else {
            return PageExtraction(kind: .article, article: nil)
        }
        // The raw head of the page, ASCII lower-cased, for CMS fingerprints in comments and paths.
        let rawPrefix = ByteSearch.asciiLowercased(bytes.prefix(200_000))
        return PagePipeline(options: options, document: document, url: url, rawPrefix: rawPrefix).run()
    }

    /// Cleans and sanitizes an HTML fragment (a feed entry's content) and returns it with its
    /// plain text, for feed entries that are archived without fetching their page.
    public func extractFragment(html: String, baseURL: URL?) -> (html: String, text: String) {
        guard let document = try? HTMLDocument(fragment: html), let body = document.body else { return (html: "", text: "") }
        for node in body.descendantElements where Rules.removedTags.contains(node.name) || Sanitizer.dropped.contains(node.name) {
            node.remove()
        }
        let blocks = BlockBuilder().blocks(in: [body]).filter { !DemoDetector.isCMSError($0.text) }
        let text = blocks.map(\.text).joined(separator: "\n\n")
        // The sanitizer runs last: the HTML is re-serialized from the DOM through the allow-list.
        let sanitized = Sanitizer(baseURL: baseURL).sanitizeChildren(of: body)
        return (html: sanitized, text: text)
    }
}
