import Dispatch
import Foundation
import Serving
import Testing

/// A real feed reader against `herold serve`: newsboat (Debian package `newsboat`), headless
/// with `-x reload`, subscribed to feed.atom on 127.0.0.1. Skips where newsboat is absent.
@Suite("newsboat reads herold serve", .serialized)
struct NewsboatTests {
    static func newsboat() -> String? {
        ["/usr/bin/newsboat", "/usr/local/bin/newsboat"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Runs newsboat with its own config, urls and cache in `folder`.
    static func run(_ newsboat: String, _ folder: URL, _ commands: [String]) throws -> (Int32, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: newsboat)
        process.arguments = [
            "-C", folder.appendingPathComponent("config").path, "-u", folder.appendingPathComponent("urls").path,
            "-c", folder.appendingPathComponent("cache.db").path,
        ] + commands.flatMap { ["-x", $0] }
        var environment = ProcessInfo.processInfo.environment
        environment["HOME"] = folder.path
        environment["LANG"] = "C.UTF-8"
        environment["XDG_CONFIG_HOME"] = folder.path
        environment["XDG_DATA_HOME"] = folder.path
        environment["http_proxy"] = nil
        environment["https_proxy"] = nil
        process.environment = environment
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// Runs blocking work (a child process) on a Dispatch thread, so that the server under test
    /// keeps the cooperative pool (two threads on a two-core machine) to itself.
    static func offPool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(with: Result { try work() }) }
        }
    }

    /// Titles and guids newsboat stored, read from its cache with Python's sqlite3 module.
    static func stored(_ folder: URL) throws -> [(guid: String, title: String)] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "python3", "-c",
            "import sqlite3, json, sys; c = sqlite3.connect(sys.argv[1]); "
                + "print(json.dumps(c.execute('SELECT guid, title FROM rss_item ORDER BY id').fetchall()))",
            folder.appendingPathComponent("cache.db").path,
        ]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let rows = try JSONSerialization.jsonObject(with: data) as? [[String]] ?? []
        return rows.map { ($0[0], $0[1]) }
    }

    @Test("two reloads: every archived story with its title, none twice")
    func reloads() async throws {
        guard let newsboat = Self.newsboat() else {
            print("skipped: newsboat is not installed (apt-get install newsboat)")
            return
        }
        let served = try await ServedArchive(stories: 6, entries: 20)
        defer { Task { await served.stop() } }
        let folder = served.root.deletingLastPathComponent().appendingPathComponent("newsboat")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try "http://127.0.0.1:\(served.port)/feed.atom\n".write(to: folder.appendingPathComponent("urls"), atomically: true, encoding: .utf8)
        try "download-timeout 10\nreload-threads 1\nshow-read-feeds yes\n".write(
            to: folder.appendingPathComponent("config"), atomically: true, encoding: .utf8)

        let (status1, output1) = try await Self.offPool { try Self.run(newsboat, folder, ["reload", "print-unread"]) }
        #expect(status1 == 0, "\(output1)")
        #expect(output1.contains("6 unread articles"), "\(output1)")
        let first = try Self.stored(folder)
        #expect(first.map(\.title).sorted() == (1...6).map { "Pressemitteilung \($0): Förderung & Ausbau" }.sorted())

        // Two more stories, a re-render, a second reload: 8 stories, none twice.
        _ = try await ServedArchive.addStories(7...8, root: served.root, configuration: served.configuration)
        let (status2, output2) = try await Self.offPool { try Self.run(newsboat, folder, ["reload", "print-unread"]) }
        #expect(status2 == 0, "\(output2)")
        #expect(output2.contains("8 unread articles"), "\(output2)")
        let second = try Self.stored(folder)
        #expect(second.count == 8)
        #expect(Set(second.map(\.guid)).count == second.count, "no story twice")
        #expect(second.map(\.title).sorted() == (1...8).map { "Pressemitteilung \($0): Förderung & Ausbau" }.sorted())
        #expect(second.allSatisfy { $0.guid.hasPrefix("tag:herold.test,2026:serve:story:") })
    }
}
