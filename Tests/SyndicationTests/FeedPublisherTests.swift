import Archive
import FeedModel
import Foundation
import Markup
import Syndication
import TestSupport
import Testing

/// The archived feed (RFC 5005) as the publisher writes it from a real archive: the walk,
/// closed documents, revisions, withdrawals, incremental cost and recovery.
@Suite("Feed publisher: RFC 5005 archived feed, feed.json, per-source feeds")
struct FeedPublisherTests {
    /// Follows `prev-archive` from feed.atom; returns the documents in walk order.
    static func walk(_ archive: TestArchive) throws -> [(path: String, parsed: AtomReader.Parsed, bytes: [UInt8])] {
        var out: [(String, AtomReader.Parsed, [UInt8])] = []
        var path: String? = "feed.atom"
        var seen = Set<String>()
        while let current = path {
            #expect(seen.insert(current).inserted, "the walk loops at \(current)")
            if out.count > 10_000 { break }
            let bytes = try archive.read(current)
            let parsed = try AtomReader.parse(bytes)
            out.append((current, parsed, bytes))
            if current != "feed.atom" {
                #expect(parsed.isArchive, "\(current) lacks fh:archive")
                #expect(parsed.links["current"] != nil, "\(current) lacks a current link")
            } else {
                #expect(!parsed.isArchive)
            }
            path = parsed.links["prev-archive"].map { href in
                // Resolve relative to the current document's folder.
                let base = URL(string: "http://walk.test/" + current)!
                return String(URL(string: href, relativeTo: base)!.absoluteURL.path.dropFirst())
            }
        }
        return out
    }

    static func atomID(_ id: String) -> String { "tag:herold.test,2026:syn:story:\(id)" }

    @Test("walking prev-archive from feed.atom meets every story exactly once, through incremental renders")
    func walkExactlyOnce() async throws {
        let archive = try TestArchive(entries: 5, pageSize: 4)
        var all: [String] = []
        var n = 0
        for batch in [1, 3, 7, 2, 9, 4, 1, 6] {
            var touched = Set<String>()
            for _ in 0..<batch {
                n += 1
                let id = try await archive.add(n)
                all.append(id)
                touched.insert(id)
            }
            _ = try await archive.publish(touched)
            let documents = try Self.walk(archive)
            let ids = documents.flatMap(\.parsed.ids)
            #expect(ids.count == Set(ids).count, "a story appears twice in the walk after \(n) stories")
            #expect(Set(ids) == Set(all.map(Self.atomID)), "after \(n) stories the walk misses some")
            #expect(documents[0].parsed.ids.count == min(5, n), "feed.atom holds the newest feed.entries")
        }
        // feed.atom holds the newest 5, newest first.
        let current = try AtomReader.parse(try archive.read("feed.atom"))
        #expect(current.ids == all.suffix(5).reversed().map(Self.atomID))
        #expect(current.links["prev-archive"] != nil)
        // Pages link both ways.
        let page2 = try AtomReader.parse(try archive.read("history/2.atom"))
        #expect(page2.links["prev-archive"] == "1.atom")
        #expect(page2.links["next-archive"] == "3.atom")
        #expect(page2.links["current"] == "../feed.atom")
    }

