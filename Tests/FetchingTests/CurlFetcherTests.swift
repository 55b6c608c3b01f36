import FeedModel
@testable import Fetching
import Foundation
import Glibc
import Synchronization
import Testing
import TestSupport

// End-to-end tests of CurlFetcher against the loopback server (127.0.0.1 only).

/// Records what the server saw, across its connection threads.
final class Recorder: Sendable {
    private let requests = Mutex<[TestHTTPRequest]>([])
    private let times = Mutex<[ContinuousClock.Instant]>([])
    private let inFlight = Mutex<(now: Int, peak: Int)>((0, 0))

    func record(_ request: TestHTTPRequest) {
        requests.withLock { $0.append(request) }
        times.withLock { $0.append(.now) }
    }

    var all: [TestHTTPRequest] { requests.withLock { $0 } }
    var arrivals: [ContinuousClock.Instant] { times.withLock { $0 } }
    var peakInFlight: Int { inFlight.withLock { $0.peak } }

    /// Counts a handler run as in flight for its duration.
    func inFlight<T>(_ body: () -> T) -> T {
        inFlight.withLock { state in
            state.now += 1
            state.peak = max(state.peak, state.now)
        }
        defer { inFlight.withLock { $0.now -= 1 } }
        return body()
    }
}

func settings(
    timeout: TimeInterval = 10, maxSize: Int = 1 << 20, hostDelay: TimeInterval = 0, hostConnections: Int = 4
) -> FetchSettings {
    var settings = FetchSettings()
    settings.timeout = timeout
    settings.maxSize = maxSize
    settings.hostDelay = hostDelay
    settings.hostConnections = hostConnections
    settings.userAgent = "HeroldTest/1.0 (+http://example.test/contact)"
    return settings
}

func outcome(_ fetcher: CurlFetcher, _ request: FetchRequest) async -> Result<FetchResponse, FetchError> {
    do {
        return .success(try await fetcher.fetch(request))
    } catch {
        return .failure(error)
    }
}

extension Result where Failure == FetchError {
    var error: FetchError? {
        if case .failure(let error) = self { return error }
        return nil
    }
}

@Suite("CurlFetcher over loopback")
struct CurlFetcherTests {
    @Test func okResponseCarriesBodyHeadersAndSendsOurHeaders() async throws {
        let recorder = Recorder()
        let server = try LoopbackHTTPServer { request in
            recorder.record(request)
            return TestHTTPResponse(
                status: 200,
                headers: [
                    ("Content-Type", "application/rss+xml; charset=ISO-8859-1"), ("ETag", "\"v1\""),
                    ("Last-Modified", "Sun, 29 Nov 2026 08:00:00 GMT"), ("X-Twice", "a"), ("X-Twice", "b"),
                ],
                body: Array("<rss/>".utf8))
        }
        defer { server.stop() }
        let fetcher = try CurlFetcher()
        let response = try await fetcher.fetch(
            FetchRequest(
                url: server.url("/feed.xml?x=1"), headers: ["Accept-Language": "de", "Bad": "a\r\nInjected: 1"],
                settings: settings()))
        #expect(response.status == 200)
        #expect(response.body == Array("<rss/>".utf8))
        #expect(response.url == server.url("/feed.xml?x=1"))
        #expect(response.headers["etag"] == "\"v1\"")
        #expect(response.headers["last-modified"] == "Sun, 29 Nov 2026 08:00:00 GMT")
        #expect(response.headers["x-twice"] == "a, b")
        #expect(response.mediaType == "application/rss+xml")
        #expect(response.charset == "iso-8859-1")
        let seen = try #require(recorder.all.first)
        #expect(seen.method == "GET")
        #expect(seen.target == "/feed.xml?x=1")
        #expect(seen.headers["user-agent"] == "HeroldTest/1.0 (+http://example.test/contact)")
        #expect(seen.headers["accept-language"] == "de")
        #expect(seen.headers["bad"] == nil)
        #expect(seen.headers["injected"] == nil)
        #expect(seen.headers["accept-encoding"]?.contains("gzip") == true)
        #expect(seen.headers["if-none-match"] == nil)
    }

