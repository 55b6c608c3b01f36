import Archive
import Config
import FeedModel
import Fetching
import Foundation
import Logging
import Markup
import Pipeline
import TestSupport
import Testing

/// The spine's acceptance test (issue 2): a loopback server serves the ministry fixtures, a
/// feeds.yml names the style-guide page, the EXT:news RSS feed (full text) and the GSB press
/// release, and one fetch round must archive the press release once, with both places it was
/// seen, and render a well-formed Atom feed; a second round changes nothing.
@Suite("End to end: feeds.yml to feed.atom", .serialized)
struct AcceptanceTests {
    static func normalized(_ text: String) -> String {
        text.precomposedStringWithCanonicalMapping.replacingOccurrences(of: "\u{00A0}", with: " ")
            .split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    @Test("one story per press release, provenance, idempotence and a well-formed feed.atom")
    func endToEnd() async throws {
        guard let fixtures = Fixtures.ministryDirectory else {
            print("skipped: \(Fixtures.sharedMissingMessage)")
            return
        }
        let site = try FixtureSite(directory: fixtures)
        defer { site.stop() }
        let styleguide = try Fixtures.json(fixtures.appendingPathComponent("typo3-styleguide.expected.json"))
        let rss = try Fixtures.json(fixtures.appendingPathComponent("typo3-news-rss.expected.json"))
        let gsb = try Fixtures.json(fixtures.appendingPathComponent("gsb-pressemitteilung.expected.json"))

        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("herold-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let yaml = """
            archive: archive
            feed:
              title: "Acceptance"
              id: "tag:herold.test,2026:acceptance"
            defaults:
              host_delay: 0s
              timeout: 10s
            sources:
              - id: styleguide
                url: "\(site.local(styleguide["url"] as! String))"
                kind: page
              - id: tfm-rss
                url: "\(site.local(rss["url"] as! String))"
                kind: feed
                full_text: true
              - id: gsb
                url: "\(site.local(gsb["url"] as! String))"
            """
        let configURL = folder.appendingPathComponent("feeds.yml")
        try yaml.write(to: configURL, atomically: true, encoding: .utf8)
        let configuration = try ConfigLoader.load(from: configURL)
        let logger = Logger(label: "acceptance")
        let fetcher = try makeTestFetcher(logger: logger)
        let run = FetchRun(configuration: configuration, fetcher: fetcher, logger: logger)

        // First round.
        let first = await run.run()
        #expect(first.archiveError == nil)
        #expect(first.sources.map(\.sourceID) == ["styleguide", "tfm-rss", "gsb"])
        for source in first.sources {
            #expect(source.succeeded, "\(source.line)")
        }
        let feedReport = try #require(first.sources.first { $0.sourceID == "tfm-rss" })
        #expect(feedReport.items == 8)
        #expect(feedReport.pageFailures.count == 4, "items 4–7 have no page: \(feedReport.pageFailures)")
        #expect(feedReport.pageFailures.allSatisfy { $0.reason.contains("404") })

        let archived = try await Self.snapshot(configuration)
        let stories = archived.map(\.record)
        #expect(stories.count == first.storyCount)

        // Exactly one story for the style-guide press release.
        let paragraphs = (styleguide["body_paragraphs"] as! [String]).map(Self.normalized)
        let matches = archived.filter { $0.text.contains(paragraphs[0]) }
        #expect(matches.count == 1, "the press release must be archived exactly once")
        let (story, text) = try #require(matches.first)
        var position = text.startIndex
        for paragraph in paragraphs {
            let found = text.range(of: paragraph, range: position..<text.endIndex)
            #expect(found != nil, "missing or out of order: \(paragraph.prefix(60))…")
            if let found { position = found.upperBound }
        }
        for forbidden in styleguide["must_not_contain"] as! [String] {
            #expect(!text.contains(forbidden), "must not contain: \(forbidden)")
        }
        for paragraph in paragraphs {
            #expect(text.components(separatedBy: paragraph).count - 1 == 1, "repeated: \(paragraph.prefix(60))")
        }
        #expect(story.title == styleguide["title"] as? String)
        let published = try #require(story.published)
        var berlin = Calendar(identifier: .gregorian)
        berlin.timeZone = TimeZone(identifier: "Europe/Berlin")!
        let day = berlin.dateComponents([.year, .month, .day], from: published)
        #expect((day.year, day.month, day.day) == (2019, 9, 10))
        // Both places it was seen: the style-guide page and feed item 8's link.
        let places = Set(story.sightings.map(\.source))
        #expect(places == ["styleguide", "tfm-rss"], "\(story.sightings)")
        let articleURL = site.local(styleguide["article_url"] as! String)
        #expect(story.sightings.contains { $0.url == articleURL })

        // The GSB press release and the feed's detail pages are stories of their own.
        let gsbFirst = Self.normalized((gsb["body_paragraphs"] as! [String])[0])
        #expect(archived.filter { $0.text.contains(gsbFirst) }.count == 1)
        // 8 feed items (one of them the style-guide story) + the GSB page.
        #expect(stories.count == 9)

        #expect(fetcher.refused.isEmpty, "requests to outside hosts: \(fetcher.refused)")

        // Second round: nothing new, nothing duplicated; every request is conditional, and
        // unchanged documents answer 304 and cost no parsing.
        site.log.clear()
        let second = await run.run()
        let requests = site.log.all
        #expect(!requests.isEmpty)
        let found = Set(["styleguide", "tfm-rss", "gsb"])
        #expect(Set(second.sources.filter(\.notModified).map(\.sourceID)) == found, "\(second.sources.map(\.line))")
        // Only the sources themselves were asked (their 304 means no entries to visit) …
        #expect(requests.count == 3, "\(requests.map(\.target))")
        // … and conditionally.
        #expect(requests.allSatisfy { $0.conditional })
        #expect(second.archiveError == nil)
        #expect(second.storyCount == first.storyCount)
        #expect(try await Self.snapshot(configuration).map(\.record.id).sorted() == stories.map(\.id).sorted())
        #expect(second.sources.reduce(0) { $0 + $1.new } == 0)
        #expect(second.sources.reduce(0) { $0 + $1.revised } == 0)

        // feed.atom: well-formed Atom 1.0, one entry per story, each complete.
        let atomURL = configuration.archive.appendingPathComponent("feed.atom")
        let atomBytes = try Fixtures.bytes(atomURL)
        let document = try XMLDocument(bytes: atomBytes)
        let root = try #require(document.root)
        let ns = "http://www.w3.org/2005/Atom"
        #expect(root.name == "feed" && root.namespaceURI == ns)
        let entries = root.elementChildren.filter { $0.name == "entry" }
        #expect(entries.count == stories.count)
        var ids = Set<String>()
        for entry in entries {
            let names = Set(entry.elementChildren.map(\.name))
            for required in ["id", "title", "updated", "link", "content", "source"] {
                #expect(names.contains(required), "an entry lacks <\(required)>")
            }
            if let id = entry.elementChildren.first(where: { $0.name == "id" })?.text { ids.insert(id) }
        }
        #expect(ids.count == entries.count, "entry ids are unique")

        try crossCheckWithFeedparser(atomURL, expectedEntries: stories.count)
    }

    /// Every archived story with the normalized text of its current revision (the archive is
    /// opened and closed again, so the next fetch round can take its lock).
    static func snapshot(_ configuration: Configuration) async throws -> [(record: StoryRecord, text: String)] {
        let store = try ArchiveStore(root: configuration.archive, feedID: configuration.feed.id)
        return try await store.allStories().map { record in
            (record, normalized(try store.revisionText(of: record, revision: record.current.number)))
        }
    }

    /// Where Python's feedparser is installed (CI installs it), it must read feed.atom without
    /// `bozo` and see every entry.
    func crossCheckWithFeedparser(_ url: URL, expectedEntries: Int) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "python3", "-c",
            "import sys\ntry:\n import feedparser\nexcept ImportError:\n print('missing'); sys.exit(0)\n"
                + "d = feedparser.parse(sys.argv[1])\nprint(int(bool(d.bozo)), len(d.entries), d.get('bozo_exception', ''))",
            url.path,
        ]
        let pipe = Pipe()
        process.standardOutput = pipe
        do { try process.run() } catch {
            print("skipped the feedparser cross-check: python3 is not available")
            return
        }
        process.waitUntilExit()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        if output == "missing" || output.isEmpty {
            print("skipped the feedparser cross-check: feedparser is not installed (pip install feedparser)")
            return
        }
        let fields = output.split(separator: " ", maxSplits: 2)
        #expect(fields.first == "0", "feedparser reports bozo: \(output)")
        #expect(fields.count > 1 && Int(fields[1]) == expectedEntries, "feedparser: \(output)")
    }
}
