import Archive
import Config
import Foundation
import Logging
import Pipeline
import Synchronization
import TestSupport
import Testing

/// The next poll after a success: `every`, raised to the answer's cache lifetime
/// (Cache-Control/Expires) or the feed's RSS `<ttl>`, whichever is longer, capped at a day.
@Suite("Poll planner: cache lifetime and RSS ttl as floors")
struct PollPlannerTests {
    /// No jitter: `random` is the midpoint, so the interval is exact.
    let planner = PollPlanner(random: { 0.5 })
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    func delay(_ outcome: PollPlanner.Outcome, every: TimeInterval = 600) -> TimeInterval {
        planner.next(after: outcome, every: every, now: now).timeIntervalSince(now)
    }

    @Test func ttlRaisesTheNextPollAboveTheInterval() {
        #expect(delay(.success(cacheLifetime: nil)) == 600)
        #expect(delay(.success(cacheLifetime: nil, ttl: 7200)) == 7200)
        // A ttl shorter than the interval does not make Herold poll sooner.
        #expect(delay(.success(cacheLifetime: nil, ttl: 60)) == 600)
        // Beside Cache-Control/Expires, the longer floor wins.
        #expect(delay(.success(cacheLifetime: 3600, ttl: 7200)) == 7200)
        #expect(delay(.success(cacheLifetime: 9000, ttl: 7200)) == 9000)
        // A week-long ttl is capped like a cache lifetime.
        #expect(delay(.success(cacheLifetime: nil, ttl: 7 * 86400)) == planner.maxCacheLifetime)
    }

    @Test func ttlDoesNotDelayARetryAfterAFailure() {
        // A failure backs off from the interval; a ttl from an earlier answer plays no part.
        #expect(delay(.failure(failures: 1, retryAfter: nil)) == 600)
    }

    @Test("a feed's <ttl> sets the next poll, and a 304 keeps honouring it")
    func feedTTLThroughAPoll() async throws {
        let ttlMinutes = Mutex(120)
        let server = try LoopbackHTTPServer { request in
            let minutes = ttlMinutes.withLock { $0 }
            let etag = "\"ttl-\(minutes)\""
            if request.headers["if-none-match"] == etag { return TestHTTPResponse(status: 304, headers: [("ETag", etag)]) }
            let xml =
                "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>TTL</title><ttl>\(minutes)</ttl><item>"
                + "<title>Eins</title><link>http://\(request.headers["host"] ?? "")/1</link><guid>t-1</guid>"
                + "<description>Ein Text.</description></item></channel></rss>"
            return TestHTTPResponse(
                status: 200, headers: [("Content-Type", "application/rss+xml"), ("ETag", etag)], body: Array(xml.utf8))
        }
        defer { server.stop() }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("herold-ttl-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try "feed:\n  id: \"tag:herold.test,2026:ttl\"\ndefaults:\n  host_delay: 0s\nsources:\n  - id: ttl\n    url: \"\(server.url("/feed.xml"))\"\n    every: 10m\n"
            .write(to: folder.appendingPathComponent("feeds.yml"), atomically: true, encoding: .utf8)
        let configuration = try ConfigLoader.load(from: folder.appendingPathComponent("feeds.yml"))
        let clock = Mutex(now)
        let logger = Logger(label: "ttl")
        var run = FetchRun(
            configuration: configuration, fetcher: try makeTestFetcher(logger: logger), logger: logger,
            now: { clock.withLock { $0 } })
        run.planner = planner
        func nextPollDelay() throws -> TimeInterval? {
            let state = try SourceStates.read(archive: configuration.archive)["ttl"]
            return state?.nextPoll.map { $0.timeIntervalSince(clock.withLock { $0 }) }
        }

        let first = try #require(await run.run().sources.first)
        #expect(first.succeeded && !first.notModified, "\(first.line)")
        #expect(try nextPollDelay() == 7200, "<ttl>120</ttl> outweighs every: 10m")
        #expect(try SourceStates.read(archive: configuration.archive)["ttl"]?.ttl == 7200)

        clock.withLock { $0 = $0.addingTimeInterval(7200) }
        let second = try #require(await run.run().sources.first)
        #expect(second.notModified, "\(second.line)")
        #expect(try nextPollDelay() == 7200, "a 304 is not parsed, the stored ttl still counts")

        // The feed drops to a 5-minute ttl: the interval is the floor again.
        ttlMinutes.withLock { $0 = 5 }
        clock.withLock { $0 = $0.addingTimeInterval(7200) }
        let third = try #require(await run.run().sources.first)
        #expect(!third.notModified)
        #expect(try nextPollDelay() == 600)
    }
}
