import Foundation
import FeedModel

/// What a format parser read, as written in the document: raw date strings, URLs with the
/// base they must be resolved against. ``FeedAdapter`` turns it into the model.
struct WireFeed {
    var format: FeedFormat
    var title: WireText?
    var link: WireURL?
    /// An Atom `link rel="alternate"` inside RSS, used when `<link>` is absent.
    var alternateLink: WireURL?
    var updated: String?
    var language: String?
    /// RSS `<ttl>` as written (minutes).
    var ttl: String?
    var entries: [WireEntry] = []
    var warnings: [String] = []
    var bozo = false

    init(format: FeedFormat) { self.format = format }
}

/// A text construct as read: value and type.
struct WireText {
    var value: String
    var type: TextContent.Kind
}

/// A URL as written, with the base in effect where it was written (xml:base chain over the
/// document URL), nil when neither exists.
struct WireURL {
    var raw: String
    var base: URL?
}

struct WireEnclosure {
    var url: WireURL
    var type: String?
    var length: String?
}

struct WireEntry {
    var id: String?
    var guid: String?
    var guidIsPermaLink = false
    var title: WireText?
    var link: WireURL?
    var alternateLink: WireURL?
    var alternateLinkIsNotHTML = false
    var guidBase: URL?
    var published: String?
    var updated: String?
    var author: Person?
    var summary: WireText?
    var content: WireText?
    /// The base in effect for `summary`/`content` (for URLs inside the HTML).
    var contentBase: URL?
    /// True when `href`/`src` in `summary`/`content` were already resolved (against
    /// `contentBase ?? documentURL`) as the entry ended, so the adapter passes them on as they are.
    var urlsResolved = false
    /// True when `href`/`src` in `summary` (`content`) were resolved as the value was read,
    /// the base being known then (see `XMLFeedParser.assign`): ``urlsResolved`` skips it.
    var summaryResolved = false
    var contentResolved = false
    var enclosures: [WireEnclosure] = []
    var mediaContents: [WireEnclosure] = []
    var categories: [String] = []
}
