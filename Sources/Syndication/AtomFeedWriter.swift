public import Archive
public import Foundation

/// What an Atom entry's `<source>` says about the feed or page a story came from
/// (RFC 4287 §4.2.11), and what the unified feed takes over from it (categories, rights).
public struct SourceInfo: Sendable, Equatable, Codable {
    /// The source's id in feeds.yml (also the entry's `category` term).
    public var id: String
    /// The feed's own title, else the configured name.
    public var title: String
    /// The feed's or page's address.
    public var link: URL
    /// The origin's own alternate link (a feed's `<link>`), if it has one.
    public var siteLink: URL?
    /// When the source was last read successfully. Entries' `<source><updated>` carry the time
    /// their current revision was read instead, so that a document's bytes change only when its
    /// stories do.
    public var updated: Date
    /// The source's own categories, if known; each becomes a `category` of the source's entries.
    public var categories: [String]
    /// The source's rights statement (a feed's `<rights>`/`<copyright>`), if known.
    public var rights: String?

    /// A source description; `categories` and `rights` are empty where the origin says nothing.
    public init(
        id: String, title: String, link: URL, siteLink: URL? = nil, updated: Date, categories: [String] = [],
        rights: String? = nil
    ) {
        self.id = id
        self.title = title
        self.link = link
        self.siteLink = siteLink
        self.updated = updated
        self.categories = categories
        self.rights = rights
    }
}

/// Settings of the unified feed document.
public struct AtomFeedSettings: Sendable, Equatable {
    /// The feed's stable id (an IRI); every document of the archived feed carries it.
    public var id: String
    /// The feed's title (also its author's name).
    public var title: String
    /// The public URL of feed.atom, if published; other documents' links are made absolute against it.
    public var selfURL: URL?
    /// Entries in feed.atom.
    public var entries: Int

    /// Settings of the unified feed.
    public init(id: String, title: String, selfURL: URL?, entries: Int) {
        self.id = id
        self.title = title
        self.selfURL = selfURL
        self.entries = entries
    }
}

/// One story as the writer needs it: its record and the HTML of its current revision.
public struct SyndicatedStory: Sendable {
    /// The story's meta.json.
    public var record: StoryRecord
    /// The sanitized HTML fragment of the current revision.
    public var html: String
    /// The plain text of the current revision (the summary is taken from it).
    public var text: String

    /// A story with its current revision's HTML and text.
    public init(record: StoryRecord, html: String, text: String) {
        self.record = record
        self.html = html
        self.text = text
    }
}

/// The feed-level part of one Atom document: which document of the archived feed it is
/// (RFC 5005) and its links.
public struct AtomDocumentHead: Sendable, Equatable {
    /// The feed id (the same in every document of one archived feed, RFC 5005 §4).
    public var id: String
    /// The document's title.
    public var title: String
    /// The feed's author name.
    public var author: String
    /// `<updated>`: when nil, the newest entry's `updated`, else `fallbackUpdated`.
    public var updated: Date?
    /// Used for `<updated>` when the document has no entries and `updated` is nil.
    public var fallbackUpdated: Date
    /// An archive document (`<fh:archive/>`, RFC 5005 §4).
    public var isArchive: Bool
    /// Links: `self`, `alternate`, `current`, `prev-archive`, `next-archive`, … in this order.
    public var links: [(rel: String, type: String?, href: String)]

    /// A document head.
    public init(
        id: String, title: String, author: String, updated: Date? = nil, fallbackUpdated: Date, isArchive: Bool = false,
        links: [(rel: String, type: String?, href: String)] = []
    ) {
        self.id = id
        self.title = title
        self.author = author
        self.updated = updated
        self.fallbackUpdated = fallbackUpdated
        self.isArchive = isArchive
        self.links = links
    }

    public static func == (a: Self, b: Self) -> Bool {
        a.id == b.id && a.title == b.title && a.author == b.author && a.updated == b.updated
            && a.fallbackUpdated == b.fallbackUpdated && a.isArchive == b.isArchive
            && a.links.map { "\($0.rel) \($0.type ?? "") \($0.href)" } == b.links.map { "\($0.rel) \($0.type ?? "") \($0.href)" }
    }
}

/// Renders Atom 1.0 documents (RFC 4287): stable entry ids, a `via` link for every further
/// place a story was seen, categories for every source (and the sources' own categories),
/// `<source>` naming the origin, RFC 5005 paging links, and withdrawn stories as RFC 6721
/// `at:deleted-entry` tombstones.
public enum AtomFeedWriter {
    static let atomNamespace = "http://www.w3.org/2005/Atom"
    static let historyNamespace = "http://purl.org/syndication/history/1.0"
    static let tombstoneNamespace = "http://purl.org/atompub/tombstones/1.0"
    static let generatorURI = "https://github.com/herold-feeds/herold"

