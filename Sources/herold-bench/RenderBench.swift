import Archive
import ArgumentParser
import Dispatch
import FeedModel
import Foundation
import Glibc
import Pipeline
import Serving
import Syndication

/// Rendering cost against archive size, and `herold serve` throughput.
///
/// 1. For each archive size (default 1,000 and 100,000 stories, spread over a year of
///    first-seen times), builds the archive, renders everything once, then adds 10 stories and
///    times the incremental render of feed.atom, its archive documents, feed.json and the
///    per-source feeds (`FeedPublisher`). The two times should be nearly equal.
/// 2. Serves the larger archive with `HeroldServer` and measures requests/s for feed.atom with
///    and without `If-None-Match` (wrk if installed, else a small keep-alive client), beside
///    nginx serving the same file when nginx is installed.
struct RenderBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render", abstract: "Incremental render time vs archive size; serve requests/s beside nginx.")

    @Option(help: "Archive sizes (stories), comma-separated.")
    var sizes = "1000,100000"

    @Option(help: "Entries in feed.atom.")
    var entries = 100

    @Option(
        help: """
            Sources the stories are spread over. With few sources every per-source feed is full \
            (`--entries` stories) at every archive size, so sizes are compared at equal output size.
            """)
    var sources = 10

    @Option(help: "Incremental renders timed per size (median reported).")
    var rounds = 5

    @Option(help: "Seconds per serve measurement.")
    var seconds = 5

    @Flag(help: "Feeds only: no static site (its first full render writes one page per story).")
    var noSite = false

    @Flag(help: "Skip the serve measurement.")
    var noServe = false

    @Option(help: "Where to build the archives (a temporary folder by default; removed afterwards).")
    var directory: String?

    func run() async throws {
        let base = directory.map { URL(fileURLWithPath: $0) }
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("herold-render-bench-\(UUID().uuidString)")
        defer { if directory == nil { try? FileManager.default.removeItem(at: base) } }
        var largest: URL?
        for size in sizes.split(separator: ",").compactMap({ Int($0) }) {
            let root = base.appendingPathComponent("archive-\(size)")
            try await measure(size: size, root: root)
            largest = root
        }
        if !noServe, let root = largest {
            try await serve(root: root)
        }
    }

    static func ms(_ d: Duration) -> Double { Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15 }

    func measure(size: Int, root: URL) async throws {
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let store = try ArchiveStore(root: root, feedID: "tag:bench.example,2026:render")
        let start = Date(timeIntervalSince1970: 1_750_000_000)
        let step = 365 * 86_400 / Double(max(size, 1))
        var states: [String: SourceState] = [:]
        for n in 0..<sources {
            let id = "bench-\(n)"
            states[id] = SourceState(
                id: id, title: "Quelle \(id)", url: URL(string: "https://\(id).example/feed.xml")!, lastSuccess: start)
        }
        var configuration = Configuration(
            file: root.appendingPathComponent("feeds.yml"), archive: root, sources: [])
        configuration.feed.id = "tag:bench.example,2026:render"
        configuration.feed.title = "Bench"
        configuration.feed.entries = entries
        // An archive left by an earlier run (with --directory) is reused and, if it is short of
        // `size` stories, completed: building 100,000 stories with every file fsynced takes a
        // quarter of an hour.
        let existing = try await store.count()
        if existing < size {
            print("render: building an archive of \(size) stories in \(root.path) (\(existing) there already) …")
        } else {
            print("render: reusing the archive of \(existing) stories in \(root.path)")
        }
        let building = ContinuousClock.now
        for n in existing..<max(existing, size) {
            try await ingest(n, store: store, at: start + Double(n) * step)
            if n % 1000 == 999 { try await store.checkpoint() }
        }
        try await store.checkpoint()
        let built = ContinuousClock.now - building
        var clock = start + Double(max(existing, size)) * step
        let fullNow = clock
        let full = ContinuousClock.now
        let fullRenderer = OutputRenderer(configuration: configuration, now: { fullNow })
        if !FileManager.default.fileExists(atPath: root.appendingPathComponent("feed.atom").path) {
            try await fullRenderer.renderFeed(store: store, states: states, touched: nil)
        }
        if !noSite, !FileManager.default.fileExists(atPath: root.appendingPathComponent("index.html").path) {
            try await fullRenderer.renderSite(store: store, touched: nil)
        }
        _ = await store.drainChanged()
        let fullTime = ContinuousClock.now - full
        print(
            String(
                format: "render: %d stories; built in %.1f s; full render (feeds and site) %.1f s", try await store.count(),
                Self.ms(built) / 1000, Self.ms(fullTime) / 1000))

        var feedTimes: [Double] = []
        var siteTimes: [Double] = []
        var feedCPU: [Double] = []
        var files: [Int] = []
        var next = max(existing, size)
        for _ in 0..<rounds {
            for _ in 0..<10 {
                clock += 60
                try await ingest(next, store: store, at: clock)
                next += 1
            }
            try await store.checkpoint()
            // What the daemon does after a round: render what the round changed.
            let touched = await store.drainChanged()
            let now = clock
            let renderer = OutputRenderer(configuration: configuration, now: { now })
            let t = ContinuousClock.now
            let cpu = Self.processCPUms()
            let written = try await renderer.renderFeed(store: store, states: states, touched: touched)
            feedCPU.append(Self.processCPUms() - cpu)
            let t1 = ContinuousClock.now
            if !noSite {
                try await renderer.renderSite(store: store, touched: touched)
                siteTimes.append(Self.ms(ContinuousClock.now - t1))
            }
            feedTimes.append(Self.ms(t1 - t))
            files.append(written.count)
        }
        func median(_ values: [Double]) -> Double { values.isEmpty ? 0 : values.sorted()[values.count / 2] }
        print(
            String(
                format: "render: archive of %d: +10 stories → feeds median %.1f ms (min %.1f, max %.1f; CPU median %.1f ms), site median %.1f ms (min %.1f, max %.1f), over %d renders; %d feed files written each",
                size, median(feedTimes), feedTimes.min() ?? 0, feedTimes.max() ?? 0, median(feedCPU), median(siteTimes), siteTimes.min() ?? 0,
                siteTimes.max() ?? 0, rounds, files.max() ?? 0))
    }

    /// CPU time of the whole process (user + system), in milliseconds: what a render costs
    /// regardless of what else the machine is doing (the bench does nothing else meanwhile).
    static func processCPUms() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &spec)
        return Double(spec.tv_sec) * 1000 + Double(spec.tv_nsec) / 1e6
    }

    @discardableResult
    func ingest(_ n: Int, store: ArchiveStore, at date: Date) async throws -> String {
        let url = URL(string: "https://ministerium-\(n % sources).example/presse/\(n)")!
        let body = ArchiveBench.text(n)
        let article = Article(
            url: url, canonical: url, title: "Meldung \(n)", published: date, author: "Pressestelle", language: "de",
            text: body, html: "<p>" + body.replacingOccurrences(of: "\n\n", with: "</p><p>") + "</p>")
        switch try await store.ingest(Observation(sourceID: "bench-\(n % sources)", place: url, article: article, seenAt: date)) {
        case .new(let id), .known(let id), .revised(let id, _), .heldBack(let id): return id
        case .skipped: return ""
        }
    }

    // MARK: Serving

    func serve(root: URL) async throws {
        let (stream, continuation) = AsyncStream<Int>.makeStream()
        let server = HeroldServer(
            root: root, options: HeroldServer.Options(host: "127.0.0.1", port: 0), onListening: { continuation.yield($0) })
        let task = Task { try await server.run() }
        var iterator = stream.makeAsyncIterator()
        guard let port = await iterator.next() else { return }
        defer { task.cancel() }
        let feed = try Data(contentsOf: root.appendingPathComponent("feed.atom"))
        let etag = try await Self.etag(port: port)
        print("serve: feed.atom is \(feed.count) bytes; ETag \(etag)")
        let wrk = ["/usr/bin/wrk", "/usr/local/bin/wrk"].first { FileManager.default.isExecutableFile(atPath: $0) }
        print("serve: client: \(wrk ?? "built-in keep-alive client (wrk not installed)"), \(seconds) s each, 2 threads × 16 connections")
        func measure(_ label: String, port: Int, headers: [String]) async throws {
            let rate: Double
            if let wrk {
                rate = try await Self.wrk(wrk, port: port, headers: headers, seconds: seconds)
            } else {
                rate = await Self.builtinClient(port: port, headers: headers, seconds: seconds)
            }
            print(String(format: "serve: %-44@ %9.0f requests/s", label as NSString, rate))
        }
        try await measure("herold serve, feed.atom, 200", port: port, headers: [])
        try await measure("herold serve, feed.atom, If-None-Match → 304", port: port, headers: ["If-None-Match: \(etag)"])
        try await measure("herold serve, feed.atom, gzip", port: port, headers: ["Accept-Encoding: gzip"])

        if let nginx = ["/usr/sbin/nginx", "/usr/bin/nginx"].first(where: { FileManager.default.isExecutableFile(atPath: $0) }) {
            let folder = root.deletingLastPathComponent().appendingPathComponent("nginx")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let nginxPort = port + 1 < 65535 ? Self.freePort() : 18080
            let conf = """
                worker_processes 1;
                daemon off;
                pid \(folder.path)/nginx.pid;
                error_log \(folder.path)/error.log;
                events { worker_connections 1024; }
                http {
                  access_log off;
                  types { application/atom+xml atom; }
                  etag on;
                  server {
                    listen 127.0.0.1:\(nginxPort);
                    root \(root.path);
                    location / { try_files $uri =404; }
                  }
                }
                """
            try conf.write(to: folder.appendingPathComponent("nginx.conf"), atomically: true, encoding: .utf8)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: nginx)
            process.arguments = ["-c", folder.appendingPathComponent("nginx.conf").path, "-p", folder.path]
            process.standardError = FileHandle.nullDevice
            try process.run()
            try await Task.sleep(for: .milliseconds(500))
            if process.isRunning {
                let nginxETag = (try? await Self.etag(port: nginxPort)) ?? ""
                try await measure("nginx (1 worker), feed.atom, 200", port: nginxPort, headers: [])
                try await measure("nginx (1 worker), feed.atom, If-None-Match → 304", port: nginxPort, headers: ["If-None-Match: \(nginxETag)"])
                process.terminate()
                process.waitUntilExit()
            } else {
                print("serve: nginx did not start; see \(folder.path)/error.log")
            }
        } else {
            print("serve: nginx is not installed; no comparison")
        }
    }

    static func freePort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// The ETag of feed.atom, read with one request.
    static func etag(port: Int) async throws -> String {
        let response = await Task.detached { exchange(port: port, request: "HEAD /feed.atom HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n") }.value
        for line in response.split(separator: "\r\n") where line.lowercased().hasPrefix("etag:") {
            return line.dropFirst(5).trimmingCharacters(in: .whitespaces)
        }
        return ""
    }

    static func exchange(port: Int, request: String) -> String {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        _ = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        _ = request.withCString { send(fd, $0, strlen($0), Int32(MSG_NOSIGNAL)) }
        var data: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = recv(fd, &buffer, buffer.count, 0)
            if n <= 0 { break }
            data += buffer[0..<n]
        }
        return String(decoding: data, as: UTF8.self)
    }

    static func wrk(_ wrk: String, port: Int, headers: [String], seconds: Int) async throws -> Double {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: wrk)
        process.arguments = ["-t2", "-c16", "-d\(seconds)s"] + headers.flatMap { ["-H", $0] } + ["http://127.0.0.1:\(port)/feed.atom"]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = await Task.detached { pipe.fileHandleForReading.readDataToEndOfFile() }.value
        process.waitUntilExit()
        let output = String(decoding: data, as: UTF8.self)
        for line in output.split(separator: "\n") where line.hasPrefix("Requests/sec:") {
            return Double(line.dropFirst("Requests/sec:".count).trimmingCharacters(in: .whitespaces)) ?? 0
        }
        return 0
    }

    /// 16 keep-alive connections on Dispatch threads, each sending requests back to back for
    /// `seconds`; counts complete responses (by Content-Length).
    static func builtinClient(port: Int, headers: [String], seconds: Int) async -> Double {
        let deadline = DispatchTime.now() + .seconds(seconds)
        let request = "GET /feed.atom HTTP/1.1\r\nHost: x\r\n" + headers.map { $0 + "\r\n" }.joined() + "\r\n"
        let counts = await withTaskGroup(of: Int.self) { group in
            for _ in 0..<16 {
                group.addTask {
                    await withCheckedContinuation { continuation in
                        DispatchQueue.global().async { continuation.resume(returning: keepAlive(port: port, request: request, until: deadline)) }
                    }
                }
            }
            return await group.reduce(0, +)
        }
        return Double(counts) / Double(seconds)
    }

    static func keepAlive(port: Int, request: String, until deadline: DispatchTime) -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        guard withUnsafePointer(to: &address, {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }) == 0 else { return 0 }
        var count = 0
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        let bytes = Array(request.utf8)
        while DispatchTime.now() < deadline {
            guard send(fd, bytes, bytes.count, Int32(MSG_NOSIGNAL)) == bytes.count else { break }
            var received: [UInt8] = []
            var needed: Int?
            while true {
                let n = recv(fd, &buffer, buffer.count, 0)
                if n <= 0 { return count }
                received += buffer[0..<n]
                if needed == nil, let end = received.firstRange(of: Array("\r\n\r\n".utf8))?.upperBound {
                    let head = String(decoding: received[..<end], as: UTF8.self).lowercased()
                    let length = head.split(separator: "\r\n").first { $0.hasPrefix("content-length:") }
                        .flatMap { Int($0.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) } ?? 0
                    needed = end + length
                }
                if let needed, received.count >= needed { break }
            }
            count += 1
        }
        return count
    }
}
