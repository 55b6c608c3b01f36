import Foundation
import FeedModel

/// Turns a ``WireFeed`` into the model: dates parsed, URLs resolved (xml:base chain, then the
/// document URL, then the feed's own link), titles reduced to plain text, feedparser's
/// fallbacks applied (a permalink guid is the link when `<link>` is absent). Nothing is
/// invented: absent values stay nil.
///
/// `summary` is never filled from `content` (feedparser does fill it: its `summary` of an entry
/// with only `content:encoded` or Atom `<content>` is the content). Herold keeps the two apart
/// so that a consumer can tell "the feed gave a teaser" from "the feed gave the full text";
/// whoever needs a teaser falls back to `content` itself (`entry.summary ?? entry.content`).
/// The differential script counts this documented difference separately.
///
/// HTML in `summary`/`content` is passed on as HTML, with relative `href`/`src` resolved; it
/// is not sanitized here — the sanitizer runs later, last on every content path (Extraction).
enum FeedAdapter {
    static func adapt(_ wire: consuming WireFeed, documentURL: URL?, defaultTimeZone: TimeZone?) -> ParsedFeed {
        let zone =
            defaultTimeZone
            ?? ((wire.language?.lowercased().hasPrefix("de") ?? false) ? DateParser.berlin : DateParser.utc)
        var warnings = wire.warnings
        func date(_ raw: String?) -> Date? {
            guard let raw, !raw.isEmpty else { return nil }
            let value = DateParser.parse(raw, defaultTimeZone: zone)
            if value == nil, warnings.count < 50 { warnings.append("unparsable date: \(raw.prefix(60))") }
            return value
        }
        // The parts of the last base a URL was resolved against, computed once per distinct base
        // in a row: the parser gives almost every URL a base (its element's, which without
        // xml:base is the document URL), and most URLs of a feed share it.
        var lastParts: (url: URL, parts: URLResolution.Base)?
        func url(_ wireURL: WireURL?, fallback: URL?) -> URL? {
            guard let wireURL else { return nil }
            guard let base = wireURL.base ?? fallback else { return HTMLText.resolveURL(wireURL.raw, base: nil) }
            if lastParts == nil || lastParts!.url != base {
                lastParts = (base, URLResolution.Base(base))
            }
            return HTMLText.resolveURL(wireURL.raw, base: base, simpleBase: lastParts!.parts)
        }
        let feedLink = url(wire.link ?? wire.alternateLink, fallback: documentURL)
        let fallbackBase = documentURL ?? feedLink.flatMap { $0.scheme == nil ? nil : $0 }

        var feed = ParsedFeed(
            format: wire.format, bozo: wire.bozo, title: wire.title.map(plainTitle), link: feedLink,
            updated: nil, language: wire.language.map(HTMLText.trimmed).flatMap { $0.isEmpty ? nil : $0 })
        feed.updated = date(wire.updated)
        // <ttl> is minutes; anything but a whole number (or an absurd one) is ignored.
        if let minutes = wire.ttl.flatMap({ Int(HTMLText.trimmed($0)) }), (0...525_600).contains(minutes) {
            feed.ttl = TimeInterval(minutes * 60)
        }
        // Each wire entry is released once adapted, so a large feed is not held twice.
        var items: [WireEntry] = []
        swap(&items, &wire.entries)  // the only reference: entries are moved out below, not copied
        feed.entries.reserveCapacity(items.count)
        for index in items.indices {
            var item = WireEntry()
            swap(&item, &items[index])  // moved out, not copied
            var entry = FeedEntry()
            entry.id = (item.id ?? item.guid).map(HTMLText.trimmed).flatMap { $0.isEmpty ? nil : $0 }
            entry.title = item.title.map(plainTitle)
            entry.link = url(item.link ?? item.alternateLink, fallback: fallbackBase)
            // feedparser's rule, limited to guids that are absolute web URLs ("news-3" is no link).
            if entry.link == nil, item.guidIsPermaLink, let guid = item.guid,
                let guidURL = HTMLText.resolveURL(guid, base: nil),
                let scheme = guidURL.scheme?.lowercased(), scheme == "http" || scheme == "https"
            {
                entry.link = guidURL
            }
            entry.published = date(item.published)
            entry.updated = date(item.updated)
            // The large values are moved out of `item`, not copied (a retain here and a
            // release when `item` goes).
            entry.author = item.author.take()
            let contentBase = item.contentBase ?? fallbackBase
            if let summary = item.summary.take() {
                entry.summary = text(of: summary, base: contentBase, resolved: item.urlsResolved)
            }
            if let content = item.content.take() {
                entry.content = text(of: content, base: contentBase, resolved: item.urlsResolved)
            }
            var enclosures = item.enclosures.compactMap { enclosure(of: $0, url: url($0.url, fallback: fallbackBase)) }
            if enclosures.isEmpty {
                // Media RSS: media:content counts as an enclosure when there is no real one.
                enclosures = item.mediaContents.compactMap { enclosure(of: $0, url: url($0.url, fallback: fallbackBase)) }
            }
            entry.enclosures = enclosures
            entry.categories = item.categories.map(HTMLText.collapseWhitespace).filter { !$0.isEmpty }
            feed.entries.append(entry)
        }
        feed.warnings = warnings
        return feed
    }

    /// A title as plain text: markup removed and entities decoded for HTML/XHTML (and for RSS
    /// titles that carry escaped markup), whitespace collapsed.
    static func plainTitle(_ text: WireText) -> String {
        switch text.type {
        case .html, .xhtml:
            return HTMLText.plainText(fromHTML: text.value)
        case .text:
            return HTMLText.collapseWhitespace(text.value)
        }
    }

    private static func text(of wire: consuming WireText, base: URL?, resolved: Bool) -> TextContent {
        if resolved { return TextContent(type: wire.type, value: wire.value) }
        switch wire.type {
        case .text: return TextContent(type: .text, value: wire.value)
        case .html, .xhtml:
            return TextContent(type: wire.type, value: HTMLText.resolvingURLs(inHTML: wire.value, base: base))
        }
    }

    /// `url`: `wire.url` resolved (nil: no enclosure).
    private static func enclosure(of wire: WireEnclosure, url: URL?) -> Enclosure? {
        guard let url else { return nil }
        let type = wire.type.map(HTMLText.trimmed).flatMap { $0.isEmpty ? nil : $0 }
        let length = wire.length.flatMap { Int64(HTMLText.trimmed($0)) }.flatMap { $0 >= 0 ? $0 : nil }
        return Enclosure(url: url, type: type, length: length)
    }
}
