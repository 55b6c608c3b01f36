import Archive
import FeedModel
import Foundation
import Logging
import Pipeline
import Serving
import TestSupport
import Testing

/// A temporary archive rendered by the real pipeline renderer (feeds and site), served by a
/// `HeroldServer` on 127.0.0.1 with an ephemeral port.
final class ServedArchive: Sendable {
    let root: URL
    let configuration: Configuration
    let port: Int
    let task: Task<Void, any Error>
    /// A folder outside the archive with a secret file, for the traversal tests.
    let outside: URL
    static let secret = "TOP-SECRET-7f3a9c"

    static func words(_ n: Int) -> String {
        var state = UInt64(n) &* 0x9E37_79B9_7F4A_7C15 | 1
        let vocabulary = ["Haushalt", "Schule", "Brücke", "Wasser", "Energie", "Klima", "Wald", "Polizei", "Pflege", "Bahn", "Steuer", "Kultur"]
        return (0..<80).map { _ in
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return vocabulary[Int(state % UInt64(vocabulary.count))]
        }.joined(separator: " ")
    }

    /// Archives stories `range` (titles "Pressemitteilung n: …") and renders the outputs.
    static func addStories(_ range: ClosedRange<Int>, root: URL, configuration: Configuration) async throws -> [String] {
        let store = try ArchiveStore(root: root, feedID: configuration.feed.id)
        var ids: [String] = []
        let base = Date(timeIntervalSince1970: 1_780_000_000)
        for n in range {
            let url = URL(string: "https://ministerium.example/presse/\(n)")!
            let text = "Pressemitteilung \(n). " + words(n)
            let article = Article(
                url: url, canonical: url, title: "Pressemitteilung \(n): Förderung & Ausbau", published: base + Double(n) * 60,
                author: "Pressestelle", language: "de", text: text, html: "<p>\(text)</p>")
            if case .new(let id) = try await store.ingest(
                Observation(sourceID: "presse", place: url, article: article, seenAt: base + Double(n) * 60))
            {
                ids.append(id)
            }
        }
        try await store.checkpoint()
        let states = [
            "presse": SourceState(
                id: "presse", title: "Presse", url: URL(string: "https://ministerium.example/presse.xml")!,
                lastSuccess: base)
        ]
        try await OutputRenderer(configuration: configuration, now: { base + 1_000_000 }).render(
            store: store, states: states, touched: Set(ids))
        return ids
    }

    init(stories: Int, entries: Int = 50) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("herold-serve-\(UUID().uuidString)")
        root = folder.appendingPathComponent("archive")
        outside = folder.appendingPathComponent("outside")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: outside, withIntermediateDirectories: true)
        var feed = OutputFeedSettings()
        feed.title = "Herold Test"
        feed.id = "tag:herold.test,2026:serve"
        feed.entries = entries
        configuration = Configuration(
            file: folder.appendingPathComponent("feeds.yml"), archive: root, feed: feed, sources: [])
        _ = try await Self.addStories(1...stories, root: root, configuration: configuration)

        // Things that must never be served.
        try "\(Self.secret)\n".write(to: outside.appendingPathComponent("secret.atom"), atomically: true, encoding: .utf8)
        try "\(Self.secret)\n".write(to: folder.appendingPathComponent("secret.atom"), atomically: true, encoding: .utf8)
        let fm = FileManager.default
        try fm.createSymbolicLink(atPath: root.appendingPathComponent("leak.atom").path, withDestinationPath: outside.appendingPathComponent("secret.atom").path)
        try fm.createSymbolicLink(atPath: root.appendingPathComponent("linkdir").path, withDestinationPath: outside.path)
        try fm.createSymbolicLink(atPath: root.appendingPathComponent("history/alias.atom").path, withDestinationPath: root.appendingPathComponent("feed.atom").path)
        try "\(Self.secret)\n".write(to: root.appendingPathComponent(".hidden.atom"), atomically: true, encoding: .utf8)

        let (stream, continuation) = AsyncStream<Int>.makeStream()
        var logger = Logger(label: "herold.serve.test")
        logger.logLevel = .critical  // cancellation, the tests' way to stop, is logged as an error
        let server = HeroldServer(
            root: root, options: HeroldServer.Options(host: "127.0.0.1", port: 0), logger: logger,
            onListening: { continuation.yield($0) })
        task = Task { try await server.run() }
        var iterator = stream.makeAsyncIterator()
        guard let port = await iterator.next() else { throw CocoaError(.featureUnsupported) }
        self.port = port
    }

    func get(_ target: String, method: String = "GET", headers: [(String, String)] = []) async throws -> RawResponse {
        try await TestClient.request(port: port, method: method, target: target, headers: headers)
    }

    func file(_ path: String) throws -> [UInt8] { try Fixtures.bytes(root.appendingPathComponent(path)) }

    func stop() async {
        task.cancel()
        _ = await task.result
        try? FileManager.default.removeItem(at: root.deletingLastPathComponent())
    }
}

