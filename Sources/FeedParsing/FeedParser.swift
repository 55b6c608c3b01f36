public import Foundation
public import FeedModel

/// Thrown when a document is no feed at all.
public struct NotAFeedError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// The front door of feed parsing: detects the format from the content and parses it.
public enum FeedParser {
    /// Parses a feed document. Broken input yields what could be read with `bozo` set;
    /// throws only when the bytes are not a feed.
    /// - Parameters:
    ///   - bytes: the document as fetched.
    ///   - url: the document's address (base for relative URLs).
    ///   - httpCharset: the `charset` of the HTTP `Content-Type`, if any.
    public static func parse(_ bytes: [UInt8], url: URL?, httpCharset: String? = nil) throws(NotAFeedError)
        -> ParsedFeed
    {
        throw NotAFeedError("feed parsing is not implemented yet")
    }

    /// A cheap sniff of the first bytes: does this look like RSS, Atom, RDF or JSON Feed?
    public static func looksLikeFeed(_ bytes: [UInt8]) -> Bool {
        false
    }
}
