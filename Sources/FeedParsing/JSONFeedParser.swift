import Foundation
import FeedModel

/// JSON Feed 1.0 and 1.1 (https://jsonfeed.org/version/1.1).
enum JSONFeedParser {
    /// The feed, or nil when the JSON is no JSON Feed.
    static func parse(_ bytes: [UInt8], url: URL?, defaultTimeZone: TimeZone?) -> ParsedFeed? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed]),
            let root = object as? [String: Any],
            let version = root["version"] as? String, version.contains("jsonfeed.org/version/")
        else { return nil }
        var wire = WireFeed(format: version.hasSuffix("/1.1") ? .json11 : .json10)
        wire.title = string(root["title"]).map { WireText(value: $0, type: .text) }
        wire.link = string(root["home_page_url"]).map { WireURL(raw: $0, base: url) }
        wire.language = string(root["language"])
        let base = url ?? string(root["feed_url"]).flatMap { URL(string: $0) }
        // Entries do not inherit the feed's author (feedparser's rule), so it is not read.
        for case let item as [String: Any] in root["items"] as? [Any] ?? [] {
            var entry = WireEntry()
            if let id = item["id"] {
                entry.id = string(id) ?? (id as? NSNumber).map { $0.stringValue }
            }
            entry.title = string(item["title"]).map { WireText(value: $0, type: .text) }
            entry.link = string(item["url"]).map { WireURL(raw: $0, base: base) }
            entry.published = string(item["date_published"])
            entry.updated = string(item["date_modified"])
            entry.author = author(item)
            if let summary = string(item["summary"]) { entry.summary = WireText(value: summary, type: .text) }
            if let html = string(item["content_html"]) {
                entry.content = WireText(value: html, type: .html)
            } else if let text = string(item["content_text"]) {
                entry.content = WireText(value: text, type: .text)
            }
            entry.contentBase = base
            for case let tag as String in item["tags"] as? [Any] ?? [] { entry.categories.append(tag) }
            for case let attachment as [String: Any] in item["attachments"] as? [Any] ?? [] {
                guard let link = string(attachment["url"]) else { continue }
                entry.enclosures.append(
                    WireEnclosure(
                        url: WireURL(raw: link, base: base), type: string(attachment["mime_type"]),
                        length: (attachment["size_in_bytes"] as? NSNumber)?.stringValue))
            }
            wire.entries.append(entry)
        }
        return FeedAdapter.adapt(wire, documentURL: url, defaultTimeZone: defaultTimeZone)
    }

    private static func string(_ value: Any?) -> String? {
        guard let text = value as? String else { return nil }
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        return trimmed.isEmpty ? nil : trimmed
    }

    /// `authors[0]` (1.1) or `author` (1.0).
    private static func author(_ object: [String: Any]) -> Person? {
        let candidate = (object["authors"] as? [Any])?.first as? [String: Any] ?? object["author"] as? [String: Any]
        guard let candidate else { return nil }
        let person = Person(name: string(candidate["name"]), email: nil, uri: string(candidate["url"]))
        return person.name == nil && person.uri == nil ? nil : person
    }
}
