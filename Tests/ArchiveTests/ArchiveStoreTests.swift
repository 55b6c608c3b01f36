@testable import Archive
import FeedModel
import Foundation
import GRDB
import Testing

@Suite("Archive")
struct ArchiveStoreTests {
    let root: URL

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("herold-archive-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    }

    func open() throws -> ArchiveStore {
        try ArchiveStore(root: root, feedID: "tag:example.org,2026:test")
    }

    func observation(
        _ text: String, source: String = "a", place: String = "https://example.org/news/1", guid: String? = nil,
        title: String = "Title", at seconds: TimeInterval = 0
    ) -> Observation {
        Observation(
            sourceID: source, place: URL(string: place)!, guid: guid,
            article: Article(
                url: URL(string: place), canonical: URL(string: place), title: title,
                published: Date(timeIntervalSince1970: 1_568_115_000), text: text, html: "<p>\(text)</p>"),
            seenAt: Date(timeIntervalSince1970: 1_700_000_000 + seconds))
    }

    func files(in folder: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent(folder).path).sorted()
    }

    @Test("a new text makes a story with meta.json and revision 1 in items/YYYY/MM/<id>")
    func newStory() async throws {
        let store = try open()
        let outcome = try await store.ingest(observation("Erster Absatz.\n\nZweiter Absatz."))
        guard case .new(let id) = outcome else {
            Issue.record("expected a new story, got \(outcome)")
            return
        }
        let record = try #require(try await store.story(id))
        #expect(record.folder == "items/2019/09/\(id)")
        #expect(try files(in: record.folder) == ["1.fragment.html", "1.html", "1.txt", "meta.json"])
        #expect(record.revisions.map(\.number) == [1])
        #expect(record.sightings.count == 1)
        #expect(record.atomID == "tag:example.org,2026:test:story:\(id)")
        let text = try String(contentsOf: root.appendingPathComponent(record.folder).appendingPathComponent("1.txt"), encoding: .utf8)
        #expect(text == "Erster Absatz.\n\nZweiter Absatz.\n")
    }

    @Test("the same text from another source is one story with two places")
    func duplicateAcrossSources() async throws {
        let store = try open()
        let first = try await store.ingest(observation("Gleicher Text.", source: "page", place: "https://example.org/a"))
        let second = try await store.ingest(
            observation("Gleicher  Text.\u{00AD}", source: "feed", place: "https://example.org/b", guid: "news-1", at: 60))
        guard case .new(let id) = first, case .known(let again) = second else {
            Issue.record("expected new then known, got \(first), \(second)")
            return
        }
        #expect(id == again)
        let record = try #require(try await store.story(id))
        #expect(Set(record.sightings.map(\.source)) == ["page", "feed"])
        #expect(record.revisions.count == 1)
        #expect(record.identities.contains("guid:feed:news-1"))
        #expect(try await store.count() == 1)
    }

    @Test("an edited body under the same identity is revision 2 with the same id; whitespace is not an edit")
    func revisions() async throws {
        let store = try open()
        guard case .new(let id) = try await store.ingest(observation("Der Text.", guid: "g1")) else {
            Issue.record("expected a new story")
            return
        }
        let whitespace = try await store.ingest(observation("  Der \n Text. ", guid: "g1", at: 10))
        #expect(whitespace == .known(storyID: id))
        let edited = try await store.ingest(observation("Der Text, berichtigt.", guid: "g1", title: "Neu", at: 20))
        #expect(edited == .revised(storyID: id, revision: 2))
        let record = try #require(try await store.story(id))
        #expect(record.revisions.map(\.number) == [1, 2])
        #expect(record.title == "Neu")
        #expect(record.updated == Date(timeIntervalSince1970: 1_700_000_020))
        #expect(try files(in: record.folder).contains("2.txt"))
        // Revision 1 is untouched.
        let first = try String(contentsOf: root.appendingPathComponent(record.folder).appendingPathComponent("1.txt"), encoding: .utf8)
        #expect(first == "Der Text.\n")
    }

