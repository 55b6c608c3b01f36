public import Foundation
import FeedModel

/// The on-disk archive (DESIGN.md §3): one folder per story under `items/YYYY/MM/<id>/` with
/// `meta.json` and immutable revisions `<n>.txt` / `<n>.html`. The files are the truth: the
/// index is rebuilt from them on open. `meta.json` is written last, so it is the commit point
/// of every change; a crash before it leaves files that no meta.json lists, which the next
/// run overwrites.
public actor ArchiveStore {
    /// Problems found in the archive while opening it (unreadable meta.json files); they are
    /// skipped, never deleted.
    public struct OpenWarning: Sendable, CustomStringConvertible {
        public var path: String
        public var reason: String
        public var description: String { "\(path): \(reason)" }
    }

    public nonisolated let root: URL
    private let feedID: String
    private var stories: [String: StoryRecord] = [:]
    private var index: any StoryIndex
    public private(set) var warnings: [OpenWarning] = []

    /// Opens (or creates) the archive at `root`, reading every story's meta.json.
    /// - Parameters:
    ///   - feedID: the unified feed's id; new stories' Atom ids are derived from it.
    ///   - index: the index to fill; the in-memory one by default.
    public init(root: URL, feedID: String, index: any StoryIndex = MemoryStoryIndex()) throws {
        self.root = root
        self.feedID = feedID
        self.index = index
        try FileManager.default.createDirectory(at: root.appendingPathComponent("items"), withIntermediateDirectories: true)
        let (records, warnings) = Self.readRecords(in: root)
        self.warnings = warnings
        for record in records {
            stories[record.id] = record
            self.index.add(record)
        }
    }

    /// Every archived story.
    public func allStories() -> [StoryRecord] {
        Array(stories.values)
    }

    /// One story by id.
    public func story(_ id: String) -> StoryRecord? {
        stories[id]
    }

    /// The sanitized HTML fragment of a revision (what `<n>.html` holds inside its `<article>`).
    public nonisolated func revisionFragment(of record: StoryRecord, revision: Int) throws -> String {
        let url = root.appendingPathComponent(record.folder).appendingPathComponent("\(revision).fragment.html")
        return try String(contentsOf: url, encoding: .utf8)
    }

    /// The plain text of a revision.
    public nonisolated func revisionText(of record: StoryRecord, revision: Int) throws -> String {
        let url = root.appendingPathComponent(record.folder).appendingPathComponent("\(revision).txt")
        return try String(contentsOf: url, encoding: .utf8)
    }

    /// Archives one observation: dedup by content hash first (a known text is the same story,
    /// seen once more), then identity (a known story with a new text is a new revision), else a
    /// new story.
    public func ingest(_ observation: Observation) throws -> IngestOutcome {
        let text = observation.article.text
        guard !text.normalizedForHash.isEmpty else { return .skipped(reason: "no article text") }
        let hash = contentHash(of: text)
        let keys = observation.identityKeys

        if let id = index.story(forHash: hash), var record = stories[id] {
            let changed = record.noteSighting(of: observation, keys: keys, index: index)
            if changed { try commit(record) }
            return .known(storyID: id)
        }
        if let id = keys.lazy.compactMap({ self.index.story(forIdentity: $0) }).first, var record = stories[id] {
            let number = record.revisions.count + 1
            try writeRevision(number, of: observation, in: record.folder)
            record.revisions.append(
                Revision(
                    number: number, hash: hash, title: observation.article.title, seenAt: observation.seenAt,
                    length: text.count))
            record.updated = observation.seenAt
            record.apply(observation.article)
            _ = record.noteSighting(of: observation, keys: keys, index: index)
            try commit(record)
            return .revised(storyID: id, revision: number)
        }

        let id = uniqueID(for: keys.first ?? "hash:\(hash)")
        let day = observation.article.published ?? observation.seenAt
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month], from: day)
        let folder = String(format: "items/%04d/%02d/%@", parts.year ?? 1970, parts.month ?? 1, id)
        var record = StoryRecord(
            id: id, atomID: Self.atomID(feedID: feedID, storyID: id), folder: folder, identities: [],
            title: nil, canonical: nil, published: nil, updated: observation.seenAt, firstSeen: observation.seenAt,
            author: nil, publisher: nil, language: nil, origin: observation.sourceID, sightings: [],
            revisions: [
                Revision(
                    number: 1, hash: hash, title: observation.article.title, seenAt: observation.seenAt,
                    length: text.count)
            ])
        record.apply(observation.article)
        _ = record.noteSighting(of: observation, keys: keys, index: index)
        try writeRevision(1, of: observation, in: folder)
        try commit(record)
        return .new(storyID: id)
    }

    // MARK: Writing

    private func commit(_ record: StoryRecord) throws {
        let url = root.appendingPathComponent(record.folder).appendingPathComponent("meta.json")
        try AtomicFile.write(Self.encoder.encode(record), to: url)
        stories[record.id] = record
        index.add(record)
    }

    private func writeRevision(_ number: Int, of observation: Observation, in folder: String) throws {
        let directory = root.appendingPathComponent(folder)
        let article = observation.article
        try AtomicFile.write(article.text + "\n", to: directory.appendingPathComponent("\(number).txt"))
        try AtomicFile.write(article.html, to: directory.appendingPathComponent("\(number).fragment.html"))
        try AtomicFile.write(
            StandalonePage.render(article: article, revision: number),
            to: directory.appendingPathComponent("\(number).html"))
    }

    private func uniqueID(for key: String) -> String {
        var id = shortID(for: key)
        var salt = 1
        while stories[id] != nil {
            id = shortID(for: "\(key)#\(salt)")
            salt += 1
        }
        return id
    }

    /// The Atom id of a story: the feed id extended by the story id, so ids are unique per feed
    /// and fixed at creation.
    static func atomID(feedID: String, storyID: String) -> String {
        if feedID.hasPrefix("tag:") || feedID.hasPrefix("urn:") { return "\(feedID):story:\(storyID)" }
        return feedID.hasSuffix("/") ? "\(feedID)story/\(storyID)" : "\(feedID)/story/\(storyID)"
    }

    // MARK: Reading

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }()

    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }()

    static func readRecords(in root: URL) -> ([StoryRecord], [OpenWarning]) {
        var records: [StoryRecord] = []
        var warnings: [OpenWarning] = []
        let items = root.appendingPathComponent("items")
        let fm = FileManager.default
        for year in (try? fm.contentsOfDirectory(atPath: items.path))?.sorted() ?? [] where !year.hasPrefix(".") {
            let yearURL = items.appendingPathComponent(year)
            for month in (try? fm.contentsOfDirectory(atPath: yearURL.path))?.sorted() ?? [] where !month.hasPrefix(".") {
                let monthURL = yearURL.appendingPathComponent(month)
                for id in (try? fm.contentsOfDirectory(atPath: monthURL.path))?.sorted() ?? [] where !id.hasPrefix(".") {
                    let meta = monthURL.appendingPathComponent(id).appendingPathComponent("meta.json")
                    guard fm.fileExists(atPath: meta.path) else { continue }  // an interrupted first write
                    do {
                        let record = try decoder.decode(StoryRecord.self, from: Data(contentsOf: meta))
                        guard record.schema == StoryRecord.schema, !record.revisions.isEmpty else {
                            warnings.append(OpenWarning(path: meta.path, reason: "unknown schema \(record.schema)"))
                            continue
                        }
                        records.append(record)
                    } catch {
                        warnings.append(OpenWarning(path: meta.path, reason: "unreadable: \(error)"))
                    }
                }
            }
        }
        return (records, warnings)
    }
}

extension StoryRecord {
    /// Takes the article's metadata where the record has none yet (title follows the newest revision).
    mutating func apply(_ article: Article) {
        if let title = article.title, !title.isEmpty { self.title = title }
        canonical = canonical ?? article.canonical ?? article.url
        published = published ?? article.published
        author = author ?? article.author
        publisher = publisher ?? article.publisher
        language = language ?? article.language
    }

    /// Records that the story was seen at the observation's place; returns whether anything changed.
    mutating func noteSighting(of observation: Observation, keys: [String], index: any StoryIndex) -> Bool {
        var changed = false
        for key in keys where !identities.contains(key) && index.story(forIdentity: key) == nil {
            identities.append(key)
            changed = true
        }
        if let i = sightings.firstIndex(where: { $0.source == observation.sourceID && $0.url == observation.place }) {
            if observation.seenAt > sightings[i].lastSeen {
                sightings[i].lastSeen = observation.seenAt
                changed = true
            }
        } else {
            sightings.append(
                Sighting(
                    source: observation.sourceID, url: observation.place, firstSeen: observation.seenAt,
                    lastSeen: observation.seenAt))
            changed = true
        }
        return changed
    }
}
