import Foundation
import TestSupport

/// A loopback web site serving `../shared/fixtures/ministry/` at the paths of the fixture URLs
/// (`url`, `canonical`, `article_url` of every `*.expected.json`). In every document served the
/// fixture hosts are rewritten to the server itself, so feed entries, list links, `<base href>`
/// and canonical links all lead back to it and no test ever reaches the fixtures' real hosts.
/// Anything else is 404.
final class FixtureSite: Sendable {
    let server: LoopbackHTTPServer
    let directory: URL
    /// Request targets answered, in order (for assertions on what was fetched).
    let log = RequestLog()

    static let fixtureHosts = ["https://finanzen.thueringen.de", "https://www.example-bund.de"]

    init(directory: URL) throws {
        self.directory = directory
        var routes: [String: String] = [:]
        let manifest = try Fixtures.json(directory.appendingPathComponent("manifest.json"))
        for entry in manifest["fixtures"] as? [[String: Any]] ?? [] {
            guard let file = entry["file"] as? String, let expected = entry["expected"] as? String else { continue }
            let truth = try Fixtures.json(directory.appendingPathComponent(expected))
            for key in ["url", "canonical", "article_url"] {
                guard let address = truth[key] as? String, let url = URL(string: address) else { continue }
                routes[Self.target(of: url)] = file
            }
        }
        let table = routes
        let log = self.log
        server = try LoopbackHTTPServer { request in
            log.append(request.target, conditional: request.headers["if-none-match"] != nil)
            guard let file = table[request.target] ?? table[request.path],
                var body = try? Fixtures.bytes(directory.appendingPathComponent(file))
            else {
                return .text("not found", status: 404)
            }
            let isFeed = file.hasSuffix(".xml")
            if let host = request.headers["host"] {
                body = FixtureSite.rewriteHosts(body, to: "http://\(host)")
            }
            let charset = file.contains("detail-2") ? "" : "; charset=utf-8"
            let type = isFeed ? "application/rss+xml" : "text/html\(charset)"
            // A strong validator from the bytes served, and 304 when the client has them.
            let etag = "\"\(String(UInt64(bitPattern: Int64(body.count)), radix: 16))-\(String(body.reduce(UInt32(2166136261)) { ($0 ^ UInt32($1)) &* 16777619 }, radix: 16))\""
            if request.headers["if-none-match"] == etag {
                return TestHTTPResponse(status: 304, headers: [("ETag", etag)])
            }
            return TestHTTPResponse(status: 200, headers: [("Content-Type", type), ("ETag", etag)], body: body)
        }
    }

    /// Replaces the fixture hosts by `origin` byte-wise (the documents are UTF-8 or ISO-8859-1;
    /// the host names are ASCII, so both stay intact).
    static func rewriteHosts(_ body: [UInt8], to origin: String) -> [UInt8] {
        var result = body
        for host in fixtureHosts {
            let needle = Array(host.utf8)
            let replacement = Array(origin.utf8)
            var out: [UInt8] = []
            out.reserveCapacity(result.count)
            var i = 0
            while i < result.count {
                if result[i] == needle[0], i + needle.count <= result.count, Array(result[i..<(i + needle.count)]) == needle {
                    out += replacement
                    i += needle.count
                } else {
                    out.append(result[i])
                    i += 1
                }
            }
            result = out
        }
        return result
    }

    /// The request target (path, `;params` and query) of a fixture URL.
    static func target(of url: URL) -> String {
        let components = URLComponents(url: url, resolvingAgainstBaseURL: false)
        var target = components?.percentEncodedPath ?? url.path
        if let query = components?.percentEncodedQuery { target += "?\(query)" }
        return target
    }

    /// The loopback URL of a fixture URL.
    func local(_ fixtureURL: String) -> URL {
        server.url(Self.target(of: URL(string: fixtureURL)!))
    }

    func stop() { server.stop() }
}

/// A thread-safe list of request targets, and which of them were conditional.
final class RequestLog: Sendable {
    private let entries = Mutex<[(target: String, conditional: Bool)]>([])
    func append(_ target: String, conditional: Bool) { entries.withLock { $0.append((target, conditional)) } }
    var all: [(target: String, conditional: Bool)] { entries.withLock { $0 } }
    func clear() { entries.withLock { $0.removeAll() } }
}

import Synchronization