    @Test("a new revision replaces the story's searchable text, and only its own")
    func searchFollowsRevisions() async throws {
        let store = try open()
        guard case .new(let id) = try await store.ingest(observation("Die Brückensanierung beginnt im Mai.", guid: "g1")),
            case .new(let other) = try await store.ingest(
                observation("Die Brückensanierung in Jena ist abgeschlossen.", source: "b", place: "https://example.org/news/2", guid: "g2"))
        else {
            Issue.record("expected two new stories")
            return
        }
        let edited = try await store.ingest(observation("Die Straßensanierung beginnt im Juni.", guid: "g1", at: 20))
        #expect(edited == .revised(storyID: id, revision: 2))
        #expect(try await store.search(SearchQuery(words: ["Brückensanierung"])).map(\.storyID) == [other])
        #expect(try await store.search(SearchQuery(words: ["Straßensanierung", "Juni"])).map(\.storyID) == [id])
        #expect(try await store.search(SearchQuery(words: ["Mai"])).isEmpty, "the old revision's text is gone from the index")
        #expect(try await store.search(SearchQuery(words: ["Jena"])).map(\.storyID) == [other])
        // Seen once more (a rewrite of meta.json without a new text) keeps one searchable row.
        _ = try await store.ingest(observation("Die Straßensanierung beginnt im Juni.", source: "c", place: "https://example.org/c/1", at: 30))
        #expect(try await store.search(SearchQuery(words: ["Juni"])).map(\.storyID) == [id])
    }

    @Test("each story's full-text row is its declared stories row, so a VACUUM keeps search answers")
    func fullTextRowSurvivesVacuum() async throws {
        var ids: [String] = []
        do {
            let store = try open()
            for (n, text) in ["Hochwasserschutz an der Saale.", "Neue Radwege in Erfurt.", "Förderung für Hochschulen."].enumerated() {
                guard case .new(let id) = try await store.ingest(
                    observation(text, source: "s\(n)", place: "https://example.org/v/\(n)", guid: "v\(n)", at: Double(n)))
                else {
                    Issue.record("expected a new story for \(text)")
                    return
                }
                ids.append(id)
            }
            _ = try await store.ingest(observation("Neue Radwege in Weimar.", source: "s1", place: "https://example.org/v/1", guid: "v1", at: 10))
        }
        let database = try DatabaseQueue(path: root.appendingPathComponent("herold.sqlite").path)
        try await database.writeWithoutTransaction { db in
            let key = try Row.fetchOne(db, sql: "SELECT type, pk FROM pragma_table_info('stories') WHERE name = 'row'")
            #expect(key?["type"] as String? == "INTEGER")
            #expect(key?["pk"] as Int? == 1, "an INTEGER PRIMARY KEY is the rowid, which VACUUM must keep")
            try db.execute(sql: "VACUUM")
            let mismatched = try Int.fetchOne(
                db, sql: "SELECT count(*) FROM story_fts LEFT JOIN stories ON stories.rowid = story_fts.rowid WHERE stories.id IS NOT story_fts.story")
            #expect(mismatched == 0)
            #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM story_fts") == 3)
        }
        try database.close()
        let store = try open()
        #expect(try await store.search(SearchQuery(words: ["Saale"])).map(\.storyID) == [ids[0]])
        #expect(try await store.search(SearchQuery(words: ["Weimar"])).map(\.storyID) == [ids[1]])
        #expect(try await store.search(SearchQuery(words: ["Erfurt"])).isEmpty, "the revised story's old text stays gone")
        #expect(try await store.search(SearchQuery(words: ["Hochschulen"])).map(\.storyID) == [ids[2]])
    }