@Suite("herold serve", .serialized)
struct ServerTests {
    @Test("content types, strong validators, Cache-Control and the bytes on disk")
    func documents() async throws {
        let served = try await ServedArchive(stories: 12, entries: 5)
        let itemFolder = try #require(
            FileManager.default.subpaths(atPath: served.root.appendingPathComponent("items").path)?
                .first { $0.hasSuffix("/1.html") })
        let cases: [(String, String, String)] = [
            ("/feed.atom", "application/atom+xml; charset=utf-8", "feed.atom"),
            ("/feed.json", "application/feed+json; charset=utf-8", "feed.json"),
            ("/history/1.atom", "application/atom+xml; charset=utf-8", "history/1.atom"),
            ("/sources/presse.atom", "application/atom+xml; charset=utf-8", "sources/presse.atom"),
            ("/", "text/html; charset=utf-8", "index.html"),
            ("/index.html?utm_source=x", "text/html; charset=utf-8", "index.html"),
            ("/items/\(itemFolder)", "text/html; charset=utf-8", "items/\(itemFolder)"),
        ]
        for (target, type, path) in cases {
            let response = try await served.get(target)
            #expect(response.status == 200, "\(target)")
            #expect(response.headers["content-type"] == type, "\(target)")
            #expect(response.body == (try served.file(path)), "\(target) serves the file's bytes")
            let etag = try #require(response.headers["etag"])
            #expect(etag.hasPrefix("\"") && !etag.hasPrefix("W/"), "strong ETag for \(target)")
            #expect(response.headers["last-modified"]?.hasSuffix(" GMT") == true)
            #expect(response.headers["cache-control"]?.hasPrefix("public, max-age=") == true)
        }
        let revision = try await served.get("/items/\(itemFolder)")
        #expect(revision.headers["cache-control"]?.contains("immutable") == true, "revision files never change")
        let health = try await served.get("/healthz")
        #expect(health.status == 200 && health.text == "ok\n")
        #expect(health.headers["cache-control"] == "no-store")
        await served.stop()
    }

    @Test("If-None-Match and If-Modified-Since give 304; a new render gives a new ETag; HEAD has no body")
    func conditional() async throws {
        let served = try await ServedArchive(stories: 6, entries: 5)
        let first = try await served.get("/feed.atom")
        let etag = try #require(first.headers["etag"])
        let modified = try #require(first.headers["last-modified"])

        let again = try await served.get("/feed.atom")
        #expect(again.headers["etag"] == etag, "the same bytes keep their ETag")
        let notModified = try await served.get("/feed.atom", headers: [("If-None-Match", etag)])
        #expect(notModified.status == 304)
        #expect(notModified.body.isEmpty)
        #expect(notModified.headers["etag"] == etag)
        let list = try await served.get("/feed.atom", headers: [("If-None-Match", "\"nope\", W/\(etag)")])
        #expect(list.status == 304, "weak comparison over a list")
        let other = try await served.get("/feed.atom", headers: [("If-None-Match", "\"0000\"")])
        #expect(other.status == 200 && other.body == first.body)
        let since = try await served.get("/feed.atom", headers: [("If-Modified-Since", modified)])
        #expect(since.status == 304)
        let older = try await served.get("/feed.atom", headers: [("If-Modified-Since", "Sat, 01 Jan 2000 00:00:00 GMT")])
        #expect(older.status == 200)
        let precedence = try await served.get("/feed.atom", headers: [("If-None-Match", "\"0000\""), ("If-Modified-Since", modified)])
        #expect(precedence.status == 200, "If-None-Match decides when present (RFC 9110 §13.1.3)")

        let head = try await served.get("/feed.atom", method: "HEAD")
        #expect(head.status == 200)
        #expect(head.body.isEmpty)
        #expect(head.headers["content-length"] == String(first.body.count))
        #expect(head.headers["etag"] == etag)
        #expect(head.headers["content-type"] == "application/atom+xml; charset=utf-8")

        // New stories: feed.atom changes, and so does its ETag.
        _ = try await ServedArchive.addStories(7...8, root: served.root, configuration: served.configuration)
        let changed = try await served.get("/feed.atom", headers: [("If-None-Match", etag)])
        #expect(changed.status == 200)
        #expect(changed.headers["etag"] != etag)
        #expect(changed.body == (try served.file("feed.atom")))
        await served.stop()
    }

    @Test("gzip when asked: the body inflates to the file, its own ETag, Vary; q=0 refuses it")
    func gzip() async throws {
        let served = try await ServedArchive(stories: 8, entries: 8)
        let plain = try await served.get("/feed.atom")
        let zipped = try await served.get("/feed.atom", headers: [("Accept-Encoding", "br, gzip;q=0.8")])
        #expect(zipped.status == 200)
        #expect(zipped.headers["content-encoding"] == "gzip")
        #expect(zipped.headers["vary"] == "Accept-Encoding")
        #expect(zipped.body.count < plain.body.count / 2)
        #expect(Array(zipped.body.prefix(2)) == [0x1f, 0x8b], "a gzip member")
        let inflated = try AtomReaderShell.gunzip(zipped.body)
        #expect(inflated == (try served.file("feed.atom")))
        let zippedETag = try #require(zipped.headers["etag"])
        #expect(zippedETag != plain.headers["etag"], "another representation, another strong ETag")
        let revalidated = try await served.get("/feed.atom", headers: [("Accept-Encoding", "gzip"), ("If-None-Match", zippedETag)])
        #expect(revalidated.status == 304)
        let refused = try await served.get("/feed.atom", headers: [("Accept-Encoding", "gzip;q=0")])
        #expect(refused.headers["content-encoding"] == nil)
        #expect(refused.body == plain.body)
        let head = try await served.get("/feed.atom", method: "HEAD", headers: [("Accept-Encoding", "gzip")])
        #expect(head.headers["content-length"] == String(zipped.body.count))
        #expect(head.body.isEmpty)
        await served.stop()
    }

    @Test("other methods: 405 with Allow; unknown paths: 404; neither echoes the request")
    func errors() async throws {
        let served = try await ServedArchive(stories: 2)
        for method in ["POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE"] {
            let response = try await served.get("/feed.atom?<script>", method: method)
            #expect(response.status == 405, "\(method)")
            #expect(response.headers["allow"] == "GET, HEAD")
            #expect(response.text == "Method Not Allowed\n")
        }
        let missing = try await served.get("/nothing-<b>here</b>.html")
        #expect(missing.status == 404)
        #expect(missing.text == "Not Found\n")
        #expect(missing.headers["server"] == nil || missing.headers["server"] == "Herold")
        await served.stop()
    }

    /// Request targets that try to leave the archive or reach what is not an output. Every one
    /// must be refused: 404 (or 400 from the HTTP parser), never the secret, never a file.
    static let traversal: [String] = [
        "/../secret.atom", "/../../etc/passwd", "/..%2fsecret.atom", "/..%2Fsecret.atom", "/%2e%2e/secret.atom",
        "/%2e%2e%2fsecret.atom", "/%2E%2E/%2E%2E/etc/passwd", "/history/../../secret.atom", "/history/..%2f..%2fsecret.atom",
        "/history/%2e%2e/%2e%2e/secret.atom", "/items/../feed.atom", "/./feed.atom", "/history/./1.atom", "//etc/passwd",
        "//feed.atom", "/history//1.atom", "/%2ffeed.atom", "/history%2f1.atom", "/%5c..%5csecret.atom", "/..\\secret.atom",
        "/feed.atom%00.html", "/feed.atom%00", "/%00", "/leak.atom", "/linkdir/secret.atom", "/history/alias.atom",
        "/.hidden.atom", "/history/.state.json", "/history/.assigned", "/herold.sqlite", "/herold.sqlite-wal", "/sources.json",
        "/.lock", "/.index-dirty", "/sources/.presse.recent.json", "/items/", "/etc/passwd", "/%c0%ae%c0%ae/secret.atom",
        "/%252e%252e/secret.atom", "/..;/secret.atom", "/feed.atom/", "/feed.atom/..", "/index.html/../../secret.atom",
        "/%", "/%zz", "/%2", "/items/2026/../../../secret.atom", "/history/1.atom%2f..%2f..%2fsecret.atom",
    ]

    @Test("path traversal: every target of the list is refused, none yields the secret or a non-output file")
    func pathTraversal() async throws {
        let served = try await ServedArchive(stories: 3)
        // Controls: the secret is really there, and the legitimate documents really are served.
        let secret = served.outside.appendingPathComponent("secret.atom")
        #expect(try String(contentsOf: secret, encoding: .utf8).contains(ServedArchive.secret))
        #expect(try String(contentsOf: served.root.appendingPathComponent("leak.atom"), encoding: .utf8).contains(ServedArchive.secret))
        #expect(try await served.get("/feed.atom").status == 200)
        #expect(try await served.get("/history/1.atom").status == 200)

        var refused = 0
        for target in Self.traversal {
            let response = try await served.get(target)
            #expect([400, 404].contains(response.status), "\(target) answered \(response.status)")
            #expect(!response.text.contains(ServedArchive.secret), "\(target) leaked the secret")
            #expect(!response.text.contains("root:"), "\(target) leaked /etc/passwd")
            #expect(!response.text.contains("<feed"), "\(target) served a document")
            let temporary = FileManager.default.temporaryDirectory.path
            #expect(!response.text.contains(temporary) && !response.text.contains(served.root.path), "\(target) leaked a path")
            if [400, 404].contains(response.status) { refused += 1 }
        }
        #expect(refused == Self.traversal.count)
        await served.stop()
    }

    @Test("the server stops when its task is cancelled (the daemon's graceful shutdown path)")
    func stops() async throws {
        let served = try await ServedArchive(stories: 1)
        #expect(try await served.get("/healthz").status == 200)
        await served.stop()
        await #expect(throws: (any Error).self) { try await TestClient.request(port: served.port, target: "/healthz") }
    }

    @Test("listen addresses parse as HOST:PORT")
    func listen() {
        #expect(HeroldServer.Options.listen("127.0.0.1:8080")! == ("127.0.0.1", 8080))
        #expect(HeroldServer.Options.listen("[::1]:9000")! == ("::1", 9000))
        #expect(HeroldServer.Options.listen("localhost") == nil)
        #expect(HeroldServer.Options.listen(":80") == nil)
        #expect(HeroldServer.Options.listen("127.0.0.1:99999") == nil)
    }
}

/// gunzip through the system's gzip (a second implementation, not our own code).
enum AtomReaderShell {
    static func gunzip(_ bytes: [UInt8]) throws -> [UInt8] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/gzip")
        process.arguments = ["-dc"]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        let writer = Thread {
            input.fileHandleForWriting.write(Data(bytes))
            try? input.fileHandleForWriting.close()
        }
        writer.start()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return [UInt8](data)
    }
}
