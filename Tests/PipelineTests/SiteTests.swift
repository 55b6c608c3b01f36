import Archive
import Config
import Foundation
import Logging
import Pipeline
import TestSupport
import Testing

/// The archive's static site, built from the ministry fixtures and opened in a real headless
/// browser (Chromium from Debian) from the file system. Skips where Chromium is not installed
/// (`apt-get install chromium`; CI installs it).
@Suite("Static site in Chromium", .serialized)
struct SiteTests {
    static func chromium() -> String? {
        for path in ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]
        where FileManager.default.isExecutableFile(atPath: path) {
            return path
        }
        return nil
    }

    /// The DOM Chromium builds for a file: URL, serialized.
    static func dumpDOM(_ chromium: String, _ file: URL) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: chromium)
        let profile = FileManager.default.temporaryDirectory.appendingPathComponent("herold-chromium-\(UUID().uuidString)")
        process.arguments = [
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
            "--user-data-dir=\(profile.path)", "--dump-dom", file.absoluteString,
        ]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: profile)
        return String(decoding: data, as: UTF8.self)
    }

    @Test("index.html lists every story and a story page shows its text, sources and revisions")
    func site() async throws {
        guard let fixtures = Fixtures.ministryDirectory else {
            print("skipped: \(Fixtures.sharedMissingMessage)")
            return
        }
        guard let chromium = Self.chromium() else {
            print("skipped: Chromium is not installed (apt-get install chromium)")
            return
        }
        let site = try FixtureSite(directory: fixtures)
        defer { site.stop() }
        let styleguide = try Fixtures.json(fixtures.appendingPathComponent("typo3-styleguide.expected.json"))
        let rss = try Fixtures.json(fixtures.appendingPathComponent("typo3-news-rss.expected.json"))
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("herold-site-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try """
            feed:
              title: "Site test"
              id: "tag:herold.test,2026:site"
            defaults:
              host_delay: 0s
            sources:
              - id: styleguide
                url: "\(site.local(styleguide["url"] as! String))"
                kind: page
              - id: rss
                url: "\(site.local(rss["url"] as! String))"
                full_text: true
            """.write(to: folder.appendingPathComponent("feeds.yml"), atomically: true, encoding: .utf8)
        let configuration = try ConfigLoader.load(from: folder.appendingPathComponent("feeds.yml"))
        let logger = Logger(label: "site")
        let report = await FetchRun(configuration: configuration, fetcher: try makeTestFetcher(logger: logger), logger: logger).run()
        #expect(report.archiveError == nil)

        let stories = try await AcceptanceTests.snapshot(configuration).map(\.record)
        #expect(stories.count == 8)
        let index = try Self.dumpDOM(chromium, configuration.archive.appendingPathComponent("index.html"))
        #expect(index.contains("<h1>Site test</h1>"), "Chromium rendered: \(index.prefix(300))")
        for story in stories {
            let title = try #require(story.title).replacingOccurrences(of: "&", with: "&amp;")
            #expect(index.contains(title), "index.html lacks \(title)")
            #expect(index.contains("href=\"\(story.folder)/index.html\""))
        }
        let press = try #require(stories.first { $0.title == styleguide["title"] as? String })
        let page = try Self.dumpDOM(
            chromium, configuration.archive.appendingPathComponent(press.folder).appendingPathComponent("index.html"))
        #expect(page.contains((styleguide["body_paragraphs"] as! [String])[0]))
        #expect(page.contains("<h2>Seen at</h2>"))
        #expect(page.contains("styleguide") && page.contains("rss"))
        #expect(page.contains("href=\"1.html\""))
        #expect(page.contains("href=\"../../../../index.html\""))
        // The revision page the story page links to exists and renders the article.
        let revision = try Self.dumpDOM(
            chromium, configuration.archive.appendingPathComponent(press.folder).appendingPathComponent("1.html"))
        #expect(revision.contains((styleguide["body_paragraphs"] as! [String])[1].prefix(40)))
    }
}