    @Test("a closed archive document never changes: same bytes and mtime after later renders")
    func closedDocumentsAreStable() async throws {
        let archive = try TestArchive(entries: 3, pageSize: 4)
        var ids: [String] = []
        for n in 1...14 {
            ids.append(try await archive.add(n))
            _ = try await archive.publish([ids.last!])
        }
        let history = archive.root.appendingPathComponent("history")
        var closed: [(String, [UInt8], Date)] = []
        for number in 1...2 {
            let path = "history/\(number).atom"
            let attributes = try FileManager.default.attributesOfItem(atPath: archive.root.appendingPathComponent(path).path)
            closed.append((path, try archive.read(path), attributes[.modificationDate] as! Date))
        }
        let state = try JSONSerialization.jsonObject(with: Data(contentsOf: history.appendingPathComponent(".state.json")))
        let open = ((state as? [String: Any])?["open"] as? [[String: Any]] ?? []).compactMap { $0["number"] as? Int }
        #expect(open == [3, 4], "pages 1 and 2 are closed, 3 and 4 open")
        // More stories, a revision of a story in a closed page, a sighting elsewhere, a full render.
        for n in 15...30 {
            let id = try await archive.add(n)
            _ = try await archive.publish([id])
        }
        let revised = try await archive.add(2, revision: 2)
        #expect(revised == ids[1])
        let report = try await archive.publish([revised])
        #expect(!report.written.contains("history/1.atom"))
        _ = try await archive.publish(nil)
        for (path, bytes, modified) in closed {
            #expect(try archive.read(path) == bytes, "\(path) changed after it was closed")
            let attributes = try FileManager.default.attributesOfItem(atPath: archive.root.appendingPathComponent(path).path)
            #expect(attributes[.modificationDate] as? Date == modified, "\(path) was rewritten")
        }
    }

    @Test("a revision of a story in a closed page: feed.atom shows the new version, met first on the walk")
    func revisionOfClosedStory() async throws {
        let archive = try TestArchive(entries: 3, pageSize: 2)
        var ids: [String] = []
        for n in 1...12 {
            ids.append(try await archive.add(n))
            _ = try await archive.publish([ids.last!])
        }
        let before = try AtomReader.parse(try archive.read("history/1.atom"))
        #expect(before.ids.contains(Self.atomID(ids[0])))
        let revised = try await archive.add(1, revision: 2)
        #expect(revised == ids[0])
        _ = try await archive.publish([revised])
        let current = try AtomReader.parse(try archive.read("feed.atom"))
        #expect(current.ids.first == Self.atomID(revised))
        #expect(current.titles[Self.atomID(revised)] == "Meldung 1 <2> & Co")
        // Push it out of feed.atom again: its new version is re-issued into an open page.
        for n in 13...20 {
            ids.append(try await archive.add(n))
            _ = try await archive.publish([ids.last!])
        }
        let documents = try Self.walk(archive)
        var first: [String: String] = [:]
        var counts: [String: Int] = [:]
        for document in documents {
            for id in document.parsed.ids {
                counts[id, default: 0] += 1
                if first[id] == nil { first[id] = document.parsed.titles[id] }
            }
        }
        #expect(Set(counts.keys) == Set(ids.map(Self.atomID)))
        #expect(first[Self.atomID(revised)] == "Meldung 1 <2> & Co", "the newest version comes first on the walk")
        #expect(counts[Self.atomID(revised)] == 2, "old copy in the closed page, new copy re-issued")
        #expect(counts.filter { $0.key != Self.atomID(revised) }.allSatisfy { $0.value == 1 })
    }

    @Test("a withdrawn story becomes an RFC 6721 tombstone in feed.atom and leaves feed.json")
    func withdrawn() async throws {
        let archive = try TestArchive(entries: 10, pageSize: 4)
        let start = archive.clock
        let keep = try await archive.add(2, source: "alpha")
        let gone = try await archive.add(4, source: "alpha")
        _ = try await archive.publish([keep, gone])
        archive.clock += 60
        let withdrawn = try await archive.store.noteListing(
            source: "alpha", places: [URL(string: "https://alpha.example/news/2")!], windowStart: start, now: archive.clock,
            grace: 0)
        #expect(withdrawn == [gone])
        _ = try await archive.publish(Set(withdrawn))
        let current = try AtomReader.parse(try archive.read("feed.atom"))
        #expect(current.tombstones == [Self.atomID(gone)])
        #expect(current.ids == [Self.atomID(keep)])
        let xml = String(decoding: try archive.read("feed.atom"), as: UTF8.self)
        #expect(xml.contains("xmlns:at=\"http://purl.org/atompub/tombstones/1.0\""))
        #expect(xml.contains("<at:deleted-entry ref=\"\(Self.atomID(gone))\" when=\""))
        let json = try JSONSerialization.jsonObject(with: Data(try archive.read("feed.json"))) as! [String: Any]
        let items = json["items"] as! [[String: Any]]
        #expect(items.map { $0["id"] as? String } == [Self.atomID(keep)])
        if let result = try AtomReader.relaxNG([archive.root.appendingPathComponent("feed.atom")]) {
            #expect(result.status == 0, "\(result.output)")
        }
    }

