public import Foundation
import FeedModel

/// The on-disk archive (DESIGN.md §3): one folder per story under `items/YYYY/MM/<id>/` with
/// `meta.json` and immutable revisions `<n>.txt` / `<n>.html`. The files are the truth: the
/// index is rebuilt from them on open. `meta.json` is written last, so it is the commit point
/// of every change; a crash before it leaves files that no meta.json lists, which the next
/// run overwrites.
public actor ArchiveStore {
    /// Problems found in the archive while reading its files (unreadable meta.json files);
    /// they are skipped, never deleted.
    public struct OpenWarning: Sendable, CustomStringConvertible {
        public var path: String
        public var reason: String
        public var description: String { "\(path): \(reason)" }
    }

    /// The archive is in use by another Herold process.
    public struct LockedError: Error, CustomStringConvertible {
        public var path: String
        public var description: String { "another herold process is using the archive (\(path) is locked)" }
    }

    public nonisolated let root: URL
    private let feedID: String
    private let index: any ArchiveIndex
    private let lock: ArchiveLock
    /// Whether files were written since the last checkpoint (the dirty marker exists).
    private var dirty = false
    /// Stories whose meta.json changed since the last `drainChanged()`.
    private var changed = Set<String>()
    public private(set) var warnings: [OpenWarning] = []
    /// The warnings of the rebuild done while opening (readable without awaiting the actor).
    public nonisolated let openWarnings: [OpenWarning]

    /// Opens (or creates) the archive at `root` and its index `herold.sqlite`. The index is
    /// rebuilt from the files when it is new, of another schema, or marked dirty by a run that
    /// did not finish (a crash between a story's files and its index row).
    /// - Parameter feedID: the unified feed's id; new stories' Atom ids are derived from it.
    public init(root: URL, feedID: String) throws {
        self.root = root
        self.feedID = feedID
        try FileManager.default.createDirectory(at: root.appendingPathComponent("items"), withIntermediateDirectories: true)
        lock = try ArchiveLock(root: root)
        let index = try SQLiteIndex(path: root.appendingPathComponent("herold.sqlite"))
        self.index = index
        let marker = root.appendingPathComponent(Self.dirtyMarker)
        var found: [OpenWarning] = []
        if index.createdOnOpen || FileManager.default.fileExists(atPath: marker.path) {
            found = try Self.rebuild(index, root: root)
            try? FileManager.default.removeItem(at: marker)
        }
        warnings = found
        openWarnings = found
    }

    static let dirtyMarker = ".index-dirty"

    /// Rebuilds the index from the story files alone (`herold reindex`). Returns the number of
    /// stories indexed.
    @discardableResult
    public func reindex() throws -> Int {
        warnings = try Self.rebuild(index, root: root)
        return try index.count()
    }

    static func rebuild(_ index: any ArchiveIndex, root: URL) throws -> [OpenWarning] {
        try index.removeAll()
        let (records, warnings) = readRecords(in: root)
        for record in records {
            let text = (try? String(
                contentsOf: root.appendingPathComponent(record.folder).appendingPathComponent("\(record.current.number).txt"),
                encoding: .utf8)) ?? ""
            try index.upsert(record, currentText: text)
        }
        return warnings
    }

    /// Marks the index as in step with the files (removes the dirty marker). Call at the end of
    /// every batch of ingests; a process that dies before it leaves the marker, and the next open
    /// rebuilds the index.
    public func checkpoint() throws {
        guard dirty else { return }
        try? FileManager.default.removeItem(at: root.appendingPathComponent(Self.dirtyMarker))
        AtomicFile.syncFolder(root)
        dirty = false
    }

    private func markDirty() throws {
        guard !dirty else { return }
        try AtomicFile.write("index may lag behind the files; the next open rebuilds it\n", to: root.appendingPathComponent(Self.dirtyMarker))
        dirty = true
    }

    /// The stories whose meta.json changed since the last call (what the outputs must
    /// re-render), and forgets them.
    public func drainChanged() -> Set<String> {
        defer { changed.removeAll() }
        return changed
    }

    /// The number of archived stories.
    public func count() throws -> Int {
        try index.count()
    }

    /// Every archived story.
    public func allStories() throws -> [StoryRecord] {
        try index.allRecords()
    }

    /// The `limit` most recently updated stories, newest first.
    public func newest(limit: Int) throws -> [StoryRecord] {
        try index.newest(limit: limit)
    }

    /// What the site's list of one month (`YYYY/MM`) shows of its stories, newest first.
    public func listings(inMonth month: String) throws -> [StoryListing] {
        try index.listings(inMonth: month)
    }

    /// What the site's list of the newest stories shows of the `limit` most recently updated.
    public func newestListings(limit: Int) throws -> [StoryListing] {
        try index.newestListings(limit: limit)
    }

    /// Every month that has stories, newest first.
    public func months() throws -> [(month: String, count: Int)] {
        try index.months()
    }

    /// The story an identity key leads to.
    public func story(forIdentity key: String) throws -> StoryRecord? {
        guard let id = try index.story(forIdentity: key) else { return nil }
        return try index.record(id)
    }

    /// One story by id.
    public func story(_ id: String) throws -> StoryRecord? {
        try index.record(id)
    }

    /// Full-text search over the current revisions.
    public func search(_ query: SearchQuery) throws -> [SearchHit] {
        try index.search(query)
    }

    /// Stored HTTP validators of a URL.
    public func validators(for url: URL) throws -> (etag: String?, lastModified: String?)? {
        try index.validators(for: url)
    }

    /// Stores (or, with both nil, clears) a URL's validators. Validators as stored are not
    /// written again (every poll of a source sets them; most polls change nothing).
    public func setValidators(for url: URL, etag: String?, lastModified: String?) throws {
        let stored = try index.validators(for: url)
        if stored.map({ $0.etag == etag && $0.lastModified == lastModified }) ?? (etag == nil && lastModified == nil) { return }
        try index.setValidators(for: url, etag: etag, lastModified: lastModified)
    }

    /// The sanitized HTML fragment of a revision.
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
    /// - Parameter allowRevision: false keeps the current revision of a known story when the
    ///   text changed (the caller distrusts this extraction); the sighting is still recorded.
    public func ingest(_ observation: Observation, allowRevision: Bool = true) throws -> IngestOutcome {
        let text = observation.article.text
        guard !text.normalizedForHash.isEmpty else { return .skipped(reason: "no article text") }
        let hash = contentHash(of: text)
        let keys = observation.identityKeys

        if let id = try index.story(forHash: hash), var record = try index.record(id) {
            var changed = try record.noteSighting(of: observation, keys: keys, index: index)
            if record.withdrawn != nil {
                record.withdrawn = nil  // it is back
                changed = true
            }
            if changed { try commit(record, text: nil) }
            return .known(storyID: id)
        }
        var known: StoryRecord?
        for key in keys {
            if let id = try index.story(forIdentity: key), let record = try index.record(id) {
                known = record
                break
            }
        }
        if var record = known, !allowRevision {
            if try record.noteSighting(of: observation, keys: keys, index: index) { try commit(record, text: nil) }
            return .heldBack(storyID: record.id)
        }
        if var record = known {
            let id = record.id
            let number = record.revisions.count + 1
            try writeRevision(number, of: observation, in: record.folder)
            record.revisions.append(
                Revision(
                    number: number, hash: hash, title: observation.article.title, seenAt: observation.seenAt,
                    length: text.count, simhash: Self.hex(SimHash.of(text))))
            record.updated = observation.seenAt
            record.withdrawn = nil
            record.apply(observation.article)
            _ = try record.noteSighting(of: observation, keys: keys, index: index)
            try commit(record, text: text)
            return .revised(storyID: id, revision: number)
        }

        let id = try uniqueID(for: keys.first ?? "hash:\(hash)")
        let day = observation.article.published ?? observation.seenAt
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month], from: day)
        let folder = String(format: "items/%04d/%02d/%@", parts.year ?? 1970, parts.month ?? 1, id)
        let simhash = SimHash.of(text)
        var record = StoryRecord(
            id: id, atomID: Self.atomID(feedID: feedID, storyID: id), folder: folder, identities: [],
            title: nil, canonical: nil, published: nil, updated: observation.seenAt, firstSeen: observation.seenAt,
            author: nil, publisher: nil, language: nil, origin: observation.sourceID, sightings: [],
            revisions: [
                Revision(
                    number: 1, hash: hash, title: observation.article.title, seenAt: observation.seenAt,
                    length: text.count, simhash: Self.hex(simhash))
            ])
        record.apply(observation.article)
        _ = try record.noteSighting(of: observation, keys: keys, index: index)
        let related = try relatedStories(to: simhash, origin: observation.sourceID)
        if !related.isEmpty { record.related = related }
        try writeRevision(1, of: observation, in: folder)
        try commit(record, text: text)
        for otherID in related {
            guard var other = try index.record(otherID) else { continue }
            // The newest links are kept: a story near many others (boilerplate texts) must not
            // grow its meta.json, and the rewrites of each new story, with the archive.
            other.related = Array(((other.related ?? []) + [id]).suffix(Self.maxRelated))
            try commit(other, text: nil)
        }
        return .new(storyID: id)
    }

    /// Recent stories first seen in another source whose text is within the SimHash threshold:
    /// the `maxRelated` nearest (the most recent among equally near ones).
    private func relatedStories(to simhash: UInt64, origin: String) throws -> [String] {
        guard simhash != 0 else { return [] }
        let near = try index.recentSimHashes(limit: Self.relatedWindow).enumerated().compactMap {
            (rank, candidate) -> (distance: Int, rank: Int, id: String)? in
            let distance = SimHash.distance(candidate.simhash, simhash)
            guard candidate.origin != origin, distance <= SimHash.relatedThreshold else { return nil }
            return (distance, rank, candidate.id)
        }
        return near.sorted { ($0.distance, $0.rank) < ($1.distance, $1.rank) }.prefix(Self.maxRelated).map(\.id)
    }

    /// Most related stories one story links to (its own nearest, then the newest that found it).
    public static let maxRelated = 8

    /// How many of the most recently updated stories a new story is compared with.
    static let relatedWindow = 2000

    static func hex(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }

    // MARK: Withdrawals

    /// Records what a healthy source lists right now, and marks stories withdrawn that it no
    /// longer lists although they are within its window (published at or after the oldest item
    /// it still shows: a story that merely scrolled off the end is not withdrawn). A story is
    /// withdrawn once every place it was seen has been missing for `grace`. Returns the ids of
    /// stories withdrawn now.
    /// - Parameters:
    ///   - places: the URLs of the items the source lists now.
    ///   - windowStart: the publication date of the oldest item listed; nil when unknown (then
    ///     nothing is marked missing).
    @discardableResult
    public func noteListing(
        source: String, places: Set<URL>, windowStart: Date?, now: Date, grace: TimeInterval
    ) throws -> [String] {
        let listed = Set(places.map(\.absoluteString))
        // The index rows answer which stories this listing can change; only those records are
        // read (a source's history grows with every poll, its changes do not).
        let rows = Dictionary(grouping: try index.sightings(in: source), by: \.story)
        var withdrawn: [String] = []
        for (id, sightings) in rows.sorted(by: { $0.key < $1.key })
        where Self.listingMayChange(sightings, listed: listed, windowStart: windowStart, now: now, grace: grace) {
            guard var record = try index.record(id) else { continue }
            let outcome = Self.applyListing(
                to: &record, source: source, listed: listed, windowStart: windowStart, now: now, grace: grace)
            if outcome.withdrawn { withdrawn.append(id) }
            if outcome.changed { try commit(record, text: nil) }
        }
        return withdrawn
    }

    /// Whether a listing can change a story, judged from its sightings in the listed source:
    /// a sighting listed again that was missing, a sighting within the window that is not
    /// listed, or (for a story not yet withdrawn) every sighting in this source missing past
    /// the grace period, so the story may be gone from all its sources. Never false where
    /// `applyListing` would change the record.
    static func listingMayChange(
        _ sightings: [ListedSighting], listed: Set<String>, windowStart: Date?, now: Date, grace: TimeInterval
    ) -> Bool {
        var allMissingPastGrace = true
        for sighting in sightings {
            if listed.contains(sighting.url) {
                if sighting.missingSince != nil { return true }  // back: clear the mark
                allMissingPastGrace = false
            } else if let since = sighting.missingSince {
                if now.timeIntervalSince(since) < grace { allMissingPastGrace = false }
            } else {
                if let windowStart, sighting.listingDate >= windowStart { return true }  // newly missing
                allMissingPastGrace = false  // scrolled off the end: never missing
            }
        }
        // Unchanged places; the story may still be withdrawn now if its grace ran out everywhere.
        return allMissingPastGrace && !(sightings.first?.withdrawn ?? true)
    }

    /// Applies one listing of `source` to a story: marks its places in that source listed or
    /// missing, and withdraws the story once every place it was seen has been missing for
    /// `grace`.
    static func applyListing(
        to record: inout StoryRecord, source: String, listed: Set<String>, windowStart: Date?, now: Date,
        grace: TimeInterval
    ) -> (changed: Bool, withdrawn: Bool) {
        var changed = false
        for i in record.sightings.indices where record.sightings[i].source == source {
            if listed.contains(record.sightings[i].url.absoluteString) {
                if record.sightings[i].missingSince != nil {
                    record.sightings[i].missingSince = nil
                    changed = true
                }
            } else if record.sightings[i].missingSince == nil, let windowStart, record.listingDate >= windowStart {
                record.sightings[i].missingSince = now
                changed = true
            }
        }
        guard record.withdrawn == nil,
            record.sightings.allSatisfy({ $0.missingSince.map { now.timeIntervalSince($0) >= grace } ?? false })
        else { return (changed, false) }
        record.withdrawn = now
        record.updated = now
        return (true, true)
    }

    // MARK: Writing

    /// Writes meta.json (the commit point), then the index row. `text` is the current
    /// revision's text when it changed (nil: read it back for the search index).
    private func commit(_ record: StoryRecord, text: String?) throws {
        try markDirty()
        let folder = root.appendingPathComponent(record.folder)
        // meta.json last; its folder sync also makes the revision files' renames durable.
        try AtomicFile.write(Self.encoder.encode(record), to: folder.appendingPathComponent("meta.json"))
        let current = try text ?? String(contentsOf: folder.appendingPathComponent("\(record.current.number).txt"), encoding: .utf8)
        try index.upsert(record, currentText: current)
        changed.insert(record.id)
    }

    private func writeRevision(_ number: Int, of observation: Observation, in folder: String) throws {
        try markDirty()
        let directory = root.appendingPathComponent(folder)
        let article = observation.article
        try AtomicFile.write(article.text + "\n", to: directory.appendingPathComponent("\(number).txt"), syncFolder: false)
        try AtomicFile.write(
            article.html, to: directory.appendingPathComponent("\(number).fragment.html"), syncFolder: false)
        try AtomicFile.write(
            StandalonePage.render(article: article, revision: number),
            to: directory.appendingPathComponent("\(number).html"), syncFolder: false)
    }

    private func uniqueID(for key: String) throws -> String {
        var id = shortID(for: key)
        var salt = 1
        while try index.record(id) != nil {
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
                    let folder = monthURL.appendingPathComponent(id)
                    // Temporary files of writes a crash interrupted: never part of the archive.
                    for name in (try? fm.contentsOfDirectory(atPath: folder.path)) ?? [] where AtomicFile.isTemporary(name) {
                        try? fm.removeItem(at: folder.appendingPathComponent(name))
                    }
                    let meta = folder.appendingPathComponent("meta.json")
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
    /// `Sighting.lastSeen` is advanced only when it is at least this much older (seconds).
    static let lastSeenPrecision: TimeInterval = 3600

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
    mutating func noteSighting(of observation: Observation, keys: [String], index: any ArchiveIndex) throws -> Bool {
        var changed = false
        for key in keys where try !identities.contains(key) && index.story(forIdentity: key) == nil {
            identities.append(key)
            changed = true
        }
        if let i = sightings.firstIndex(where: { $0.source == observation.sourceID && $0.url == observation.place }) {
            // Hourly precision: a story listed on every poll does not rewrite its meta.json each time.
            if observation.seenAt.timeIntervalSince(sightings[i].lastSeen) >= Self.lastSeenPrecision {
                sightings[i].lastSeen = observation.seenAt
                changed = true
            }
            if sightings[i].missingSince != nil {
                sightings[i].missingSince = nil
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
