@testable import Archive
import FeedModel
import Foundation
import TestSupport
import Testing

@Suite("Near duplicates, ids, withdrawals, diffs")
struct IdentityTests {
    let root: URL

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("herold-identity-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    }

    static let body = """
        Das Thüringer Finanzministerium hat heute den Beteiligungsbericht 2019 veröffentlicht. Der Bericht gibt \
        einen Überblick über die Unternehmen, an denen der Freistaat beteiligt ist, und über deren wirtschaftliche \
        Lage. Insgesamt hält das Land Anteile an 41 Unternehmen. Die Beteiligungen sichern wichtige Aufgaben der \
        Daseinsvorsorge, etwa in den Bereichen Verkehr, Wohnungsbau und Wirtschaftsförderung. Der Bericht steht \
        auf der Internetseite des Ministeriums zum Herunterladen bereit.
        """

    func observation(_ text: String, source: String, place: String, published: TimeInterval = 1_570_000_000, at: TimeInterval = 0) -> Observation {
        Observation(
            sourceID: source, place: URL(string: place)!,
            article: Article(
                url: URL(string: place), canonical: URL(string: place), title: "T",
                published: Date(timeIntervalSince1970: published), text: text, html: "<p>x</p>"),
            seenAt: Date(timeIntervalSince1970: 1_700_000_000 + at))
    }

    @Test("SimHash: small edits stay within the threshold, other texts do not")
    func simhash() {
        let a = SimHash.of(Self.body)
        let edited = SimHash.of(Self.body.replacingOccurrences(of: "41 Unternehmen", with: "42 Unternehmen"))
        let other = SimHash.of("Die Finanzämter öffnen ab Januar donnerstags bis 18 Uhr; mittwochs bleiben sie geschlossen.")
        #expect(SimHash.distance(a, edited) <= SimHash.relatedThreshold)
        #expect(SimHash.distance(a, other) > 10)
        #expect(SimHash.of(Self.body) == a, "deterministic")
        #expect(SimHash.of("") == 0)
    }

    @Test("a near-identical story from another source is linked as related, not merged")
    func related() async throws {
        let store = try ArchiveStore(root: root, feedID: "urn:test")
        guard case .new(let first) = try await store.ingest(observation(Self.body, source: "tfm", place: "https://a.example/1")),
            case .new(let second) = try await store.ingest(
                observation(Self.body + " Weitere Informationen erteilt die Pressestelle.", source: "bund", place: "https://b.example/2"))
        else {
            Issue.record("expected two stories")
            return
        }
        #expect(first != second)
        #expect(try await store.story(second)?.related == [first])
        #expect(try await store.story(first)?.related == [second])
        // Same source: not linked (that is a revision question, not a cross-source one).
        guard case .new(let third) = try await store.ingest(
            observation(Self.body + " Nachtrag.", source: "bund", place: "https://b.example/3"))
        else {
            Issue.record("expected a third story")
            return
        }
        #expect(try await store.story(third)?.related == [first])
    }

    @Test("related links are capped: a story near many others keeps the newest, and a new story rewrites a bounded number of others")
    func relatedCap() async throws {
        let store = try ArchiveStore(root: root, feedID: "urn:test")
        let count = ArchiveStore.maxRelated + 4
        var ids: [String] = []
        var rewritten: [Int] = []
        for n in 0..<count {
            // The same words (the same SimHash), another text (another content hash), another source.
            let text = Self.body + String(repeating: "!", count: n + 1)
            _ = await store.drainChanged()
            guard case .new(let id) = try await store.ingest(
                observation(text, source: "s\(n)", place: "https://s\(n).example/1", at: Double(n)))
            else {
                Issue.record("story \(n) was not new")
                return
            }
            ids.append(id)
            rewritten.append(await store.drainChanged().count)
        }
        // Without the cap the n-th story rewrites all n before it.
        #expect(rewritten.allSatisfy { $0 <= ArchiveStore.maxRelated + 1 }, "\(rewritten)")
        #expect(rewritten.last == ArchiveStore.maxRelated + 1)
        for id in ids {
            let related = try await store.story(id)?.related ?? []
            #expect(related.count <= ArchiveStore.maxRelated, "\(id): \(related.count) related")
        }
        // The newest story links to the most recent ones (all equally near); the first story was
        // among those of the next eight only.
        #expect(try await store.story(ids[count - 1])?.related == Array(ids[(count - 1 - ArchiveStore.maxRelated)..<(count - 1)].reversed()))
        #expect(try await store.story(ids[0])?.related == Array(ids[1...ArchiveStore.maxRelated]))
        // An older story that keeps being found keeps the newest links.
        let middle = ids[ArchiveStore.maxRelated]
        let kept = try await store.story(middle)?.related ?? []
        #expect(kept.count == ArchiveStore.maxRelated)
        #expect(Array(kept.suffix(count - 1 - ArchiveStore.maxRelated)) == Array(ids[(ArchiveStore.maxRelated + 1)...]))
    }

    @Test("GUIDs repeated across entries or regenerated per fetch are found unusable")
    func guidPolicy() {
        let a = URL(string: "https://e.example/a")!
        let b = URL(string: "https://e.example/b")!
        var stable = GUIDPolicy()
        let firstPoll = stable.evaluate([("1", a), ("2", b)])
        let secondPoll = stable.evaluate([("1", a), ("2", b)])
        #expect(firstPoll && secondPoll && !stable.unusable)

        var repeated = GUIDPolicy()
        let repeatedUsable = repeated.evaluate([("same", a), ("same", b)])
        #expect(!repeatedUsable)
        #expect(repeated.reason?.contains("two entries") == true)

        var regenerated = GUIDPolicy()
        let before = regenerated.evaluate([("x1", a), ("x2", b)])
        let after = regenerated.evaluate([("y1", a), ("y2", b)])
        let back = regenerated.evaluate([("x1", a), ("x2", b)])
        #expect(before)
        #expect(!after)
        #expect(!back, "once unusable, stays unusable")
    }

    @Test("a story gone from a healthy source within its window is withdrawn after the grace period; one that scrolled off is not")
    func withdrawals() async throws {
        let store = try ArchiveStore(root: root, feedID: "urn:test")
        let old = URL(string: "https://e.example/old")!
        let mid = URL(string: "https://e.example/mid")!
        let new = URL(string: "https://e.example/new")!
        guard case .new(let oldID) = try await store.ingest(observation("Alt.", source: "s", place: old.absoluteString, published: 1_000)),
            case .new(let midID) = try await store.ingest(observation("Mitte.", source: "s", place: mid.absoluteString, published: 2_000)),
            case .new(let newID) = try await store.ingest(observation("Neu.", source: "s", place: new.absoluteString, published: 3_000))
        else {
            Issue.record("expected three stories")
            return
        }
        let t0 = Date(timeIntervalSince1970: 1_800_000_000)
        // `mid` vanishes while `old` (older) is still listed: it is missing, not yet withdrawn.
        var gone = try await store.noteListing(source: "s", places: [old, new], windowStart: Date(timeIntervalSince1970: 1_000), now: t0, grace: 3600)
        #expect(gone.isEmpty)
        #expect(try await store.story(midID)?.sightings.first?.missingSince == t0)
        // Past the grace period: withdrawn, its files stay.
        gone = try await store.noteListing(source: "s", places: [old, new], windowStart: Date(timeIntervalSince1970: 1_000), now: t0 + 3600, grace: 3600)
        #expect(gone == [midID])
        let record = try #require(try await store.story(midID))
        #expect(record.withdrawn == t0 + 3600)
        #expect(FileManager.default.fileExists(atPath: root.appendingPathComponent(record.folder).appendingPathComponent("1.txt").path))
        // `old` scrolls off the end (older than every listed item): never withdrawn.
        gone = try await store.noteListing(source: "s", places: [new], windowStart: Date(timeIntervalSince1970: 3_000), now: t0 + 7200, grace: 0)
        #expect(!gone.contains(oldID))
        #expect(try await store.story(oldID)?.withdrawn == nil)
        #expect(try await store.story(newID)?.withdrawn == nil)
        // A withdrawn story that comes back is restored.
        _ = try await store.ingest(observation("Mitte.", source: "s", place: mid.absoluteString, published: 2_000, at: 99))
        #expect(try await store.story(midID)?.withdrawn == nil)
    }

    @Test("a listing reads only the stories it can change, with the same outcome as checking every story")
    func listingChecksOnlyWhatCanChange() async throws {
        // Twelve stories over two sources (some seen in both), then random listings: after each,
        // every record in the archive must equal what applying the listing to every story of
        // that source gives (the index's listing columns must follow each commit).
        var random = SplitMix64(state: 0x5EED_0F11)
        let store = try ArchiveStore(root: root, feedID: "urn:test")
        var places: [String: [URL]] = ["a": [], "b": []]
        var ids: [String] = []
        for n in 0..<12 {
            let text = "Meldung \(n): " + String(repeating: "Wort\(n) ", count: 30 + n)
            let source = n % 3 == 0 ? "b" : "a"
            let place = URL(string: "https://\(source).example/m/\(n)")!
            guard case .new(let id) = try await store.ingest(observation(text, source: source, place: place.absoluteString, published: Double(1_000 * n)))
            else {
                Issue.record("expected a new story")
                return
            }
            places[source]!.append(place)
            ids.append(id)
            if n % 4 == 1 {  // the same story also listed by the other source
                let other = URL(string: "https://b.example/auch/\(n)")!
                _ = try await store.ingest(observation(text, source: "b", place: other.absoluteString, published: Double(1_000 * n)))
                places["b"]!.append(other)
            }
        }
        var expected: [String: StoryRecord] = [:]
        for id in ids { expected[id] = try #require(try await store.story(id)) }
        var now = Date(timeIntervalSince1970: 1_800_000_000)
        var withdrawnSeen = 0
        for _ in 0..<14 {
            let source = random.next() % 2 == 0 ? "a" : "b"
            let listedNow = Set(places[source]!.filter { _ in random.next() % 3 != 0 })
            let windowStart = random.next() % 5 == 0 ? nil : Date(timeIntervalSince1970: Double(random.next() % 8_000))
            let grace = Double(random.next() % 3) * 1_800
            let gone = try await store.noteListing(source: source, places: listedNow, windowStart: windowStart, now: now, grace: grace)
            var expectedGone: [String] = []
            for id in ids where expected[id]!.sightings.contains(where: { $0.source == source }) {
                let outcome = ArchiveStore.applyListing(
                    to: &expected[id]!, source: source, listed: Set(listedNow.map(\.absoluteString)),
                    windowStart: windowStart, now: now, grace: grace)
                if outcome.withdrawn { expectedGone.append(id) }
            }
            #expect(gone.sorted() == expectedGone.sorted())
            withdrawnSeen += gone.count
            for id in ids { #expect(try await store.story(id) == expected[id], "story \(id)") }
            now += 1_800
        }
        #expect(withdrawnSeen > 0, "the random listings should withdraw something (else the check is too weak)")
    }

    @Test("the listing filter never skips a story the listing would change")
    func listingFilterIsSafe() {
        var random = SplitMix64(state: 0xF11_7E4)
        let base = Date(timeIntervalSince1970: 1_800_000_000)
        var changes = 0
        for round in 0..<5_000 {
            let urls = (0..<4).map { URL(string: "https://s.example/\($0)")! }
            var sightings: [Sighting] = []
            for url in urls where random.next() % 2 == 0 {
                let missing = random.next() % 3 == 0 ? nil : base - Double(random.next() % 7_200)
                sightings.append(Sighting(source: random.next() % 3 == 0 ? "t" : "s", url: url, firstSeen: base - 99_999, lastSeen: base - 9_999, missingSince: missing))
            }
            guard sightings.contains(where: { $0.source == "s" }) else { continue }
            var record = StoryRecord(
                id: "\(round)", atomID: "urn:x", folder: "items/2026/11/x", identities: [], title: nil, canonical: nil,
                published: random.next() % 4 == 0 ? nil : Date(timeIntervalSince1970: Double(random.next() % 10_000)),
                updated: base, firstSeen: Date(timeIntervalSince1970: Double(random.next() % 10_000)), author: nil,
                publisher: nil, language: nil, origin: "s", sightings: sightings,
                revisions: [Revision(number: 1, hash: "h", title: nil, seenAt: base, length: 1)])
            if random.next() % 4 == 0 { record.withdrawn = base - 50 }
            let rows = record.sightings.filter { $0.source == "s" }.map {
                ListedSighting(story: record.id, url: $0.url.absoluteString, missingSince: $0.missingSince,
                               listingDate: record.listingDate, withdrawn: record.withdrawn != nil)
            }
            let listed = Set(urls.filter { _ in random.next() % 2 == 0 }.map(\.absoluteString))
            let windowStart = random.next() % 4 == 0 ? nil : Date(timeIntervalSince1970: Double(random.next() % 10_000))
            let grace = Double(random.next() % 3) * 3_600
            let mayChange = ArchiveStore.listingMayChange(rows, listed: listed, windowStart: windowStart, now: base, grace: grace)
            let outcome = ArchiveStore.applyListing(to: &record, source: "s", listed: listed, windowStart: windowStart, now: base, grace: grace)
            if outcome.changed {
                changes += 1
                #expect(mayChange, "round \(round): the filter skipped a story the listing changes")
            }
        }
        #expect(changes > 500)
    }

    @Test("a story still listed by another source is not withdrawn")
    func stillListedElsewhere() async throws {
        let store = try ArchiveStore(root: root, feedID: "urn:test")
        let a = URL(string: "https://a.example/x")!
        guard case .new(let id) = try await store.ingest(observation("Gleich.", source: "a", place: a.absoluteString, published: 2_000)) else {
            Issue.record("expected a story")
            return
        }
        _ = try await store.ingest(observation("Gleich.", source: "b", place: "https://b.example/x", published: 2_000))
        let gone = try await store.noteListing(source: "a", places: [], windowStart: Date(timeIntervalSince1970: 1_000), now: Date(timeIntervalSince1970: 1_800_000_000), grace: 0)
        #expect(gone.isEmpty)
        #expect(try await store.story(id)?.withdrawn == nil)
    }

    @Test("word diff marks removed and inserted words")
    func wordDiff() {
        let parts = WordDiff.diff(from: "Die Ämter öffnen montags bis 12 Uhr.", to: "Die Ämter öffnen montags und dienstags bis 12 Uhr.")
        #expect(parts == [.same("Die Ämter öffnen montags"), .inserted("und dienstags"), .same("bis 12 Uhr.")])
        #expect(WordDiff.render(WordDiff.diff(from: "a b c", to: "a x c")) == "a [-b-] {+x+} c")
        #expect(WordDiff.diff(from: "", to: "") == [])
    }
}