    @Test("rendering after 10 new stories rewrites only feed.atom, feed.json, open pages and touched sources")
    func incremental() async throws {
        let archive = try TestArchive(entries: 20, pageSize: 50)
        var touched = Set<String>()
        for n in 1...600 { touched.insert(try await archive.add(n, source: "s\(n % 30)")) }
        let first = try await archive.publish(touched)
        #expect(first.rebuilt, "the first render builds the pages")
        #expect(first.closed == Array(1...11))
        let pages = (try archive.documents()).filter { $0.hasPrefix("history/") }.count
        #expect(pages == 12)
        var ten = Set<String>()
        for n in 601...610 { ten.insert(try await archive.add(n, source: "s\(n % 3)")) }
        let report = try await archive.publish(ten)
        #expect(!report.rebuilt)
        let rewritten = report.written.filter { $0.hasPrefix("history/") }
        #expect(rewritten == ["history/12.atom", "history/13.atom"], "\(rewritten)")
        #expect(report.written.contains("feed.atom") && report.written.contains("feed.json"))
        #expect(Set(report.written.filter { $0.hasPrefix("sources/") }) == ["sources/s0.atom", "sources/s1.atom", "sources/s2.atom"])
        #expect(report.written.count <= 7, "\(report.written)")
        // Nothing changed: nothing is written.
        let idle = try await archive.publish([])
        #expect(idle.written.isEmpty, "\(idle.written)")
    }

    @Test("a render that was missed (stories archived, never rendered) is recovered on the next one")
    func recovery() async throws {
        let archive = try TestArchive(entries: 3, pageSize: 3)
        var all: [String] = []
        for n in 1...8 {
            all.append(try await archive.add(n))
            _ = try await archive.publish([all.last!])
        }
        for n in 9...14 { all.append(try await archive.add(n)) }  // crash before rendering
        all.append(try await archive.add(15))
        let report = try await archive.publish([all.last!])
        #expect(report.rebuilt)
        let ids = try Self.walk(archive).flatMap(\.parsed.ids)
        #expect(ids.count == Set(ids).count)
        #expect(Set(ids) == Set(all.map(Self.atomID)))
        // A lost state file: everything is rebuilt, and still complete.
        try FileManager.default.removeItem(at: archive.root.appendingPathComponent("history/.state.json"))
        let rebuilt = try await archive.publish([])
        #expect(rebuilt.rebuilt)
        let again = try Self.walk(archive).flatMap(\.parsed.ids)
        #expect(Set(again) == Set(all.map(Self.atomID)) && again.count == all.count)
    }

