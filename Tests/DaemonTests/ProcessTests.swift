import Archive
import Foundation
import Glibc
import TestSupport
import Testing

/// `herold run` as systemd runs it: a real process with `$NOTIFY_SOCKET`, signals and the HTTP
/// server. Skips where the `herold` binary is not beside the test bundle.
@Suite("herold run, as a process", .serialized)
struct ProcessTests {
    static var binary: URL? {
        let exe = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var folder = exe.deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = folder.appendingPathComponent("herold")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            folder = folder.deletingLastPathComponent()
        }
        return nil
    }

    static func freePort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Waits up to `timeout` seconds for a message that satisfies `match`, collecting all.
    static func await(_ socket: NotifySocket, _ seen: inout [String], timeout: Double, _ match: (String) -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let batch = socket.receive(timeout: 0.2)
            seen += batch
            if batch.contains(where: match) { return true }
        }
        return false
    }

    static func get(_ url: URL) -> (Int, String)? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", "import sys,urllib.request\ntry:\n r=urllib.request.urlopen(sys.argv[1],timeout=5); print(r.status); print(r.read().decode())\nexcept Exception as e:\n print(getattr(e,'code',0))", url.absoluteString]
        let pipe = Pipe()
        process.standardOutput = pipe
        guard (try? process.run()) != nil else { return nil }
        process.waitUntilExit()
        let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let lines = text.split(separator: "\n", maxSplits: 1)
        return (Int(lines.first ?? "") ?? 0, lines.count > 1 ? String(lines[1]) : "")
    }

    @Test("READY after the first schedule, RELOADING/READY around SIGHUP (valid and invalid), /healthz and /metrics, STOPPING and exit 0 on SIGTERM")
    func lifecycle() async throws {
        guard let binary = Self.binary else {
            print("skipped: the herold binary is not beside the test bundle")
            return
        }
        let feed = try LoopbackHTTPServer { _ in
            .text(
                "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>T</title><item><title>Eins</title>"
                    + "<guid>1</guid><link>https://example.org/1</link><description>Ein Text mit Inhalt.</description></item></channel></rss>",
                contentType: "application/rss+xml")
        }
        defer { feed.stop() }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("herold-run-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let config = folder.appendingPathComponent("feeds.yml")
        let valid = "feed:\n  id: \"tag:herold.test,2026:run\"\nsources:\n  - id: one\n    url: \"\(feed.url("/feed.xml"))\"\n    every: 10s\n"
        try valid.write(to: config, atomically: true, encoding: .utf8)
        let port = Self.freePort()
        let socket = try NotifySocket()

        let process = Process()
        process.executableURL = binary
        process.arguments = ["run", "--config", config.path, "--listen", "127.0.0.1:\(port)"]
        var environment = ProcessInfo.processInfo.environment
        environment["NOTIFY_SOCKET"] = socket.path
        environment["JOURNAL_STREAM"] = "8:1234"
        process.environment = environment
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }

        var seen: [String] = []
        #expect(Self.await(socket, &seen, timeout: 20) { $0.hasPrefix("READY=1") }, "\(seen)")
        // The first poll happens within the source's first slot (at most its interval).
        #expect(Self.await(socket, &seen, timeout: 30) { $0.hasPrefix("STATUS=") && $0.contains("1 polls") }, "\(seen)")

        var health: (Int, String)?
        for _ in 0..<50 {
            health = Self.get(URL(string: "http://127.0.0.1:\(port)/healthz")!)
            if health?.0 == 200 { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(health?.0 == 200)
        let metrics = Self.get(URL(string: "http://127.0.0.1:\(port)/metrics")!)
        #expect(metrics?.0 == 200)
        #expect(metrics?.1.contains("herold_polls_total") == true)
        #expect(metrics?.1.contains("herold_stories_new_total 1") == true, "\(metrics?.1 ?? "")")

        // SIGHUP with an invalid file: rejected, and the daemon keeps running.
        try "sources:\n  - id: one\n    url: \"gopher://x\"\n".write(to: config, atomically: true, encoding: .utf8)
        seen.removeAll()
        kill(process.processIdentifier, SIGHUP)
        #expect(Self.await(socket, &seen, timeout: 10) { $0.hasPrefix("READY=1") }, "\(seen)")
        #expect(seen.contains { $0.hasPrefix("RELOADING=1") })
        #expect(process.isRunning)
        // SIGHUP with a valid file.
        try valid.write(to: config, atomically: true, encoding: .utf8)
        seen.removeAll()
        kill(process.processIdentifier, SIGHUP)
        #expect(Self.await(socket, &seen, timeout: 10) { $0.hasPrefix("READY=1") }, "\(seen)")

        // SIGTERM: STOPPING=1, exit 0.
        seen.removeAll()
        kill(process.processIdentifier, SIGTERM)
        #expect(Self.await(socket, &seen, timeout: 20) { $0.hasPrefix("STOPPING=1") }, "\(seen)")
        let deadline = Date().addingTimeInterval(30)
        while process.isRunning && Date() < deadline { try await Task.sleep(for: .milliseconds(100)) }
        #expect(!process.isRunning)
        #expect(process.terminationStatus == 0)
        let log = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(log.contains("reload rejected"), "the invalid reload is logged")
        #expect(log.split(separator: "\n").allSatisfy { $0.hasPrefix("<") }, "journald priority prefixes under systemd")

        // After SIGTERM the archive is whole: every revision's text matches its recorded hash,
        // no temporary file is left, and the index was checkpointed (no dirty marker).
        let archive = folder.appendingPathComponent("archive")
        #expect(!FileManager.default.fileExists(atPath: archive.appendingPathComponent(".index-dirty").path))
        let store = try ArchiveStore(root: archive, feedID: "tag:herold.test,2026:run")
        let stories = try await store.allStories()
        #expect(!stories.isEmpty)
        for story in stories {
            for revision in story.revisions {
                let text = try store.revisionText(of: story, revision: revision.number)
                #expect(contentHash(of: text) == revision.hash, "torn revision \(revision.number) of \(story.id)")
            }
            let files = try FileManager.default.contentsOfDirectory(atPath: archive.appendingPathComponent(story.folder).path)
            #expect(!files.contains { AtomicFile.isTemporary($0) })
        }
    }
}
