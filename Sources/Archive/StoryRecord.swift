public import Foundation

/// One place a story was seen (provenance).
public struct Sighting: Sendable, Equatable, Codable {
    public var source: String
    public var url: URL
    public var firstSeen: Date
    public var lastSeen: Date
    /// Since when the source, while healthy, no longer lists the story at this place.
    public var missingSince: Date?

    public init(source: String, url: URL, firstSeen: Date, lastSeen: Date, missingSince: Date? = nil) {
        self.source = source
        self.url = url
        self.firstSeen = firstSeen
        self.lastSeen = lastSeen
        self.missingSince = missingSince
    }

    enum CodingKeys: String, CodingKey {
        case source, url
        case missingSince = "missing_since"
        case firstSeen = "first_seen"
        case lastSeen = "last_seen"
    }
}

/// One immutable revision of a story's body; its files are `<number>.txt` and `<number>.html`.
public struct Revision: Sendable, Equatable, Codable {
    public var number: Int
    /// `contentHash(of:)` of the revision's text.
    public var hash: String
    public var title: String?
    public var seenAt: Date
    /// Length of the text in characters.
    public var length: Int
    /// `SimHash.of(text)` as 16 hex digits.
    public var simhash: String?

    public init(number: Int, hash: String, title: String?, seenAt: Date, length: Int, simhash: String? = nil) {
        self.number = number
        self.hash = hash
        self.title = title
        self.seenAt = seenAt
        self.length = length
        self.simhash = simhash
    }

    /// The SimHash as a number.
    public var simhashValue: UInt64? { simhash.flatMap { UInt64($0, radix: 16) } }

    enum CodingKeys: String, CodingKey {
        case number, hash, title, length, simhash
        case seenAt = "seen_at"
    }
}

/// A story's `meta.json`: identity, dates, authors, provenance and revisions. The files are
/// the truth; every index is derived from them.
public struct StoryRecord: Sendable, Equatable, Codable {
    public static let schema = "herold-story/1"

    public var schema: String = StoryRecord.schema
    /// The story's id (16 hex digits), also its folder name. Never changes.
    public var id: String
    /// The Atom entry id, fixed when the story is created. Never changes.
    public var atomID: String
    /// The folder of the story, relative to the archive root (`items/YYYY/MM/<id>`).
    public var folder: String
    /// Identity keys that lead to this story (`guid:<source>:<guid>`, `url:<normalized url>`).
    public var identities: [String]
    public var title: String?
    public var canonical: URL?
    public var published: Date?
    /// When the story last changed (a new revision); first seen for revision 1.
    public var updated: Date
    public var firstSeen: Date
    public var author: String?
    public var publisher: String?
    public var language: String?
    /// The source that first showed the story.
    public var origin: String
    public var sightings: [Sighting]
    public var revisions: [Revision]
    /// Stories of other sources whose text is nearly the same (SimHash distance); linked, not merged.
    public var related: [String]?
    /// When the story was found withdrawn (gone from every source that listed it while the
    /// sources were healthy, past the grace period). Its files stay.
    public var withdrawn: Date?

    public init(
        id: String, atomID: String, folder: String, identities: [String], title: String?, canonical: URL?,
        published: Date?, updated: Date, firstSeen: Date, author: String?, publisher: String?, language: String?,
        origin: String, sightings: [Sighting], revisions: [Revision]
    ) {
        self.id = id
        self.atomID = atomID
        self.folder = folder
        self.identities = identities
        self.title = title
        self.canonical = canonical
        self.published = published
        self.updated = updated
        self.firstSeen = firstSeen
        self.author = author
        self.publisher = publisher
        self.language = language
        self.origin = origin
        self.sightings = sightings
        self.revisions = revisions
    }

    enum CodingKeys: String, CodingKey {
        case schema, id, folder, identities, title, canonical, published, updated, author, publisher, language
        case origin, sightings, revisions, related, withdrawn
        case atomID = "atom_id"
        case firstSeen = "first_seen"
    }

    /// `YYYY/MM` of the story's folder.
    public var month: String {
        let parts = folder.split(separator: "/")
        return parts.count >= 3 ? "\(parts[1])/\(parts[2])" : ""
    }

    /// The date a source's listing window is compared with: published, else first seen. A
    /// story older than the oldest item a source still lists has scrolled off, not vanished.
    public var listingDate: Date { published ?? firstSeen }

    /// The newest revision.
    public var current: Revision { revisions[revisions.count - 1] }
}