    @Test func conditionalGetSendsValidatorsAndReturns304() async throws {
        let recorder = Recorder()
        let etag = "\"abc-123\""
        let lastModified = "Sat, 28 Nov 2026 12:00:00 GMT"
        let server = try LoopbackHTTPServer { request in
            recorder.record(request)
            if request.headers["if-none-match"] == etag {
                return TestHTTPResponse(status: 304, headers: [("ETag", etag)])
            }
            return TestHTTPResponse(
                status: 200, headers: [("ETag", etag), ("Last-Modified", lastModified)], body: Array("body".utf8))
        }
        defer { server.stop() }
        let fetcher = try CurlFetcher()
        let first = try await fetcher.fetch(FetchRequest(url: server.url("/f"), settings: settings()))
        #expect(first.status == 200)
        let second = try await fetcher.fetch(
            FetchRequest(
                url: server.url("/f"), settings: settings(), etag: first.headers["etag"],
                lastModified: first.headers["last-modified"]))
        #expect(second.status == 304)
        #expect(second.isNotModified)
        #expect(second.body.isEmpty)
        #expect(second.headers["etag"] == etag)
        let requests = recorder.all
        #expect(requests.count == 2)
        #expect(requests[1].headers["if-none-match"] == etag)
        #expect(requests[1].headers["if-modified-since"] == lastModified)
    }

    @Test func notFoundIsAnHTTPStatusError() async throws {
        let server = try LoopbackHTTPServer { _ in .text("gone", status: 404) }
        defer { server.stop() }
        let error = await outcome(try CurlFetcher(), FetchRequest(url: server.url("/missing"), settings: settings())).error
        #expect(error?.kind == .httpStatus)
        #expect(error?.status == 404)
        #expect(error?.url == server.url("/missing"))
    }

    @Test func rateLimitingCarriesTheRetryAfterDelay() async throws {
        let server = try LoopbackHTTPServer { request in
            switch request.path {
            case "/429": TestHTTPResponse(status: 429, headers: [("Retry-After", "120")])
            case "/429-bare": TestHTTPResponse(status: 429)
            case "/503-date": TestHTTPResponse(status: 503, headers: [("Retry-After", "Sun, 29 Nov 2026 10:10:00 GMT")])
            default: TestHTTPResponse(status: 503)
            }
        }
        defer { server.stop() }
        var options = CurlFetcher.Options()
        options.now = { Date(timeIntervalSince1970: 1_795_946_400) }  // 2026-11-29T10:00:00Z
        let fetcher = try CurlFetcher(options: options)
        let seconds = await outcome(fetcher, FetchRequest(url: server.url("/429"), settings: settings())).error
        #expect(seconds?.kind == .rateLimited)
        #expect(seconds?.status == 429)
        #expect(seconds?.retryAfter == 120)
        let bare = await outcome(fetcher, FetchRequest(url: server.url("/429-bare"), settings: settings())).error
        #expect(bare?.kind == .rateLimited)
        #expect(bare?.retryAfter == nil)
        let date = await outcome(fetcher, FetchRequest(url: server.url("/503-date"), settings: settings())).error
        #expect(date?.kind == .rateLimited)
        #expect(date?.status == 503)
        #expect(date?.retryAfter == 600)
        let outage = await outcome(fetcher, FetchRequest(url: server.url("/503"), settings: settings())).error
        #expect(outage?.kind == .httpStatus)
        #expect(outage?.status == 503)
    }

