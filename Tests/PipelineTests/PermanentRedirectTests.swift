import Archive
import Config
import FeedModel
import Foundation
import Logging
import Pipeline
import Synchronization
import TestSupport
import Testing

/// Permanent redirects of a source's URL, over the loopback fault server, poll after poll
/// (with an injected clock): counted while consistent, adopted after `permanent_redirect_polls`
/// (default 3), kept across a restart, reset by a temporary redirect or a direct answer, and
/// dropped when the operator changes the URL in feeds.yml.
@Suite("Permanent redirects of a source", .serialized)
struct PermanentRedirectTests {
    /// How /old.xml answers.
    enum OldAnswer: Sendable { case status(Int), direct }

    static func rss(_ host: String, title: String) -> String {
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>\(title)</title><item><title>Meldung</title>"
            + "<link>http://\(host)/meldung</link><guid>m-1</guid>"
            + "<description>Ein kurzer Text der Meldung.</description></item></channel></rss>"
    }

    /// A throwaway folder with a feeds.yml for one source `moved` at `url`.
    struct Setup {
        let folder: URL
        var file: URL { folder.appendingPathComponent("feeds.yml") }

        init() throws {
            folder = FileManager.default.temporaryDirectory.appendingPathComponent("herold-moved-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        }

        func write(url: URL, extra: String = "") throws -> Configuration {
            try "feed:\n  id: \"tag:herold.test,2026:moved\"\ndefaults:\n  host_delay: 0s\nsources:\n  - id: moved\n    url: \"\(url)\"\n\(extra)"
                .write(to: file, atomically: true, encoding: .utf8)
            return try ConfigLoader.load(from: file)
        }

        func state() throws -> SourceState? {
            try SourceStates.read(archive: folder.appendingPathComponent("archive"))["moved"]
        }
    }

    @Test("301/308 three polls in a row move the source for good; 302 resets; a restart keeps it; feeds.yml wins")
    func movedAfterThreeConsistentPolls() async throws {
        let answer = Mutex(OldAnswer.status(301))
        let paths = Mutex<[String]>([])
        let server = try LoopbackHTTPServer { request in
            paths.withLock { $0.append(request.path) }
            let host = request.headers["host"] ?? ""
            switch request.path {
            case "/old.xml":
                switch answer.withLock({ $0 }) {
                case .status(let status): return TestHTTPResponse(status: status, headers: [("Location", "/new.xml")])
                case .direct: return .text(Self.rss(host, title: "Alt"), contentType: "application/rss+xml")
                }
            case "/new.xml": return .text(Self.rss(host, title: "Neu"), contentType: "application/rss+xml")
            case "/other.xml": return .text(Self.rss(host, title: "Anders"), contentType: "application/rss+xml")
            default: return .text("no", status: 404)
            }
        }
        defer { server.stop() }
        let setup = try Setup()
        defer { try? FileManager.default.removeItem(at: setup.folder) }
        let old = server.url("/old.xml")
        let new = server.url("/new.xml")
        var configuration = try setup.write(url: old)
        #expect(configuration.sources[0].fetch.permanentRedirectPolls == 3, "the default")

        let clock = Mutex(Date(timeIntervalSince1970: 1_800_000_000))
        let logs = LogRecorder()
        let logger = logs.logger(label: "moved")
        func makeRun(_ configuration: Configuration) throws -> FetchRun {
            FetchRun(
                configuration: configuration, fetcher: try makeTestFetcher(logger: logger), logger: logger,
                now: { clock.withLock { $0 } })
        }
        /// One poll, an hour after the previous one; what it reported and which paths it asked for.
        func poll(_ run: FetchRun) async throws -> (report: SourceReport, paths: [String]) {
            clock.withLock { $0 = $0.addingTimeInterval(3600) }
            paths.withLock { $0 = [] }
            let report = try #require(await run.run().sources.first)
            #expect(report.succeeded, "\(report.line)")
            #expect(try setup.state()?.lastAttempt == clock.withLock { $0 }, "the injected clock is the one used")
            return (report, paths.withLock { $0 })
        }

        var run = try makeRun(configuration)
        // Two permanent redirects: counted, reported, not adopted yet.
        for count in 1...2 {
            let (report, asked) = try await poll(run)
            #expect(asked == ["/old.xml", "/new.xml"])
            #expect(
                report.permanentRedirect
                    == SourceReport.PermanentRedirect(from: old, to: new, polls: count, threshold: 3, adopted: false))
            #expect(report.line.contains("redirects permanently to \(new.absoluteString) (\(count) of 3 polls"), "\(report.line)")
            let state = try #require(try setup.state())
            #expect(state.url == old)
            #expect(state.movedTo == new && state.movedPolls == count)
        }
        // A temporary redirect resets the count and changes nothing.
        answer.withLock { $0 = .status(302) }
        var (report, asked) = try await poll(run)
        #expect(asked == ["/old.xml", "/new.xml"])
        #expect(report.permanentRedirect == nil)
        #expect(try setup.state()?.movedTo == nil)
        #expect(try setup.state()?.url == old)
        // A direct answer resets it too.
        answer.withLock { $0 = .status(301) }
        _ = try await poll(run)
        answer.withLock { $0 = .direct }
        (report, asked) = try await poll(run)
        #expect(asked == ["/old.xml"])
        #expect(report.permanentRedirect == nil)
        #expect(try setup.state()?.movedTo == nil && setup.state()?.movedPolls == nil)

        // 301, 308, 301: three in a row (both permanent kinds count) — the third adopts /new.xml.
        for (index, status) in [301, 308, 301].enumerated() {
            answer.withLock { $0 = .status(status) }
            (report, asked) = try await poll(run)
            #expect(report.permanentRedirect?.polls == index + 1)
            #expect(report.permanentRedirect?.adopted == (index == 2))
        }
        #expect(report.line.contains("moved permanently to \(new.absoluteString)"), "\(report.line)")
        var state = try #require(try setup.state())
        #expect(state.url == new)
        #expect(state.configuredURL == old)
        #expect(state.movedTo == nil)
        let warnings = logs.records(atLeast: .warning).filter { $0.metadata["source.id"] == "moved" }
        let adoption = try #require(warnings.last)
        #expect(adoption.message.contains("moved permanently"))
        #expect(adoption.metadata["url.old"] == old.absoluteString)
        #expect(adoption.metadata["url.new"] == new.absoluteString)
        #expect(warnings.count == 6, "one warning per poll that saw a permanent redirect: \(warnings.map(\.message))")

        // Later polls go straight to the new URL, even while the old one still redirects.
        (report, asked) = try await poll(run)
        #expect(asked == ["/new.xml"])
        #expect(report.permanentRedirect == nil)

        // A restart (a new run from the re-read feeds.yml and sources.json) keeps it.
        configuration = try setup.write(url: old)
        run = try makeRun(configuration)
        (_, asked) = try await poll(run)
        #expect(asked == ["/new.xml"])

        // The operator edits feeds.yml: the stored URL gives way to the new configured one.
        let other = server.url("/other.xml")
        configuration = try setup.write(url: other)
        run = try makeRun(configuration)
        (report, asked) = try await poll(run)
        #expect(asked == ["/other.xml"])
        state = try #require(try setup.state())
        #expect(state.url == other)
        #expect(state.configuredURL == nil)
        #expect(state.title == "Anders")
    }

