import Archive
import Config
import FeedModel
import Foundation
import Logging
import Pipeline
import TestSupport
import Testing

/// The same press release reached through the RSS feed (full text) and as a page source is
/// one story with two provenance records; the list page leads to the same stories again.
@Suite("Provenance across sources", .serialized)
struct ProvenanceTests {
    @Test("feed entry + its detail page + the list page: one story per press release, every place recorded")
    func feedAndPage() async throws {
        guard let fixtures = Fixtures.ministryDirectory else {
            print("skipped: \(Fixtures.sharedMissingMessage)")
            return
        }
        let site = try FixtureSite(directory: fixtures)
        defer { site.stop() }
        let detail = try Fixtures.json(fixtures.appendingPathComponent("typo3-news-detail-1.expected.json"))
        let rss = try Fixtures.json(fixtures.appendingPathComponent("typo3-news-rss.expected.json"))
        let list = try Fixtures.json(fixtures.appendingPathComponent("typo3-news-list.expected.json"))
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("herold-prov-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let yaml = """
            feed:
              id: "tag:herold.test,2026:provenance"
            defaults:
              host_delay: 0s
            sources:
              - id: rss
                url: "\(site.local(rss["url"] as! String))"
                full_text: true
              - id: detail
                url: "\(site.local(detail["url"] as! String))"
                kind: page
              - id: list
                url: "\(site.local(list["url"] as! String))"
                kind: page
            """
        try yaml.write(to: folder.appendingPathComponent("feeds.yml"), atomically: true, encoding: .utf8)
        let configuration = try ConfigLoader.load(from: folder.appendingPathComponent("feeds.yml"))
        let logger = Logger(label: "provenance")
        let fetcher = try makeTestFetcher(logger: logger)
        let report = await FetchRun(configuration: configuration, fetcher: fetcher, logger: logger).run()
        #expect(fetcher.refused.isEmpty, "requests to outside hosts: \(fetcher.refused)")
        #expect(report.archiveError == nil)
        for source in report.sources { #expect(source.succeeded, "\(source.line)") }
        let listReport = try #require(report.sources.first { $0.sourceID == "list" })
        #expect(listReport.items == 8, "the list page's 8 article links are followed")
        #expect(listReport.new == 0, "every article of the list is already known from the feed")

        let stories = try await AcceptanceTests.snapshot(configuration)
        let first = AcceptanceTests.normalized((detail["body_paragraphs"] as! [String])[0])
        let matches = stories.filter { $0.text.contains(first) }
        #expect(matches.count == 1)
        let record = try #require(matches.first?.record)
        #expect(Set(record.sightings.map(\.source)) == ["rss", "detail", "list"])
        #expect(record.title == detail["title"] as? String)
        // The feed entry's GUID and the page's canonical URL both lead to the story.
        #expect(record.identities.contains { $0.hasPrefix("guid:rss:") })
        #expect(record.identities.contains("url:\(site.local(detail["canonical"] as! String).absoluteString)"))
    }
}
