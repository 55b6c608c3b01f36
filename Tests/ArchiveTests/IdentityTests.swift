import Archive
import FeedModel
import Foundation
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