    @Test("permanent_redirect_polls from feeds.yml: 1 adopts at once, 0 only reports")
    func thresholdIsConfigurable() async throws {
        let server = try LoopbackHTTPServer { request in
            switch request.path {
            case "/old.xml": return TestHTTPResponse(status: 308, headers: [("Location", "/new.xml")])
            default: return .text(Self.rss(request.headers["host"] ?? "", title: "Neu"), contentType: "application/rss+xml")
            }
        }
        defer { server.stop() }
        let logger = Logger(label: "moved")
        for (threshold, adopted) in [(1, true), (0, false)] {
            let setup = try Setup()
            defer { try? FileManager.default.removeItem(at: setup.folder) }
            let configuration = try setup.write(url: server.url("/old.xml"), extra: "    permanent_redirect_polls: \(threshold)\n")
            #expect(configuration.sources[0].fetch.permanentRedirectPolls == threshold)
            let run = FetchRun(configuration: configuration, fetcher: try makeTestFetcher(logger: logger), logger: logger)
            for _ in 0..<3 { _ = await run.run() }
            let state = try #require(try setup.state())
            #expect((state.url == server.url("/new.xml")) == adopted, "permanent_redirect_polls: \(threshold)")
            if !adopted {
                #expect(state.movedPolls == 3, "still counted and reported")
                let report = try #require(await run.run().sources.first)
                #expect(report.line.contains("not adopted: permanent_redirect_polls is 0"), "\(report.line)")
            }
        }
    }

    @Test("the first poll of an adopted URL is conditional: the validators came with the redirected answer")
    func adoptedURLKeepsItsValidators() async throws {
        let conditional = Mutex<[String?]>([])  // If-None-Match of each request for /new.xml
        let server = try LoopbackHTTPServer { request in
            switch request.path {
            case "/old.xml": return TestHTTPResponse(status: 301, headers: [("Location", "/new.xml")])
            case "/new.xml":
                let tag = request.headers["if-none-match"]
                conditional.withLock { $0.append(tag) }
                if tag == "\"v1\"" { return TestHTTPResponse(status: 304, headers: [("ETag", "\"v1\"")]) }
                var response = TestHTTPResponse.text(Self.rss(request.headers["host"] ?? "", title: "Neu"), contentType: "application/rss+xml")
                response.headers.append(("ETag", "\"v1\""))
                return response
            default: return .text("no", status: 404)
            }
        }
        defer { server.stop() }
        let setup = try Setup()
        defer { try? FileManager.default.removeItem(at: setup.folder) }
        let configuration = try setup.write(url: server.url("/old.xml"), extra: "    permanent_redirect_polls: 1\n")
        let logger = LogRecorder().logger(label: "moved")
        let run = FetchRun(configuration: configuration, fetcher: try makeTestFetcher(logger: logger), logger: logger)
        let first = try #require(await run.run().sources.first)
        #expect(first.permanentRedirect?.adopted == true, "\(first.line)")
        #expect(try setup.state()?.url == server.url("/new.xml"))
        let second = try #require(await run.run().sources.first)
        #expect(second.notModified, "\(second.line)")
        let sent = conditional.withLock { $0 }
        #expect(sent == [nil, "\"v1\""], "the redirected poll, then the adopted URL's first direct poll: \(sent)")
    }
}