    @Test("every document: RELAX NG (RFC 4287 Appendix B), unique ids, feedparser without bozo, JSON Feed 1.1")
    func validation() async throws {
        for selfURL in [nil, URL(string: "https://news.example.org/herold/feed.atom")] {
            let archive = try TestArchive(entries: 4, pageSize: 3, selfURL: selfURL)
            var all: [String] = []
            for n in 1...11 {
                all.append(try await archive.add(n))
                _ = try await archive.publish([all.last!])
            }
            _ = try await archive.add(3, revision: 2)
            let start = archive.clock
            let gone = try await archive.add(12, source: "alpha")
            archive.clock += 60
            let withdrawn = try await archive.store.noteListing(
                source: "alpha", places: [], windowStart: start, now: archive.clock, grace: 0)
            #expect(withdrawn == [gone])
            _ = try await archive.publish(Set(all + [gone]))
            let paths = try archive.documents()
            #expect(paths.contains("history/3.atom") && paths.contains("sources/alpha.atom") && paths.contains("sources/beta.atom"))
            let files = paths.map { archive.root.appendingPathComponent($0) }

            for path in paths {
                let parsed = try AtomReader.parse(try archive.read(path))
                #expect(parsed.ids.count == Set(parsed.ids).count, "\(path): duplicate ids")
                #expect(!parsed.ids.isEmpty || path.hasPrefix("history/") || !parsed.tombstones.isEmpty, "\(path) is empty")
            }
            if let result = try AtomReader.relaxNG(files) {
                #expect(result.status == 0, "xmllint --relaxng: \(result.output)")
                // The schema can fail: a document without <updated> in an entry does not validate.
                let broken = archive.root.appendingPathComponent("broken.atom")
                let text = String(decoding: try archive.read("feed.atom"), as: UTF8.self)
                let range = try #require(text.range(of: #"<updated>[^<]*</updated>\n    <published>"#, options: .regularExpression))
                try text.replacingCharacters(in: range, with: "<published>").write(to: broken, atomically: true, encoding: .utf8)
                let control = try #require(try AtomReader.relaxNG([broken]))
                #expect(control.status != 0, "the schema accepted an entry without updated")
            } else {
                print("skipped: xmllint is not installed (apt-get install libxml2-utils); RELAX NG validation not run")
            }
            if let python = AtomReader.feedparserPython() {
                let parsed = try AtomReader.feedparser(python, files)
                #expect(parsed.count == files.count)
                for file in files {
                    let ours = try AtomReader.parse(try Fixtures.bytes(file))
                    #expect(parsed[file.path]?.bozo == false, "\(file.lastPathComponent)")
                    #expect(parsed[file.path]?.ids == ours.ids, "\(file.lastPathComponent): feedparser sees other entries")
                    #expect(parsed[file.path]?.titles == ours.ids.map { ours.titles[$0] ?? "" })
                }
            } else {
                print("skipped: Python feedparser is not installed (pip install feedparser); feedparser cross-check not run")
            }
            let json = Data(try archive.read("feed.json"))
            #expect(AtomReader.jsonFeedViolations(json) == [])
            let current = try AtomReader.parse(try archive.read("feed.atom"))
            let items = (try JSONSerialization.jsonObject(with: json) as! [String: Any])["items"] as! [[String: Any]]
            #expect(items.map { $0["id"] as! String } == current.ids, "feed.json has the entries of feed.atom")
            if let selfURL {
                #expect(current.links["self"] == selfURL.absoluteString)
                let prev = try #require(current.links["prev-archive"])
                #expect(prev.hasPrefix("https://news.example.org/herold/history/") && prev.hasSuffix(".atom"))
                let page = try AtomReader.parse(try archive.read("history/2.atom"))
                #expect(page.links["current"] == "https://news.example.org/herold/feed.atom")
                #expect(page.links["self"] == "https://news.example.org/herold/history/2.atom")
            }
        }
    }

    @Test("the JSON Feed checker finds violations (so its silence means something)")
    func jsonFeedCheckerCanFail() {
        let bad = #"{"version":"https://jsonfeed.org/version/1","items":[{"id":"","url":"/relative"},{"id":"a","content_text":"x","date_published":"yesterday"},{"id":"a","content_html":"y"}]}"#
        let problems = AtomReader.jsonFeedViolations(Data(bad.utf8))
        #expect(problems.contains("version"))
        #expect(problems.contains("title is required"))
        #expect(problems.contains { $0.contains("id must be") })
        #expect(problems.contains { $0.contains("RFC 3339") })
        #expect(problems.contains { $0.contains("duplicate id") })
    }
}
