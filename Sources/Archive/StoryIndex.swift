public import Foundation

/// One search result.
public struct SearchHit: Sendable, Equatable {
    public var storyID: String
    public var title: String?
    /// A short excerpt around the matched words, the matches in «…».
    public var snippet: String
    /// Lower is better (SQLite FTS5 bm25).
    public var rank: Double
    public var updated: Date
}

/// One sighting of a story in a source, as the withdrawal check reads it from the index.
public struct ListedSighting: Sendable, Equatable {
    public var story: String
    /// The sighting's place as stored (`URL.absoluteString`).
    public var url: String
    public var missingSince: Date?
    /// The story's `StoryRecord.listingDate`.
    public var listingDate: Date
    public var withdrawn: Bool

    public init(story: String, url: String, missingSince: Date?, listingDate: Date, withdrawn: Bool) {
        self.story = story
        self.url = url
        self.missingSince = missingSince
        self.listingDate = listingDate
        self.withdrawn = withdrawn
    }
}

/// What a list of stories (the static site's month and index pages) shows of one story, read
/// from the index without decoding the story's record.
public struct StoryListing: Sendable, Equatable {
    public var id: String
    /// The story's folder, relative to the archive root (`items/YYYY/MM/<id>`).
    public var folder: String
    public var title: String?
    /// `StoryRecord.listingDate`: published, else first seen.
    public var listingDate: Date
    /// The sources the story was seen in, sorted, each once.
    public var sources: [String]
    public var revisionCount: Int
    public var withdrawn: Bool

    public init(
        id: String, folder: String, title: String?, listingDate: Date, sources: [String], revisionCount: Int,
        withdrawn: Bool
    ) {
        self.id = id
        self.folder = folder
        self.title = title
        self.listingDate = listingDate
        self.sources = sources
        self.revisionCount = revisionCount
        self.withdrawn = withdrawn
    }

    /// The listing of a record.
    public init(_ record: StoryRecord) {
        self.init(
            id: record.id, folder: record.folder, title: record.title, listingDate: record.listingDate,
            sources: Array(Set(record.sightings.map(\.source))).sorted(), revisionCount: record.revisions.count,
            withdrawn: record.withdrawn != nil)
    }
}

/// A search over the archive.
public struct SearchQuery: Sendable, Equatable {
    public var words: [String]
    /// Only stories seen in this source.
    public var source: String?
    /// Only stories updated at or after this instant.
    public var since: Date?
    public var limit: Int

    public init(words: [String], source: String? = nil, since: Date? = nil, limit: Int = 20) {
        self.words = words
        self.source = source
        self.since = since
        self.limit = limit
    }
}

/// The index of the archive: everything dedup, rendering and search look up, derived from the
/// story files and rebuildable from them (`herold reindex`). Behind a protocol so that a
/// PostgreSQL-backed index can serve several instances later; `SQLiteIndex` is the embedded
/// default.
public protocol ArchiveIndex: Sendable {
    /// The story whose text (any revision) has this content hash.
    func story(forHash hash: String) throws -> String?
    /// The story an identity key leads to.
    func story(forIdentity key: String) throws -> String?
    /// A story's record as last committed.
    func record(_ id: String) throws -> StoryRecord?
    /// Records a story (after its meta.json was written): its hashes, identity keys,
    /// provenance and the text of its current revision for search.
    func upsert(_ record: StoryRecord, currentText: String) throws
    /// The `limit` most recently updated stories, newest first.
    func newest(limit: Int) throws -> [StoryRecord]
    /// Every story, in id order (for the static site and exports).
    func allRecords() throws -> [StoryRecord]
    /// The number of stories.
    func count() throws -> Int
    /// Full-text search, best first.
    func search(_ query: SearchQuery) throws -> [SearchHit]
    /// The SimHash of the current revision of the `limit` most recently updated stories.
    func recentSimHashes(limit: Int) throws -> [(id: String, origin: String, simhash: UInt64)]
    /// The listings of the stories whose folder is in `items/<month>/` (`YYYY/MM`), newest first.
    func listings(inMonth month: String) throws -> [StoryListing]
    /// The listings of the `limit` most recently updated stories, newest first.
    func newestListings(limit: Int) throws -> [StoryListing]
    /// Every month that has stories, newest first, with the number of stories.
    func months() throws -> [(month: String, count: Int)]
    /// Every sighting in `source`, with what a listing check needs of its story (so a poll
    /// decodes only the records it may change).
    func sightings(in source: String) throws -> [ListedSighting]
    /// Empties the index (before a rebuild).
    func removeAll() throws
    /// Stored HTTP validators of a URL (ETag, Last-Modified).
    func validators(for url: URL) throws -> (etag: String?, lastModified: String?)?
    /// Stores (or, with both nil, clears) a URL's validators.
    func setValidators(for url: URL, etag: String?, lastModified: String?) throws
}