    /// The feed document for `stories` (at most `settings.entries` of them, newest `updated` first),
    /// without paging links: the single-document form of the unified feed.
    public static func render(
        stories: [SyndicatedStory], sources: [String: SourceInfo], settings: AtomFeedSettings, generatedAt: Date
    ) -> String {
        var links: [(rel: String, type: String?, href: String)] = []
        if let selfURL = settings.selfURL {
            links.append(("self", "application/atom+xml", selfURL.absoluteString))
        }
        let head = AtomDocumentHead(
            id: settings.id, title: settings.title, author: settings.title, fallbackUpdated: generatedAt, links: links)
        return document(head: head, stories: Array(ordered(stories).prefix(settings.entries)), sources: sources)
    }

    /// Stories newest `updated` first (ties: higher id first), the order of every document.
    public static func ordered(_ stories: [SyndicatedStory]) -> [SyndicatedStory] {
        stories.sorted { ($0.record.updated, $0.record.id) > ($1.record.updated, $1.record.id) }
    }

    /// One Atom document: `head`, then one entry per story in the given order; a withdrawn
    /// story becomes an `at:deleted-entry` (it is not an entry any more).
    public static func document(head: AtomDocumentHead, stories: [SyndicatedStory], sources: [String: SourceInfo]) -> String {
        let updated = head.updated ?? stories.map(\.record.updated).max() ?? head.fallbackUpdated
        var xml = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
        xml += "<feed xmlns=\"\(atomNamespace)\""
        if head.isArchive { xml += " xmlns:fh=\"\(historyNamespace)\"" }
        if stories.contains(where: { $0.record.withdrawn != nil }) { xml += " xmlns:at=\"\(tombstoneNamespace)\"" }
        xml += ">\n"
        xml += "  <id>\(head.id.xmlEscaped)</id>\n"
        xml += "  <title type=\"text\">\(head.title.xmlEscaped)</title>\n"
        xml += "  <updated>\(timestamp(updated))</updated>\n"
        xml += "  <author><name>\(head.author.xmlEscaped)</name></author>\n"
        xml += "  <generator uri=\"\(generatorURI)\">Herold</generator>\n"
        for link in head.links {
            xml += "  <link rel=\"\(link.rel.xmlEscaped)\""
            if let type = link.type { xml += " type=\"\(type.xmlEscaped)\"" }
            xml += " href=\"\(link.href.xmlEscaped)\"/>\n"
        }
        if head.isArchive { xml += "  <fh:archive/>\n" }
        for story in stories {
            if story.record.withdrawn != nil {
                xml += tombstone(story.record)
            } else {
                xml += entry(story, sources: sources)
            }
        }
        xml += "</feed>\n"
        return xml
    }

    /// RFC 6721 §2: `<at:deleted-entry ref="…" when="…">` with a link to where the story was.
    static func tombstone(_ record: StoryRecord) -> String {
        let when = record.withdrawn ?? record.updated
        var xml = "  <at:deleted-entry ref=\"\(record.atomID.xmlEscaped)\" when=\"\(timestamp(when))\">\n"
        if let alternate = record.canonical ?? record.sightings.first?.url {
            xml += "    <link rel=\"alternate\" type=\"text/html\" href=\"\(alternate.absoluteString.xmlEscaped)\"/>\n"
        }
        xml += "    <at:comment xml:lang=\"en\">Withdrawn: no source lists this story any more.</at:comment>\n"
        xml += "  </at:deleted-entry>\n"
        return xml
    }

    /// The alternate link of a story: its canonical URL, else the first place it was seen.
    static func alternate(_ record: StoryRecord) -> URL? {
        record.canonical ?? record.sightings.first?.url
    }

    /// Every further place a story was seen (`via`), in sighting order, without duplicates.
    static func vias(_ record: StoryRecord) -> [URL] {
        let alternate = alternate(record)
        var vias: [URL] = []
        for sighting in record.sightings where sighting.url != alternate && !vias.contains(sighting.url) {
            vias.append(sighting.url)
        }
        return vias
    }

    /// The source ids a story was seen in, in sighting order.
    static func sourceIDs(_ record: StoryRecord) -> [String] {
        var ids: [String] = []
        for sighting in record.sightings where !ids.contains(sighting.source) {
            ids.append(sighting.source)
        }
        if ids.isEmpty { ids.append(record.origin) }
        return ids
    }