    @Test func redirectChainIsFollowedAndTheFinalURLReported() async throws {
        let recorder = Recorder()
        let server = try LoopbackHTTPServer { request in
            recorder.record(request)
            switch request.path {
            case "/a": return TestHTTPResponse(status: 301, headers: [("Location", "/b")])
            case "/b": return TestHTTPResponse(status: 302, headers: [("Location", "/c?step=3")])
            case "/c": return TestHTTPResponse(status: 308, headers: [("Location", "/final")])
            default: return .text("arrived at \(request.target)")
            }
        }
        defer { server.stop() }
        let response = try await CurlFetcher().fetch(FetchRequest(url: server.url("/a"), settings: settings()))
        #expect(response.status == 200)
        #expect(response.url == server.url("/final"))
        #expect(String(decoding: response.body, as: UTF8.self) == "arrived at /final")
        #expect(recorder.all.map(\.path) == ["/a", "/b", "/c", "/final"])
        #expect(
            response.redirects == [
                .init(from: server.url("/a"), status: 301, to: server.url("/b")),
                .init(from: server.url("/b"), status: 302, to: server.url("/c?step=3")),
                .init(from: server.url("/c?step=3"), status: 308, to: server.url("/final")),
            ])
        // Only the leading permanent hop says where /a lives now; /b is itself a temporary detour.
        #expect(response.permanentTarget == server.url("/b"))
        let direct = try await CurlFetcher().fetch(FetchRequest(url: server.url("/final"), settings: settings()))
        #expect(direct.redirects.isEmpty)
        #expect(direct.permanentTarget == nil)
    }

    @Test func redirectLoopStopsAtTheLimit() async throws {
        let recorder = Recorder()
        let server = try LoopbackHTTPServer { request in
            recorder.record(request)
            return TestHTTPResponse(status: 302, headers: [("Location", request.path == "/ping" ? "/pong" : "/ping")])
        }
        defer { server.stop() }
        var options = CurlFetcher.Options()
        options.maxRedirects = 5
        let error = await outcome(try CurlFetcher(options: options), FetchRequest(url: server.url("/ping"), settings: settings())).error
        #expect(error?.kind == .redirectRefused)
        #expect(recorder.all.count == 6)  // the first request and five redirects
    }

    @Test func redirectToAFileURLIsRefused() async throws {
        let server = try LoopbackHTTPServer { _ in
            TestHTTPResponse(status: 302, headers: [("Location", "file:///etc/passwd")])
        }
        defer { server.stop() }
        let result = await outcome(try CurlFetcher(), FetchRequest(url: server.url("/x"), settings: settings()))
        #expect(result.error?.kind == .redirectRefused)
        if case .success(let response) = result {
            Issue.record("a file: redirect was followed: \(response.body.count) bytes")
        }
    }

    @Test func nonHTTPURLsAreRefusedBeforeCurl() async throws {
        let fetcher = try CurlFetcher()
        for url in ["file:///etc/passwd", "ftp://127.0.0.1/x", "gopher://127.0.0.1/"] {
            let error = await outcome(fetcher, FetchRequest(url: URL(string: url)!, settings: settings())).error
            #expect(error?.kind == .invalidURL, "\(url)")
        }
    }

    @Test(arguments: [nil, TestHTTPFault.chunked, .closeDelimited])
    func bodyOverTheLimitIsTooLarge(_ framing: TestHTTPFault?) async throws {
        let limit = 64 * 1024
        let server = try LoopbackHTTPServer { request in
            let size = request.path == "/small" ? limit : limit + 1
            return TestHTTPResponse(status: 200, body: [UInt8](repeating: 0x61, count: size), fault: framing)
        }
        defer { server.stop() }
        let fetcher = try CurlFetcher()
        let big = await outcome(fetcher, FetchRequest(url: server.url("/big"), settings: settings(maxSize: limit)))
        #expect(big.error?.kind == .tooLarge)
        // Exactly at the limit is fine.
        let small = try await fetcher.fetch(FetchRequest(url: server.url("/small"), settings: settings(maxSize: limit)))
        #expect(small.body.count == limit)
    }

    @Test func gzipBombStopsAtTheLimit() async throws {
        let bomb = GzipBomb.make(atLeast: 8 << 20)
        #expect(bomb.gzip.count < 80 * 1024)
        let server = try LoopbackHTTPServer { _ in
            TestHTTPResponse(
                status: 200, headers: [("Content-Type", "application/xml"), ("Content-Encoding", "gzip")], body: bomb.gzip)
        }
        defer { server.stop() }
        let fetcher = try CurlFetcher()
        let stopped = await outcome(fetcher, FetchRequest(url: server.url("/bomb"), settings: settings(maxSize: 256 * 1024)))
        #expect(stopped.error?.kind == .tooLarge)
        // Control: with room for it, the same bytes do inflate to the full size, so the limit
        // (not a broken encoding) is what stopped the first fetch.
        let whole = try await fetcher.fetch(FetchRequest(url: server.url("/bomb"), settings: settings(maxSize: 16 << 20)))
        #expect(whole.body.count == bomb.inflatedSize)
        #expect(whole.body.allSatisfy { $0 == 0 })
    }

    @Test func oversizedResponseHeadIsTooLarge() async throws {
        let server = try LoopbackHTTPServer { _ in
            let filler = String(repeating: "x", count: 1000)
            return TestHTTPResponse(status: 200, headers: (0..<100).map { ("X-Filler-\($0)", filler) }, body: [1])
        }
        defer { server.stop() }
        var options = CurlFetcher.Options()
        options.maxHeaderBytes = 32 * 1024
        let error = await outcome(try CurlFetcher(options: options), FetchRequest(url: server.url("/"), settings: settings())).error
        #expect(error?.kind == .tooLarge)
        // Control: the same head passes under a larger cap.
        options.maxHeaderBytes = 256 * 1024
        let response = try await CurlFetcher(options: options).fetch(FetchRequest(url: server.url("/"), settings: settings()))
        #expect(response.headers.count >= 100)
    }

    @Test func refusedConnectionIsConnect() async throws {
        // A port that was just listening and is closed now.
        let server = try LoopbackHTTPServer { _ in .text("") }
        let url = server.url("/")
        server.stop()
        let error = await outcome(try CurlFetcher(), FetchRequest(url: url, settings: settings())).error
        #expect(error?.kind == .connect)
    }

    @Test func connectionResetIsConnect() async throws {
        let server = try LoopbackHTTPServer { request in
            TestHTTPResponse(
                status: 200, body: [UInt8](repeating: 0x62, count: 100_000),
                fault: .reset(afterBodyBytes: request.path == "/mid" ? 1000 : nil))
        }
        defer { server.stop() }
        let fetcher = try CurlFetcher()
        let before = await outcome(fetcher, FetchRequest(url: server.url("/start"), settings: settings())).error
        #expect(before?.kind == .connect)
        let midway = await outcome(fetcher, FetchRequest(url: server.url("/mid"), settings: settings())).error
        #expect(midway?.kind == .connect)
    }
}

