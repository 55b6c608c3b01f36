import Archive
import Config
import Foundation
import Logging
import Pipeline
import TestSupport
import Testing

/// `tls_verify: false` from feeds.yml reaches the fetcher: against a self-signed loopback
/// server the verified source fails with the `tls` kind, the opted-out one is read, loudly.
@Suite("tls_verify in feeds.yml", .serialized)
struct TLSOptOutTests {
    @Test func perSourceOptOutOverHTTPS() async throws {
        let rss = "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Sicher</title><item><title>Eins</title>"
            + "<link>https://127.0.0.1/1</link><guid>s-1</guid><description>Ein Text über Zertifikate.</description>"
            + "</item></channel></rss>"
        let server: LoopbackHTTPSServer
        do {
            server = try LoopbackHTTPSServer(body: rss)
        } catch LoopbackHTTPSServer.Unavailable.missingTool(let tool) {
            print("skipped: \(tool) is not on PATH; skipping the tls_verify test")
            return
        }
        defer { server.stop() }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("herold-tlsopt-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try """
            feed:
              id: "tag:herold.test,2026:tls"
            defaults:
              host_delay: 0s
            sources:
              - id: verified
                url: "\(server.url("/feed.xml"))"
              - id: unverified
                url: "\(server.url("/feed.xml?copy"))"
                tls_verify: false
            """.write(to: folder.appendingPathComponent("feeds.yml"), atomically: true, encoding: .utf8)
        let configuration = try ConfigLoader.load(from: folder.appendingPathComponent("feeds.yml"))
        let logs = LogRecorder()
        let logger = logs.logger(label: "tls")
        let report = await FetchRun(configuration: configuration, fetcher: try makeTestFetcher(logger: logger), logger: logger).run()
        let byID = Dictionary(uniqueKeysWithValues: report.sources.map { ($0.sourceID, $0) })
        #expect(byID["verified"]?.failure?.hasPrefix("tls:") == true, "\(byID["verified"]?.line ?? "")")
        #expect(byID["unverified"]?.succeeded == true, "\(byID["unverified"]?.line ?? "")")
        #expect(byID["unverified"]?.new == 1)
        let states = try SourceStates.read(archive: configuration.archive)
        #expect(states["verified"]?.lastErrorKind == "tls")
        #expect(states["unverified"]?.lastErrorKind == nil)
        let loud = logs.records(atLeast: .warning).filter { $0.metadata["tls.verify"] == "off" }
        #expect(loud.count == 1, "one warning for the one unverified request: \(loud.map(\.message))")
    }
}
