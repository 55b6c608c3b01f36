public import Foundation
internal import GRDB

/// The embedded archive index: SQLite in WAL mode (GRDB `DatabasePool`), with an FTS5 table
/// whose `unicode61 remove_diacritics 2` tokenizer folds German diacritics ("kase" finds "Käse").
public final class SQLiteIndex: ArchiveIndex {
    /// Bumped whenever the schema changes; an index of another version is rebuilt from the files.
    static let schemaVersion = 6

    private let pool: DatabasePool

    /// Opens or creates the index at `path`.
    public init(path: URL) throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        pool = try DatabasePool(path: path.path, configuration: configuration)
        createdOnOpen = try Self.migrate(pool)
    }

    /// Whether the tables were (re)created on open: the index is empty and must be rebuilt from
    /// the files.
    public let createdOnOpen: Bool

    private static func migrate(_ pool: DatabasePool) throws -> Bool {
        try pool.write { db in
            let tables = try Bool.fetchOne(db, sql: "SELECT 1 FROM sqlite_master WHERE name = 'meta'") ?? false
            let version = tables ? try Int.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'schema'") : nil
            if version == Self.schemaVersion { return false }
            // Another schema (or none): the index is derived data, so start it afresh.
            for name in ["meta", "stories", "hashes", "identities", "sightings", "story_fts", "validators"] {
                try db.execute(sql: "DROP TABLE IF EXISTS \(name)")
            }
            try db.execute(
                sql: """
                    CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
                    CREATE TABLE IF NOT EXISTS stories (
                        row INTEGER PRIMARY KEY,
                        id TEXT NOT NULL UNIQUE,
                        updated REAL NOT NULL,
                        origin TEXT NOT NULL,
                        month TEXT NOT NULL,
                        simhash INTEGER,
                        listing_date REAL NOT NULL,
                        withdrawn INTEGER NOT NULL,
                        record BLOB NOT NULL
                    );
                    CREATE INDEX IF NOT EXISTS stories_updated ON stories(updated DESC, id DESC);
                    CREATE INDEX IF NOT EXISTS stories_month ON stories(month, updated DESC);
                    CREATE TABLE IF NOT EXISTS hashes (hash TEXT PRIMARY KEY, story TEXT NOT NULL);
                    CREATE TABLE IF NOT EXISTS identities (key TEXT PRIMARY KEY, story TEXT NOT NULL);
                    CREATE TABLE IF NOT EXISTS sightings (
                        story TEXT NOT NULL, source TEXT NOT NULL, url TEXT NOT NULL,
                        first_seen REAL NOT NULL, last_seen REAL NOT NULL, missing_since REAL,
                        PRIMARY KEY (story, source, url)
                    );
                    CREATE INDEX IF NOT EXISTS sightings_source ON sightings(source, story);
                    CREATE VIRTUAL TABLE IF NOT EXISTS story_fts USING fts5(
                        story UNINDEXED, title, body, tokenize = 'unicode61 remove_diacritics 2'
                    );
                    CREATE TABLE IF NOT EXISTS validators (
                        url TEXT PRIMARY KEY, etag TEXT, last_modified TEXT, stored REAL NOT NULL
                    );
                    """)
            try db.execute(sql: "INSERT INTO meta (key, value) VALUES ('schema', ?)", arguments: [Self.schemaVersion])
            return true
        }
    }

    /// Stories per source and in all, read from an index file without opening the archive (so
    /// `herold status` works while the daemon holds the archive's lock). Nil when there is no index.
    public static func storyCounts(at path: URL) throws -> (total: Int, bySource: [String: Int])? {
        guard FileManager.default.fileExists(atPath: path.path) else { return nil }
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(5)
        let queue = try DatabaseQueue(path: path.path, configuration: configuration)
        return try queue.read { db in
            let total = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM stories") ?? 0
            var bySource: [String: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT source, COUNT(DISTINCT story) AS n FROM sightings GROUP BY source") {
                bySource[row["source"]] = row["n"]
            }
            return (total, bySource)
        }
    }

    public func story(forHash hash: String) throws -> String? {
        try pool.read { try String.fetchOne($0, sql: "SELECT story FROM hashes WHERE hash = ?", arguments: [hash]) }
    }

    public func story(forIdentity key: String) throws -> String? {
        try pool.read { try String.fetchOne($0, sql: "SELECT story FROM identities WHERE key = ?", arguments: [key]) }
    }

    public func record(_ id: String) throws -> StoryRecord? {
        let data = try pool.read { try Data.fetchOne($0, sql: "SELECT record FROM stories WHERE id = ?", arguments: [id]) }
        return try data.map { try ArchiveStore.decoder.decode(StoryRecord.self, from: $0) }
    }

    public func upsert(_ record: StoryRecord, currentText: String) throws {
        let data = try ArchiveStore.encoder.encode(record)
        try pool.write { db in
            let existed = try Bool.fetchOne(db, sql: "SELECT 1 FROM stories WHERE id = ?", arguments: [record.id]) ?? false
            // An upsert keeps the story's rowid, which is also its row in story_fts (so replacing
            // the text is a lookup by rowid, not a scan of the whole full-text table).
            try db.execute(
                sql: """
                    INSERT INTO stories (id, updated, origin, month, simhash, listing_date, withdrawn, record)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT(id) DO UPDATE SET updated = excluded.updated, origin = excluded.origin,
                        month = excluded.month, simhash = excluded.simhash, listing_date = excluded.listing_date,
                        withdrawn = excluded.withdrawn, record = excluded.record
                    """,
                arguments: [
                    record.id, record.updated.timeIntervalSince1970, record.origin, record.month,
                    record.current.simhashValue.map { Int64(bitPattern: $0) },
                    record.listingDate.timeIntervalSince1970, record.withdrawn != nil, data,
                ])
            for revision in record.revisions {
                try db.execute(
                    sql: "INSERT OR IGNORE INTO hashes (hash, story) VALUES (?, ?)", arguments: [revision.hash, record.id])
            }
            for key in record.identities {
                try db.execute(
                    sql: "INSERT OR IGNORE INTO identities (key, story) VALUES (?, ?)", arguments: [key, record.id])
            }
            for sighting in record.sightings {
                try db.execute(
                    sql: """
                        INSERT OR REPLACE INTO sightings (story, source, url, first_seen, last_seen, missing_since)
                        VALUES (?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        record.id, sighting.source, sighting.url.absoluteString,
                        sighting.firstSeen.timeIntervalSince1970, sighting.lastSeen.timeIntervalSince1970,
                        sighting.missingSince?.timeIntervalSince1970,
                    ])
            }
            let rowid = try Int64.fetchOne(db, sql: "SELECT rowid FROM stories WHERE id = ?", arguments: [record.id]) ?? 0
            if existed {
                try db.execute(sql: "DELETE FROM story_fts WHERE rowid = ?", arguments: [rowid])
            }
            try db.execute(
                sql: "INSERT INTO story_fts (rowid, story, title, body) VALUES (?, ?, ?, ?)",
                arguments: [rowid, record.id, record.title ?? "", currentText])
        }
    }

    public func newest(limit: Int) throws -> [StoryRecord] {
        let rows = try pool.read {
            try Data.fetchAll($0, sql: "SELECT record FROM stories ORDER BY updated DESC, id DESC LIMIT ?", arguments: [limit])
        }
        return try rows.map { try ArchiveStore.decoder.decode(StoryRecord.self, from: $0) }
    }

    public func allRecords() throws -> [StoryRecord] {
        let rows = try pool.read { try Data.fetchAll($0, sql: "SELECT record FROM stories ORDER BY id") }
        return try rows.map { try ArchiveStore.decoder.decode(StoryRecord.self, from: $0) }
    }

    public func recentSimHashes(limit: Int) throws -> [(id: String, origin: String, simhash: UInt64)] {
        try pool.read { db in
            try Row.fetchAll(
                db,
                sql: "SELECT id, origin, simhash FROM stories WHERE simhash IS NOT NULL ORDER BY updated DESC LIMIT ?",
                arguments: [limit]
            ).map { row in
                let value: Int64 = row["simhash"]
                return (row["id"], row["origin"], UInt64(bitPattern: value))
            }
        }
    }

    public func listings(inMonth month: String) throws -> [StoryListing] {
        try listings(filter: "WHERE month = ?", limit: nil, arguments: [month])
    }

    public func newestListings(limit: Int) throws -> [StoryListing] {
        try listings(filter: "", limit: limit, arguments: [limit])
    }

    /// Listings of the stories `filter` (empty or a WHERE clause) picks, newest first, at most
    /// `limit`. The title, folder and number of revisions are read from the stored record by
    /// SQLite's JSON functions and the sources from the sightings table, so a month of thousands
    /// of stories is listed without decoding a single `StoryRecord` (the month page decoded
    /// every record of its month on each render before).
    private func listings(filter: String, limit: Int?, arguments: StatementArguments) throws -> [StoryListing] {
        let picked = "SELECT id FROM stories \(filter) ORDER BY updated DESC, id DESC\(limit == nil ? "" : " LIMIT ?")"
        return try pool.read { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT id, listing_date, withdrawn, json_extract(j, '$.folder') AS folder,
                        json_extract(j, '$.title') AS title, json_array_length(j, '$.revisions') AS revisions
                    FROM (SELECT id, updated, listing_date, withdrawn, CAST(record AS TEXT) AS j FROM stories
                        WHERE id IN (\(picked)))
                    ORDER BY updated DESC, id DESC
                    """,
                arguments: arguments)
            var sources: [String: [String]] = [:]
            let sightings = try Row.fetchAll(
                db, sql: "SELECT DISTINCT story, source FROM sightings WHERE story IN (\(picked)) ORDER BY story, source",
                arguments: arguments)
            for row in sightings {
                sources[row["story"], default: []].append(row["source"])
            }
            return rows.map { row in
                let id: String = row["id"]
                let listingDate: Double = row["listing_date"]
                return StoryListing(
                    id: id, folder: row["folder"], title: row["title"],
                    listingDate: Date(timeIntervalSince1970: listingDate), sources: sources[id] ?? [],
                    revisionCount: row["revisions"], withdrawn: row["withdrawn"])
            }
        }
    }

    public func months() throws -> [(month: String, count: Int)] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT month, COUNT(*) AS n FROM stories GROUP BY month ORDER BY month DESC").map {
                ($0["month"], $0["n"])
            }
        }
    }

    public func sightings(in source: String) throws -> [ListedSighting] {
        try pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT sightings.story, sightings.url, sightings.missing_since, stories.listing_date, stories.withdrawn
                    FROM sightings JOIN stories ON stories.id = sightings.story
                    WHERE sightings.source = ?
                    """,
                arguments: [source]
            ).map { row in
                let url: String = row["url"]
                let missing: Double? = row["missing_since"]
                let listingDate: Double = row["listing_date"]
                return ListedSighting(
                    story: row["story"], url: url, missingSince: missing.map(Date.init(timeIntervalSince1970:)),
                    listingDate: Date(timeIntervalSince1970: listingDate), withdrawn: row["withdrawn"])
            }
        }
    }

    public func count() throws -> Int {
        try pool.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM stories") ?? 0 }
    }

    /// How many matching stories a search ranks at most: the most recently archived ones.
    /// Ranking (bm25) costs time per match, so a word found in nearly every story of a large
    /// archive would otherwise cost hundreds of milliseconds; narrowing the query (more words,
    /// `--since`, `--source`) reaches further back.
    public static let rankWindow = 5000

    public func search(_ query: SearchQuery) throws -> [SearchHit] {
        // Every word is one quoted FTS5 string (so no word is read as an operator), or its German
        // spellings as alternatives; all words must match.
        let terms = query.words.flatMap { $0.split(whereSeparator: \.isWhitespace) }.map { word in
            let quoted = Self.germanSpellings(of: String(word)).map { "\"" + $0.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
            return quoted.count == 1 ? quoted[0] : "(" + quoted.joined(separator: " OR ") + ")"
        }
        guard !terms.isEmpty, query.limit > 0 else { return [] }
        let match = terms.joined(separator: " AND ")
        // 1. The newest `rankWindow` matches that pass the filters (FTS5 yields matches in rowid
        //    order, and a story's rowid is its row in `stories`, in the order stories were
        //    archived), ranked by bm25 (title weighted 5, body 1); the best `limit` of them.
        var filter = ""
        var arguments: StatementArguments = [match]
        if let since = query.since {
            filter += " AND stories.updated >= ?"
            arguments += [since.timeIntervalSince1970]
        }
        if let source = query.source {
            filter += " AND stories.id IN (SELECT story FROM sightings WHERE source = ?)"
            arguments += [source]
        }
        arguments += [Self.rankWindow, query.limit]
        let ranking = """
            SELECT rowid, score FROM (
                SELECT matches.rowid AS rowid, matches.score AS score FROM (
                    SELECT rowid, bm25(story_fts, 5.0, 1.0) AS score FROM story_fts
                    WHERE story_fts MATCH ? ORDER BY rowid DESC
                ) AS matches JOIN stories ON stories.rowid = matches.rowid
                WHERE 1\(filter)
                LIMIT ?
            ) ORDER BY score LIMIT ?
            """
        let rankingArguments = arguments
        return try pool.read { db in
            let ranked = try Row.fetchAll(db, sql: ranking, arguments: rankingArguments).map {
                (rowid: $0["rowid"] as Int64, score: $0["score"] as Double)
            }
            guard !ranked.isEmpty else { return [] }
            // 2. Titles, dates and snippets for those few only (a snippet is the costly part).
            let marks = Array(repeating: "?", count: ranked.count).joined(separator: ", ")
            var details: StatementArguments = [match]
            for hit in ranked { details += [hit.rowid] }
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT story_fts.rowid AS rowid, stories.id AS story, stories.updated AS updated,
                           story_fts.title AS title, snippet(story_fts, 2, '«', '»', '…', 16) AS snippet
                    FROM story_fts JOIN stories ON stories.rowid = story_fts.rowid
                    WHERE story_fts MATCH ? AND story_fts.rowid IN (\(marks))
                    """,
                arguments: details)
            let byRow = Dictionary(rows.map { ($0["rowid"] as Int64, $0) }, uniquingKeysWith: { a, _ in a })
            return ranked.compactMap { hit in
                guard let row = byRow[hit.rowid] else { return nil }
                let title: String = row["title"]
                return SearchHit(
                    storyID: row["story"], title: title.isEmpty ? nil : title, snippet: row["snippet"],
                    rank: hit.score, updated: Date(timeIntervalSince1970: row["updated"]))
            }
        }
    }

    /// A search word and the other ways German writes it: "ae", "oe", "ue" for "ä", "ö", "ü"
    /// (the index folds those to "a", "o", "u", so "foerderprogramm" must also look for
    /// "forderprogramm") and "ss" for "ß" in both directions — the normalization Lucene's
    /// German filter applies. As in Lucene, "ue" after a vowel or "q" stays ("neue", "Quelle").
    static func germanSpellings(of word: String) -> [String] {
        var folded = ""
        var previous: Character?
        var iterator = word.makeIterator()
        var pending = iterator.next()
        while let character = pending {
            let next = iterator.next()
            let lower = Character(character.lowercased())
            if let following = next, following == "e" || following == "E",
                lower == "a" || lower == "o" || (lower == "u" && !(previous.map { "aeiouäöüq".contains($0.lowercased()) } ?? false))
            {
                folded.append(character)  // "ae" → "a": the "e" is dropped
                previous = lower
                pending = iterator.next()
                continue
            }
            folded.append(character == "ß" ? "ss" : String(character))
            previous = lower
            pending = next
        }
        var spellings = [word]
        for candidate in [folded, word.replacingOccurrences(of: "ss", with: "ß")] where !spellings.contains(candidate) {
            spellings.append(candidate)
        }
        return spellings
    }

    public func removeAll() throws {
        try pool.write { db in
            try db.execute(
                sql: "DELETE FROM stories; DELETE FROM hashes; DELETE FROM identities; DELETE FROM sightings; DELETE FROM story_fts;")
        }
    }

    public func validators(for url: URL) throws -> (etag: String?, lastModified: String?)? {
        try pool.read { db in
            guard let row = try Row.fetchOne(
                db, sql: "SELECT etag, last_modified FROM validators WHERE url = ?", arguments: [url.absoluteString])
            else { return nil }
            return (row["etag"], row["last_modified"])
        }
    }

    public func setValidators(for url: URL, etag: String?, lastModified: String?) throws {
        try pool.write { db in
            if etag == nil && lastModified == nil {
                try db.execute(sql: "DELETE FROM validators WHERE url = ?", arguments: [url.absoluteString])
            } else {
                try db.execute(
                    sql: "INSERT OR REPLACE INTO validators (url, etag, last_modified, stored) VALUES (?, ?, ?, ?)",
                    arguments: [url.absoluteString, etag, lastModified, Date().timeIntervalSince1970])
            }
        }
    }
}