/// Tests that measure time or load; run one at a time so they do not disturb each other.
@Suite("CurlFetcher timing and load", .serialized)
struct CurlFetcherTimingTests {
    @Test func trickleIsAbandonedByTheLowSpeedCutoff() async throws {
        let server = try LoopbackHTTPServer { _ in
            TestHTTPResponse(status: 200, body: [UInt8](repeating: 0x63, count: 1000), fault: .trickle(interval: .milliseconds(100)))
        }
        defer { server.stop() }
        var options = CurlFetcher.Options()
        options.lowSpeedLimit = 100  // bytes/s; the server sends 10
        options.lowSpeedTime = 1
        // A total timeout far away: only the low-speed cutoff can end this before it.
        let error = await outcome(try CurlFetcher(options: options), FetchRequest(url: server.url("/slow"), settings: settings(timeout: 30))).error
        #expect(error?.kind == .timeout)
        // curl names the cause: the low-speed cutoff ("Operation too slow. Less than 100
        // bytes/sec transferred the last 1 seconds"), not the total timeout ("Operation timed
        // out after 30000 milliseconds"). No wall-time bound: on a loaded machine (one run took
        // 43 s) the cooperative pool can hold this test's continuation long after curl gave up.
        #expect(error?.message.contains("too slow") == true, "\(String(describing: error))")
    }