    @Test("reopening the archive restores dedup from the files alone")
    func reopen() async throws {
        do {
            let store = try open()
            _ = try await store.ingest(observation("Persistenter Text."))
        }
        let again = try open()
        let outcome = try await again.ingest(observation("Persistenter Text.", source: "b", place: "https://example.org/x"))
        guard case .known = outcome else {
            Issue.record("expected the reopened archive to know the text, got \(outcome)")
            return
        }
        #expect(try await again.count() == 1)
    }

    @Test("an empty text is skipped, not archived")
    func emptyText() async throws {
        let store = try open()
        #expect(try await store.ingest(observation(" \n ")) == .skipped(reason: "no article text"))
        #expect(try await store.count() == 0)
    }

    @Test("a story folder without meta.json (an interrupted write) is ignored; a broken meta.json is reported, not deleted")
    func interruptedWrite() async throws {
        let orphan = root.appendingPathComponent("items/2019/09/deadbeefdeadbeef")
        try FileManager.default.createDirectory(at: orphan, withIntermediateDirectories: true)
        try "half".write(to: orphan.appendingPathComponent("1.txt"), atomically: false, encoding: .utf8)
        let broken = root.appendingPathComponent("items/2019/09/0123456789abcdef")
        try FileManager.default.createDirectory(at: broken, withIntermediateDirectories: true)
        try "{not json".write(to: broken.appendingPathComponent("meta.json"), atomically: false, encoding: .utf8)
        let store = try open()
        #expect(await store.warnings.count == 1)
        #expect(await store.warnings.first?.path.hasSuffix("0123456789abcdef/meta.json") == true)
        #expect(try await store.count() == 0)
        #expect(FileManager.default.fileExists(atPath: broken.appendingPathComponent("meta.json").path))
    }

    @Test("a second process cannot open the same archive")
    func exclusiveLock() throws {
        let first = try open()
        #expect(throws: ArchiveStore.LockedError.self) { try open() }
        withExtendedLifetime(first) {}
    }

    @Test("reindex rebuilds the index from the files alone with the same answers")
    func reindex() async throws {
        let store = try open()
        _ = try await store.ingest(observation("Die Grundsteuerreform betrifft alle Kommunen in Thüringen.", guid: "g1"))
        _ = try await store.ingest(
            observation("Das E-Rechnungsportal nimmt Rechnungen elektronisch an.", place: "https://example.org/news/2"))
        _ = try await store.ingest(
            observation("Die Grundsteuerreform betrifft alle Kommunen in Thüringen, sagt das Ministerium.", guid: "g1", at: 5))
        try await store.checkpoint()
        let before = try await store.allStories()
        let hitsBefore = try await store.search(SearchQuery(words: ["Grundsteuerreform"]))
        // Throw the index away entirely: the files alone must give the same answers.
        try FileManager.default.removeItem(at: root.appendingPathComponent("herold.sqlite"))
        try? FileManager.default.removeItem(at: root.appendingPathComponent("herold.sqlite-wal"))
        try? FileManager.default.removeItem(at: root.appendingPathComponent("herold.sqlite-shm"))
        _ = consume store
        let rebuilt = try open()
        #expect(try await rebuilt.allStories() == before)
        #expect(try await rebuilt.search(SearchQuery(words: ["Grundsteuerreform"])).map(\.storyID) == hitsBefore.map(\.storyID))
        #expect(try await rebuilt.reindex() == 2)
        #expect(try await rebuilt.allStories() == before)
    }

