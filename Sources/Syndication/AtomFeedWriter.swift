public import Archive
public import Foundation

/// What an Atom entry's `<source>` says about the feed or page a story came from
/// (RFC 4287 §4.2.11).
public struct SourceInfo: Sendable, Equatable, Codable {
    public var id: String
    public var title: String
    /// The feed's or page's address.
    public var link: URL
    /// The origin's own alternate link (a feed's `<link>`), if it has one.
    public var siteLink: URL?
    /// When the source was last read successfully.
    public var updated: Date

    public init(id: String, title: String, link: URL, siteLink: URL? = nil, updated: Date) {
        self.id = id
        self.title = title
        self.link = link
        self.siteLink = siteLink
        self.updated = updated
    }
}

/// Settings of the unified feed document.
public struct AtomFeedSettings: Sendable, Equatable {
    public var id: String
    public var title: String
    public var selfURL: URL?
    public var entries: Int

    public init(id: String, title: String, selfURL: URL?, entries: Int) {
        self.id = id
        self.title = title
        self.selfURL = selfURL
        self.entries = entries
    }
}

/// One story as the writer needs it: its record and the HTML of its current revision.
public struct SyndicatedStory: Sendable {
    public var record: StoryRecord
    public var html: String
    public var text: String

    public init(record: StoryRecord, html: String, text: String) {
        self.record = record
        self.html = html
        self.text = text
    }
}

/// Renders the unified Atom 1.0 feed (RFC 4287): entries newest first, stable ids, a `via` link
/// for every further place a story was seen, and `<source>` naming the origin.
public enum AtomFeedWriter {
    /// The Atom document for `stories` (at most `settings.entries` of them, newest `updated` first).
    public static func render(
        stories: [SyndicatedStory], sources: [String: SourceInfo], settings: AtomFeedSettings, generatedAt: Date
    ) -> String {
        let ordered = stories.sorted {
            ($0.record.updated, $0.record.id) > ($1.record.updated, $1.record.id)
        }.prefix(settings.entries)
        let feedUpdated = ordered.first?.record.updated ?? generatedAt
        var xml = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
        xml += "<feed xmlns=\"http://www.w3.org/2005/Atom\">\n"
        xml += "  <id>\(settings.id.xmlEscaped)</id>\n"
        xml += "  <title>\(settings.title.xmlEscaped)</title>\n"
        xml += "  <updated>\(timestamp(feedUpdated))</updated>\n"
        xml += "  <author><name>\(settings.title.xmlEscaped)</name></author>\n"
        xml += "  <generator uri=\"https://github.com/herold-feeds/herold\">Herold</generator>\n"
        if let selfURL = settings.selfURL {
            xml += "  <link rel=\"self\" type=\"application/atom+xml\" href=\"\(selfURL.absoluteString.xmlEscaped)\"/>\n"
        }
        for story in ordered {
            xml += entry(story, source: sources[story.record.origin])
        }
        xml += "</feed>\n"
        return xml
    }

    static func entry(_ story: SyndicatedStory, source: SourceInfo?) -> String {
        let record = story.record
        var xml = "  <entry>\n"
        xml += "    <id>\(record.atomID.xmlEscaped)</id>\n"
        xml += "    <title type=\"text\">\((record.title ?? "Untitled").xmlEscaped)</title>\n"
        xml += "    <updated>\(timestamp(record.updated))</updated>\n"
        if let published = record.published {
            xml += "    <published>\(timestamp(published))</published>\n"
        }
        let alternate = record.canonical ?? record.sightings.first?.url
        if let alternate {
            xml += "    <link rel=\"alternate\" type=\"text/html\" href=\"\(alternate.absoluteString.xmlEscaped)\"/>\n"
        }
        var vias: [URL] = []
        for sighting in record.sightings where sighting.url != alternate && !vias.contains(sighting.url) {
            vias.append(sighting.url)
        }
        for via in vias {
            xml += "    <link rel=\"via\" type=\"text/html\" href=\"\(via.absoluteString.xmlEscaped)\"/>\n"
        }
        let authorName = record.author ?? record.publisher ?? source?.title
        if let authorName {
            xml += "    <author><name>\(authorName.xmlEscaped)</name></author>\n"
        }
        var terms: [String] = []
        for sighting in record.sightings where !terms.contains(sighting.source) {
            terms.append(sighting.source)
        }
        for term in terms {
            xml += "    <category term=\"\(term.xmlEscaped)\"/>\n"
        }
        let summary = summaryText(story.text)
        if !summary.isEmpty {
            xml += "    <summary type=\"text\">\(summary.xmlEscaped)</summary>\n"
        }
        xml += "    <content type=\"html\">\(story.html.xmlEscaped)</content>\n"
        if let source {
            xml += "    <source>\n"
            xml += "      <id>\(source.link.absoluteString.xmlEscaped)</id>\n"
            xml += "      <title>\(source.title.xmlEscaped)</title>\n"
            xml += "      <link rel=\"self\" href=\"\(source.link.absoluteString.xmlEscaped)\"/>\n"
            if let site = source.siteLink {
                xml += "      <link rel=\"alternate\" type=\"text/html\" href=\"\(site.absoluteString.xmlEscaped)\"/>\n"
            }
            xml += "      <updated>\(timestamp(source.updated))</updated>\n"
            xml += "    </source>\n"
        }
        xml += "  </entry>\n"
        return xml
    }

    /// The first paragraph of the text, cut at a word boundary near 300 characters.
    static func summaryText(_ text: String) -> String {
        let first = text.components(separatedBy: "\n\n").first { !$0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty } ?? ""
        let collapsed = first.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        guard collapsed.count > 300 else { return collapsed }
        let cut = collapsed.prefix(300)
        let end = cut.lastIndex(of: " ") ?? cut.endIndex
        return String(cut[..<end]) + " …"
    }

    /// RFC 3339 in UTC, seconds precision.
    static func timestamp(_ date: Date) -> String {
        date.ISO8601Format()
    }
}