    @Test func trickleIsAbandonedByTheTotalTimeout() async throws {
        let server = try LoopbackHTTPServer { _ in
            TestHTTPResponse(status: 200, body: [UInt8](repeating: 0x63, count: 1000), fault: .trickle(interval: .milliseconds(20)))
        }
        defer { server.stop() }
        var options = CurlFetcher.Options()
        options.lowSpeedLimit = 0  // 50 bytes/s would pass a cutoff anyway
        let clock = ContinuousClock()
        let start = clock.now
        let error = await outcome(try CurlFetcher(options: options), FetchRequest(url: server.url("/slow"), settings: settings(timeout: 1))).error
        let elapsed = start.duration(to: clock.now)
        #expect(error?.kind == .timeout)
        #expect(elapsed >= .milliseconds(900), "took \(elapsed)")
        // curl names the total timeout as the cause; the body would take 20 s. (No upper
        // wall-time bound, see the low-speed test.)
        #expect(error?.message.contains("timed out after") == true, "\(String(describing: error))")
    }

    @Test func fiftyConcurrentRequestsRespectTheHostCap() async throws {
        let recorder = Recorder()
        let server = try LoopbackHTTPServer { request in
            recorder.inFlight {
                recorder.record(request)
                usleep(20_000)
                return .text("item \(request.path)")
            }
        }
        defer { server.stop() }
        let fetcher = try CurlFetcher()
        let hostConnections = 2
        let bodies = try await withThrowingTaskGroup(of: (Int, String).self) { group in
            for index in 0..<50 {
                group.addTask {
                    let response = try await fetcher.fetch(
                        FetchRequest(url: server.url("/\(index)"), settings: settings(hostConnections: hostConnections)))
                    return (index, String(decoding: response.body, as: UTF8.self))
                }
            }
            var bodies: [Int: String] = [:]
            for try await (index, body) in group { bodies[index] = body }
            return bodies
        }
        #expect(bodies.count == 50)
        #expect((0..<50).allSatisfy { bodies[$0] == "item /\($0)" })
        #expect(recorder.all.count == 50)
        #expect(recorder.peakInFlight == hostConnections)
        #expect(server.stats.peakOpen <= hostConnections)
        #expect(server.stats.accepted <= hostConnections)  // connections are reused
    }

    @Test func slowTransfersOverlapInsteadOfQueueingOnThePool() async throws {
        // 40 answers that each take 250 ms: run one after another (or two at a time on a
        // 2-thread cooperative pool) they would take 5–10 s; overlapped, well under 2 s.
        let recorder = Recorder()
        let server = try LoopbackHTTPServer { request in
            recorder.inFlight {
                usleep(250_000)
                return .text("ok")
            }
        }
        defer { server.stop() }
        var options = CurlFetcher.Options()
        options.maxHostConnections = 40
        let fetcher = try CurlFetcher(options: options)
        let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
            for index in 0..<40 {
                group.addTask {
                    try await fetcher.fetch(
                        FetchRequest(url: server.url("/\(index)"), settings: settings(hostConnections: 40))
                    ).status
                }
            }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(statuses == Array(repeating: 200, count: 40))
        // The proof of overlap is how many answers were in the server at once (a wall-time
        // bound would fail on a loaded machine without saying anything about the fetcher).
        #expect(recorder.peakInFlight > 20)
    }

    @Test func droppingTheFetcherClosesItsConnections() async throws {
        let server = try LoopbackHTTPServer { _ in .text("ok") }
        defer { server.stop() }
        do {
            let fetcher = try CurlFetcher()
            _ = try await fetcher.fetch(FetchRequest(url: server.url("/"), settings: settings()))
            #expect(server.stats.open == 1)  // kept alive in curl's connection cache
        }
        var waited = 0
        while server.stats.open > 0 && waited < 40 {
            try await Task.sleep(for: .milliseconds(50))
            waited += 1
        }
        #expect(server.stats.open == 0)
    }

