import Archive
import Config
import Foundation
import Logging
import Pipeline
import Synchronization
import TestSupport
import Testing

/// Extraction health: when a source's extraction suddenly falls far below its usual confidence
/// (here: the article page breaks and only the feed's teaser is left), the drop is reported and
/// the story keeps its last good revision.
@Suite("Extraction health signal", .serialized)
struct HealthTests {
    static let article = """
        <!DOCTYPE html><html lang="de"><head><title>Meldung</title></head><body>
        <nav><a href="/">Start</a> <a href="/presse">Presse</a></nav>
        <main><article><h1>Neue Förderrichtlinie für kommunale Radwege</h1>
        <p class="date">12.03.2025</p>
        <p>Das Ministerium für Infrastruktur hat heute eine neue Förderrichtlinie für kommunale Radwege veröffentlicht. Gemeinden können ab April Anträge stellen.</p>
        <p>Gefördert werden der Neubau und die Sanierung von Radwegen, die Orte miteinander verbinden oder zu Schulen und Bahnhöfen führen. Der Fördersatz beträgt bis zu 75 Prozent.</p>
        <p>Für das laufende Jahr stehen insgesamt zwölf Millionen Euro zur Verfügung. Weitere Informationen gibt es bei der Bewilligungsbehörde.</p>
        </article></main><footer><p>Impressum · Datenschutz</p></footer></body></html>
        """

    @Test("a broken article page does not overwrite the last good revision, and the drop is reported")
    func heldBack() async throws {
        let broken = Mutex(false)
        let server = try LoopbackHTTPServer { request in
            if request.path == "/feed.xml" {
                return .text(
                    "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Presse</title><item><title>Radwege</title>"
                        + "<link>http://\(request.headers["host"] ?? "")/presse/radwege</link><guid>rw-1</guid>"
                        + "<description>Kurz: neue Förderrichtlinie.</description></item></channel></rss>",
                    contentType: "application/rss+xml")
            }
            if broken.withLock({ $0 }) { return .text("gone", status: 503) }
            return .text(Self.article, contentType: "text/html; charset=utf-8")
        }
        defer { server.stop() }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("herold-health-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try "feed:\n  id: \"tag:herold.test,2026:health\"\ndefaults:\n  host_delay: 0s\nsources:\n  - id: rss\n    url: \"\(server.url("/feed.xml"))\"\n    full_text: true\n"
            .write(to: folder.appendingPathComponent("feeds.yml"), atomically: true, encoding: .utf8)
        let configuration = try ConfigLoader.load(from: folder.appendingPathComponent("feeds.yml"))
        let logger = Logger(label: "health")
        let run = FetchRun(configuration: configuration, fetcher: try makeTestFetcher(logger: logger), logger: logger)
        for _ in 0..<3 {
            let report = await run.run()
            #expect(report.sources.first?.heldBack == 0)
        }
        let states = try SourceStates.read(archive: configuration.archive)
        let usual = try #require(states["rss"]?.confidence)
        #expect(usual > 0.5, "a clean article page extracts with good confidence")

        broken.withLock { $0 = true }
        let report = await run.run()
        let source = try #require(report.sources.first)
        #expect(source.heldBack == 1, "\(source.line)")
        #expect(source.warnings.contains { $0.contains("extraction confidence dropped") }, "\(source.warnings)")
        let stories = try await AcceptanceTests.snapshot(configuration)
        #expect(stories.count == 1)
        #expect(stories.first?.record.revisions.count == 1, "the teaser must not become revision 2")
        #expect(stories.first?.text.contains("zwölf Millionen Euro") == true)
    }
}