    @Test("the site's story lists read from the index show what each story's record says")
    func listingsAgreeWithRecords() async throws {
        let store = try open()
        // Two sources, one of them at two places, and a title that needs escaping.
        _ = try await store.ingest(
            observation("Gleicher Text.", source: "page", place: "https://example.org/a", title: "Grüße \"aus\" <Erfurt> & mehr"))
        _ = try await store.ingest(observation("Gleicher Text.", source: "feed", place: "https://example.org/b", at: 10))
        _ = try await store.ingest(observation("Gleicher Text.", source: "feed", place: "https://example.org/c", at: 20))
        // Two revisions.
        _ = try await store.ingest(observation("Erste Fassung.", place: "https://example.org/r", guid: "r", at: 30))
        _ = try await store.ingest(observation("Zweite Fassung.", place: "https://example.org/r", guid: "r", at: 40))
        // No title.
        _ = try await store.ingest(
            Observation(
                sourceID: "a", place: URL(string: "https://example.org/untitled")!,
                article: Article(
                    url: URL(string: "https://example.org/untitled"), title: nil,
                    published: Date(timeIntervalSince1970: 1_568_115_000), text: "Ohne Titel.", html: "<p>Ohne Titel.</p>"),
                seenAt: Date(timeIntervalSince1970: 1_700_000_050)))
        // Withdrawn: its only source stops listing it within its window.
        _ = try await store.ingest(observation("Bald weg.", source: "w", place: "https://example.org/gone", at: 60))
        for minutes in [1.0, 2.0] {
            try await store.noteListing(
                source: "w", places: [], windowStart: Date(timeIntervalSince1970: 1_500_000_000),
                now: Date(timeIntervalSince1970: 1_700_000_060 + minutes * 60), grace: 30)
        }
        // Another month.
        _ = try await store.ingest(
            Observation(
                sourceID: "a", place: URL(string: "https://example.org/later")!,
                article: Article(
                    url: URL(string: "https://example.org/later"), title: "Später",
                    published: Date(timeIntervalSince1970: 1_600_000_000), text: "Ein Jahr später.", html: "<p>Ein Jahr später.</p>"),
                seenAt: Date(timeIntervalSince1970: 1_700_000_070)))
        try await store.checkpoint()

        let all = try await store.allStories().sorted { ($0.updated, $0.id) > ($1.updated, $1.id) }
        let september = all.filter { $0.month == "2019/09" }
        #expect(september.count == 4)
        let listed = try await store.listings(inMonth: "2019/09")
        #expect(listed == september.map(StoryListing.init))
        #expect(try await store.newestListings(limit: 3) == all.prefix(3).map(StoryListing.init))
        #expect(try await store.listings(inMonth: "2031/01") == [])

        // And what the lists must show, spelled out.
        let shared = try #require(listed.first { $0.title?.hasPrefix("Grüße") == true })
        #expect(shared.title == "Grüße \"aus\" <Erfurt> & mehr")
        #expect(shared.sources == ["feed", "page"])
        #expect(shared.revisionCount == 1)
        #expect(listed.filter { $0.revisionCount == 2 }.count == 1)
        #expect(listed.filter { $0.title == nil }.count == 1)
        #expect(listed.filter(\.withdrawn).map(\.sources) == [["w"]])
        #expect(listed.allSatisfy { $0.folder == "items/2019/09/\($0.id)" && $0.listingDate == Date(timeIntervalSince1970: 1_568_115_000) })
    }

    @Test("search folds diacritics, ranks, filters by source and date, and shows a snippet")
    func search() async throws {
        let store = try open()
        _ = try await store.ingest(observation("Der Käse aus Thüringen wird exportiert.", source: "s1", place: "https://example.org/1"))
        _ = try await store.ingest(
            observation("Thüringer Finanzämter öffnen donnerstags länger.", source: "s2", place: "https://example.org/2", at: 100))
        let folded = try await store.search(SearchQuery(words: ["kase"]))
        #expect(folded.count == 1)
        #expect(folded.first?.snippet.contains("«Käse»") == true)
        #expect(try await store.search(SearchQuery(words: ["thuringen"])).count == 1, "whole words: Thüringer is another word")
        #expect(try await store.search(SearchQuery(words: ["donnerstags", "finanzämter"])).count == 1)
        #expect(try await store.search(SearchQuery(words: ["donnerstags", "käse"])).isEmpty, "all words must match")
        #expect(try await store.search(SearchQuery(words: ["thüringen"], source: "s2")).isEmpty)
        #expect(try await store.search(SearchQuery(words: ["käse"], source: "s1")).count == 1)
        let late = Date(timeIntervalSince1970: 1_700_000_050)
        #expect(try await store.search(SearchQuery(words: ["käse"], since: late)).isEmpty)
        #expect(try await store.search(SearchQuery(words: ["\"OR", "NEAR("])).isEmpty, "operators are words, not syntax")
    }