    @Test func hostDelaySpacesRequestsToOneHost() async throws {
        let recorder = Recorder()
        let server = try LoopbackHTTPServer { request in
            recorder.record(request)
            return .text("ok")
        }
        defer { server.stop() }
        let fetcher = try CurlFetcher()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<3 {
                group.addTask {
                    _ = try await fetcher.fetch(
                        FetchRequest(url: server.url("/\(index)"), settings: settings(hostDelay: 0.3)))
                }
            }
            try await group.waitForAll()
        }
        let arrivals = recorder.arrivals.sorted()
        #expect(arrivals.count == 3)
        for (earlier, later) in zip(arrivals, arrivals.dropFirst()) {
            #expect(earlier.duration(to: later) >= .milliseconds(280), "gap \(earlier.duration(to: later))")
        }
    }

    @Test func cancellingTheTaskAbortsTheTransfer() async throws {
        let server = try LoopbackHTTPServer { _ in
            TestHTTPResponse(status: 200, body: [UInt8](repeating: 0x64, count: 100), fault: .trickle(interval: .milliseconds(100)))
        }
        defer { server.stop() }
        let fetcher = try CurlFetcher()
        let task = Task { await outcome(fetcher, FetchRequest(url: server.url("/slow"), settings: settings(timeout: 30))) }
        try await Task.sleep(for: .milliseconds(300))
        #expect(server.stats.open == 1)
        task.cancel()
        let error = await task.value.error
        // Not cancelled, the trickle would end after 10 s with a complete body, not this error.
        #expect(error?.isCancellation == true)
        // The connection is closed by us, not left trickling: the server sees it go.
        var waited = 0
        while server.stats.open > 0 && waited < 40 {
            try await Task.sleep(for: .milliseconds(50))
            waited += 1
        }
        #expect(server.stats.open == 0)
    }

    @Test func aTaskCancelledBeforeFetchingNeverReachesTheServer() async throws {
        let recorder = Recorder()
        let server = try LoopbackHTTPServer { request in
            recorder.record(request)
            return .text("ok")
        }
        defer { server.stop() }
        let fetcher = try CurlFetcher()
        let task = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return await outcome(fetcher, FetchRequest(url: server.url("/never"), settings: settings()))
        }
        #expect(await task.value.error?.isCancellation == true)
        try await Task.sleep(for: .milliseconds(100))
        #expect(recorder.all.isEmpty)
    }
}

@Suite("deny_private_networks")
struct DenyPrivateNetworksTests {
    @Test(arguments: [
        ("127.0.0.1", true), ("10.1.2.3", true), ("172.16.0.1", true), ("172.32.0.1", false),
        ("192.168.1.1", true), ("169.254.169.254", true), ("100.64.0.1", true), ("0.0.0.0", true),
        ("224.0.0.1", true), ("93.184.216.34", false), ("::1", true), ("::", true), ("fe80::1", true),
        ("fd00::1", true), ("::ffff:127.0.0.1", true), ("::ffff:93.184.216.34", false),
        ("2606:2800:220:1::1", false),
    ])
    func addressRanges(_ address: String, _ denied: Bool) {
        #expect(AddressPolicy.isDenied(text: address) == denied)
    }

    @Test func loopbackIsRefusedBeforeConnectingWhenDenied() async throws {
        let recorder = Recorder()
        let server = try LoopbackHTTPServer { request in
            recorder.record(request)
            return .text("secret")
        }
        defer { server.stop() }
        let fetcher = try CurlFetcher()
        var denying = settings()
        denying.denyPrivateNetworks = true
        let error = await outcome(fetcher, FetchRequest(url: server.url("/admin"), settings: denying)).error
        #expect(error?.kind == .connect)
        #expect(error?.message.contains("127.0.0.1") == true)
        #expect(server.stats.accepted == 0)
        // Control: the same URL without the setting is fetched.
        let allowed = try await fetcher.fetch(FetchRequest(url: server.url("/admin"), settings: settings()))
        #expect(allowed.body == Array("secret".utf8))
        // And a connection opened by an allowed request is not reused for a denied one.
        let reused = await outcome(fetcher, FetchRequest(url: server.url("/admin"), settings: denying)).error
        #expect(reused?.kind == .connect)
    }
}