    static func entry(_ story: SyndicatedStory, sources: [String: SourceInfo]) -> String {
        let record = story.record
        let origin = sources[record.origin]
        var xml = "  <entry>\n"
        xml += "    <id>\(record.atomID.xmlEscaped)</id>\n"
        xml += "    <title type=\"text\">\((record.title ?? "Untitled").xmlEscaped)</title>\n"
        xml += "    <updated>\(timestamp(record.updated))</updated>\n"
        if let published = record.published {
            xml += "    <published>\(timestamp(published))</published>\n"
        }
        if let alternate = alternate(record) {
            xml += "    <link rel=\"alternate\" type=\"text/html\" href=\"\(alternate.absoluteString.xmlEscaped)\"/>\n"
        }
        for via in vias(record) {
            xml += "    <link rel=\"via\" type=\"text/html\" href=\"\(via.absoluteString.xmlEscaped)\"/>\n"
        }
        let authorName = record.author ?? record.publisher ?? origin?.title ?? record.origin
        xml += "    <author><name>\(authorName.xmlEscaped)</name></author>\n"
        let ids = sourceIDs(record)
        for id in ids {
            xml += "    <category term=\"\(id.xmlEscaped)\" label=\"\((sources[id]?.title ?? id).xmlEscaped)\"/>\n"
        }
        var categories: [String] = []
        for id in ids {
            for category in sources[id]?.categories ?? [] where !categories.contains(category) && !ids.contains(category) {
                categories.append(category)
            }
        }
        for category in categories {
            xml += "    <category term=\"\(category.xmlEscaped)\"/>\n"
        }
        if let rights = origin?.rights, !rights.isEmpty {
            xml += "    <rights type=\"text\">\(rights.xmlEscaped)</rights>\n"
        }
        let summary = summaryText(story.text)
        if !summary.isEmpty {
            xml += "    <summary type=\"text\">\(summary.xmlEscaped)</summary>\n"
        }
        xml += "    <content type=\"html\">\(story.html.xmlEscaped)</content>\n"
        if let origin {
            xml += "    <source>\n"
            xml += "      <id>\(origin.link.absoluteString.xmlEscaped)</id>\n"
            xml += "      <title type=\"text\">\(origin.title.xmlEscaped)</title>\n"
            xml += "      <link rel=\"self\" href=\"\(origin.link.absoluteString.xmlEscaped)\"/>\n"
            if let site = origin.siteLink {
                xml += "      <link rel=\"alternate\" type=\"text/html\" href=\"\(site.absoluteString.xmlEscaped)\"/>\n"
            }
            if let rights = origin.rights, !rights.isEmpty {
                xml += "      <rights type=\"text\">\(rights.xmlEscaped)</rights>\n"
            }
            // The origin as it was when the current revision was read: stable across renders,
            // so a document changes only when its stories do (strong ETags stay valid).
            xml += "      <updated>\(timestamp(record.current.seenAt))</updated>\n"
            xml += "    </source>\n"
        }
        xml += "  </entry>\n"
        return xml
    }

    /// The first paragraph of the text (paragraphs are separated by a blank line, "\n\n"),
    /// whitespace collapsed, cut at a word boundary near 300 characters. Only the first
    /// non-blank paragraph is looked at, so the cost does not grow with the length of the text.
    static func summaryText(_ text: String) -> String {
        let first = firstParagraph(of: text)
        let collapsed = first.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        guard collapsed.count > 300 else { return collapsed }
        let cut = collapsed.prefix(300)
        let end = cut.lastIndex(of: " ") ?? cut.endIndex
        return String(cut[..<end]) + " …"
    }

    /// The first piece of `text` between "\n\n" separators (taken left to right, as
    /// `components(separatedBy: "\n\n")` splits) that holds anything but whitespace.
    static func firstParagraph(of text: String) -> Substring {
        let utf8 = text.utf8
        var start = utf8.startIndex
        var cursor = start
        while cursor != utf8.endIndex {
            let next = utf8.index(after: cursor)
            if utf8[cursor] == 0x0A, next != utf8.endIndex, utf8[next] == 0x0A {
                let piece = text[start..<cursor]
                if piece.contains(where: { !$0.isWhitespace }) { return piece }
                start = utf8.index(after: next)
                cursor = start
            } else {
                cursor = next
            }
        }
        let last = text[start...]
        return last.contains(where: { !$0.isWhitespace }) ? last : ""
    }

    /// RFC 3339 in UTC, seconds precision.
    static func timestamp(_ date: Date) -> String {
        date.ISO8601Format()
    }
}