    @Test("search finds German words however the umlauts and ß are typed")
    func germanSpellings() async throws {
        let store = try open()
        _ = try await store.ingest(observation("Das Förderprogramm für die Hauptstraße beginnt.", source: "s1", place: "https://example.org/1"))
        _ = try await store.ingest(observation("Die Strasse in Zürich und die neue Quelle.", source: "s2", place: "https://example.org/2", at: 100))
        #expect(try await store.search(SearchQuery(words: ["foerderprogramm"])).count == 1)
        #expect(try await store.search(SearchQuery(words: ["Foerderprogramm", "hauptstrasse"])).count == 1)
        #expect(try await store.search(SearchQuery(words: ["straße"])).count == 1, "Strasse is written with ss")
        #expect(try await store.search(SearchQuery(words: ["Zuerich"])).count == 1)
        #expect(try await store.search(SearchQuery(words: ["neue", "quelle"])).count == 1)
        #expect(try await store.search(SearchQuery(words: ["foerderprogramm", "zuerich"])).isEmpty, "still all words")
        #expect(SQLiteIndex.germanSpellings(of: "Foerderung") == ["Foerderung", "Forderung"])
        #expect(SQLiteIndex.germanSpellings(of: "neue") == ["neue"], "ue after a vowel is no ü")
        #expect(SQLiteIndex.germanSpellings(of: "Quelle") == ["Quelle"], "nor after q")
        #expect(SQLiteIndex.germanSpellings(of: "Straße") == ["Straße", "Strasse"])
        #expect(SQLiteIndex.germanSpellings(of: "Masse") == ["Masse", "Maße"])
        #expect(SQLiteIndex.germanSpellings(of: "Käse") == ["Käse"])
    }

    @Test("atomic writes leave no temporary files behind")
    func atomicWrite() throws {
        let target = root.appendingPathComponent("sub/file.txt")
        try AtomicFile.write("one", to: target)
        try AtomicFile.write("two", to: target)
        #expect(try String(contentsOf: target, encoding: .utf8) == "two")
        #expect(try FileManager.default.contentsOfDirectory(atPath: target.deletingLastPathComponent().path) == ["file.txt"])
    }
}

@Suite("Normalization")
struct NormalizationTests {
    @Test("the content hash ignores whitespace, soft hyphens, zero-width characters and NFC differences")
    func hashNormalization() {
        let base = contentHash(of: "Müller sagt: Digitalisierung ist wichtig.")
        #expect(base.count == 64)
        #expect(contentHash(of: "  Mu\u{0308}ller  sagt:\nDigitali\u{00AD}sierung ist\u{200B} wichtig. ") == base)
        #expect(contentHash(of: "Müller\u{00A0}sagt: Digitalisierung ist wichtig.") == base)
        #expect(contentHash(of: "Müller sagt: Digitalisierung ist unwichtig.") != base)
    }

    @Test("URL identity drops session ids, tracking parameters, default ports and fragments", arguments: [
        ("HTTPS://Www.Example-Bund.de:443/DE/pm.html;jsessionid=ABC123.live1?utm_source=x&id=5#top",
         "https://www.example-bund.de/DE/pm.html?id=5"),
        ("http://example.org:80", "http://example.org/"),
        ("https://example.org/a?fbclid=1&gclid=2", "https://example.org/a"),
        ("https://example.org/a;jsessionid=X/b", "https://example.org/a/b"),
    ])
    func urlIdentity(input: String, expected: String) {
        #expect(URL(string: input)?.normalizedForIdentity?.absoluteString == expected)
    }
}
