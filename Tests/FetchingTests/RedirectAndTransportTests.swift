import FeedModel
@testable import Fetching
import Foundation
import Glibc
import Logging
import Synchronization
import Testing
import TestSupport

// Redirect hops under the politeness budget, per-request proxy and the TLS-verification
// opt-out. Everything talks to 127.0.0.1 only (the proxy test's target host is never resolved:
// the proxy on 127.0.0.1 answers for it).

@Suite struct RedirectAndTransportTests {
    /// Two requests straight to B and two that reach B through a redirect from A, with one
    /// connection allowed per host: B must never see two requests at once. (When libcurl
    /// followed redirects itself, the hop to B ran under A's budget and B saw two.)
    @Test func redirectToAnotherHostCountsAgainstThatHost() async throws {
        let onB = Recorder()
        let b = try LoopbackHTTPServer { request in
            onB.record(request)
            return onB.inFlight {
                usleep(150_000)
                return .text("final \(request.target)")
            }
        }
        defer { b.stop() }
        let onA = Recorder()
        let a = try LoopbackHTTPServer { request in
            onA.record(request)
            return TestHTTPResponse(status: 302, headers: [("Location", b.url("/from-a\(request.path)").absoluteString)])
        }
        defer { a.stop() }
        let fetcher = try CurlFetcher()
        let limited = settings(hostDelay: 0, hostConnections: 1)
        let urls = [b.url("/direct-1"), a.url("/1"), b.url("/direct-2"), a.url("/2")]
        let responses = try await withThrowingTaskGroup(of: FetchResponse.self) { group in
            for url in urls { group.addTask { try await fetcher.fetch(FetchRequest(url: url, settings: limited)) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(responses.count == 4)
        #expect(Set(responses.map(\.url.path)) == ["/direct-1", "/direct-2", "/from-a/1", "/from-a/2"])
        #expect(onB.all.count == 4)
        #expect(onA.all.count == 2)
        #expect(onB.peakInFlight == 1)
    }

    /// The hop waits for the spacing of the host it goes to.
    @Test func redirectHopWaitsForItsHostsSpacing() async throws {
        let onB = Recorder()
        let b = try LoopbackHTTPServer { request in
            onB.record(request)
            return .text("ok")
        }
        defer { b.stop() }
        let a = try LoopbackHTTPServer { _ in
            TestHTTPResponse(status: 301, headers: [("Location", b.url("/target").absoluteString)])
        }
        defer { a.stop() }
        let fetcher = try CurlFetcher()
        let spaced = settings(hostDelay: 0.4, hostConnections: 4)
        _ = try await fetcher.fetch(FetchRequest(url: b.url("/first"), settings: spaced))
        _ = try await fetcher.fetch(FetchRequest(url: a.url("/x"), settings: spaced))
        let arrivals = onB.arrivals
        try #require(arrivals.count == 2)
        #expect(arrivals[0].duration(to: arrivals[1]) >= .milliseconds(380))
    }

    @Test func credentialsAreNotCarriedToAnotherHost() async throws {
        let onB = Recorder()
        let b = try LoopbackHTTPServer { request in
            onB.record(request)
            return .text("ok")
        }
        defer { b.stop() }
        let onA = Recorder()
        let a = try LoopbackHTTPServer { request in
            onA.record(request)
            if request.path == "/same" { return TestHTTPResponse(status: 302, headers: [("Location", "/same-final")]) }
            if request.path == "/other" {
                return TestHTTPResponse(status: 302, headers: [("Location", b.url("/other-final").absoluteString)])
            }
            return .text("ok")
        }
        defer { a.stop() }
        let fetcher = try CurlFetcher()
        let headers = ["Authorization": "Bearer secret", "Cookie": "session=1", "X-Feed": "yes"]
        _ = try await fetcher.fetch(FetchRequest(url: a.url("/same"), headers: headers, settings: settings()))
        _ = try await fetcher.fetch(FetchRequest(url: a.url("/other"), headers: headers, settings: settings()))
        let sameFinal = try #require(onA.all.first { $0.path == "/same-final" })
        #expect(sameFinal.headers["authorization"] == "Bearer secret")
        #expect(sameFinal.headers["cookie"] == "session=1")
        let otherFinal = try #require(onB.all.first)
        #expect(otherFinal.headers["authorization"] == nil)
        #expect(otherFinal.headers["cookie"] == nil)
        #expect(otherFinal.headers["x-feed"] == "yes")
        #expect(otherFinal.headers["referer"] == a.url("/other").absoluteString)
    }

    @Test func requestGoesThroughItsProxy() async throws {
        let seen = Recorder()
        let proxy = try LoopbackHTTPServer { request in
            seen.record(request)
            return .text("via proxy: \(request.target)", contentType: "application/rss+xml")
        }
        defer { proxy.stop() }
        let target = URL(string: "http://feeds.herold.invalid/rss.xml")!
        let response = try await CurlFetcher().fetch(
            FetchRequest(url: target, settings: settings(), proxy: proxy.baseURL))
        #expect(response.status == 200)
        #expect(String(decoding: response.body, as: UTF8.self) == "via proxy: http://feeds.herold.invalid/rss.xml")
        let request = try #require(seen.all.first)
        #expect(request.target == "http://feeds.herold.invalid/rss.xml")
        #expect(request.headers["host"] == "feeds.herold.invalid")
    }
}

