import ArgumentParser
import FeedModel
import Fetching
import Foundation
import Synchronization
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

/// One poll round over N sources served by loopback servers (one server per "host", i.e.
/// per port on 127.0.0.1), half of them answering 304 to the conditional request the client
/// makes: Herold's `CurlFetcher` (in a child process that reports its own VmHWM) beside
/// `curl --parallel` (run under /usr/bin/time for its peak) fetching the same URLs with the same
/// validators, in the same run.
///
/// The servers count, per host, the most connections open at once and the most requests in
/// the handler at once, so the report shows whether any host saw more than the allowed
/// concurrency.
struct FetchBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fetch",
        abstract: "One poll round over N loopback sources: CurlFetcher beside curl --parallel.")

    @Option(help: "Comma-separated source counts, one round each.")
    var sources = "1000,10000"

    @Option(help: "Loopback hosts (one server per port); sources are spread round-robin.")
    var hosts = 20

    @Option(help: "hostConnections: transfers in flight per host.")
    var hostConnections = 2

    @Option(help: "hostDelay: seconds between two request starts to one host.")
    var hostDelay = 0.0

    @Option(help: "Bytes of each 200 body (an RSS feed).")
    var bodyBytes = 8_000

    @Option(help: "Milliseconds each server waits before answering (simulated latency).")
    var latencyMs = 0

    @Flag(help: "Skip the curl --parallel baseline.")
    var noCurl = false

    @Option(help: .hidden)
    var fetcherChild: String?

    func run() async throws {
        if let fetcherChild {
            try await Self.child(urlFile: fetcherChild, hostConnections: hostConnections, hostDelay: hostDelay)
            return
        }
        let counts = sources.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        print(
            "herold-bench fetch: \(hosts) loopback hosts, hostConnections \(hostConnections), hostDelay \(hostDelay) s, "
                + "\(bodyBytes) B bodies, latency \(latencyMs) ms, half the sources answer 304")
        let body = Self.feedBody(bytes: bodyBytes)
        var rows: [String] = []
        for count in counts {
            print("")
            print("\(count) sources")
            let herold = try runRound(count: count, body: body, client: .herold)
            print(herold.line("herold"))
            var row = herold.row(count: count, client: "Herold CurlFetcher")
            if !noCurl {
                let curl = try runRound(count: count, body: body, client: .curl)
                print(curl.line("curl"))
                print(String(format: "  ratio       herold/curl requests/s %.2f×, peak memory %.2f×",
                    herold.rate / curl.rate, Double(herold.maxRSSKiB) / Double(max(1, curl.maxRSSKiB))))
                row += "\n" + curl.row(count: count, client: "curl --parallel --parallel-max \(hosts * hostConnections)")
            }
            rows.append(row)
        }
        print("")
        print("| sources | client | wall s | requests/s | 200 | 304 | errors | peak MB | max conns/host | max in-handler/host |")
        print("|---|---|---|---|---|---|---|---|---|---|")
        rows.forEach { print($0) }
    }

    enum Client { case herold, curl }

    struct RoundResult {
        var seconds: Double
        var ok: Int
        var notModified: Int
        var errors: Int
        var maxRSSKiB: Int
        var peakConnections: Int
        var peakInHandler: Int
        var allowed: Int?
        var rate: Double { Double(ok + notModified + errors) / seconds }

        func line(_ name: String) -> String {
            let budget = allowed.map { peakConnections <= $0 && peakInHandler <= $0 ? "within \($0)" : "EXCEEDS \($0)" } ?? "no cap"
            let padded = name.padding(toLength: 10, withPad: " ", startingAt: 0)
            return "  \(padded) \(String(format: "%.2f", seconds)) s  \(String(format: "%.0f", rate)) req/s  200: \(ok)  "
                + "304: \(notModified)  errors: \(errors)  peak \(String(format: "%.1f", Double(maxRSSKiB) / 1024)) MB  "
                + "per host: ≤ \(peakConnections) conns, ≤ \(peakInHandler) in handler (\(budget))"
        }

        func row(count: Int, client: String) -> String {
            "| \(count) | \(client) | \(String(format: "%.2f", seconds)) | \(String(format: "%.0f", rate)) | \(ok) | "
                + "\(notModified) | \(errors) | \(String(format: "%.1f", Double(maxRSSKiB) / 1024)) | \(peakConnections) | "
                + "\(peakInHandler) |"
        }
    }

    /// Per-host counters of requests inside the handler.
    final class Concurrency: Sendable {
        private let state: Mutex<[(now: Int, peak: Int)]>
        init(hosts: Int) { state = Mutex(Array(repeating: (0, 0), count: hosts)) }
        func enter(_ host: Int) {
            state.withLock {
                $0[host].now += 1
                $0[host].peak = max($0[host].peak, $0[host].now)
            }
        }
        func leave(_ host: Int) { state.withLock { $0[host].now -= 1 } }
        var peak: Int { state.withLock { $0.map(\.peak).max() ?? 0 } }
    }

    /// Serves `count` sources from fresh servers and has one client poll them once.
    func runRound(count: Int, body: [UInt8], client: Client) throws -> RoundResult {
        let concurrency = Concurrency(hosts: hosts)
        let latency = useconds_t(max(0, latencyMs) * 1000)
        var servers: [LoopbackHTTPServer] = []
        for host in 0..<hosts {
            servers.append(
                try LoopbackHTTPServer { request in
                    concurrency.enter(host)
                    defer { concurrency.leave(host) }
                    if latency > 0 { usleep(latency) }
                    let n = request.path.split(separator: "/").last.flatMap { Int($0) } ?? -1
                    let etag = "\"v1-\(n)\""
                    if request.headers["if-none-match"] == etag {
                        return TestHTTPResponse(status: 304, headers: [("ETag", etag)])
                    }
                    return TestHTTPResponse(
                        status: 200,
                        headers: [
                            ("Content-Type", "application/rss+xml; charset=utf-8"), ("ETag", etag),
                            ("Last-Modified", "Tue, 10 Sep 2019 11:30:00 GMT"),
                        ], body: body)
                })
        }
        defer { servers.forEach { $0.stop() } }
        // Source n lives on host n % hosts; even sources are asked conditionally (and answer 304).
        let sources = (0..<count).map { n in
            (url: "http://127.0.0.1:\(servers[n % hosts].port)/feeds/\(n)", etag: n % 2 == 0 ? "\"v1-\(n)\"" : nil)
        }
        let folder = FileManager.default.temporaryDirectory.path
        var result: RoundResult
        switch client {
        case .herold:
            let file = folder + "/herold-fetch-bench-\(getpid()).tsv"
            try sources.map { "\($0.url)\t\($0.etag ?? "")" }.joined(separator: "\n")
                .write(toFile: file, atomically: true, encoding: .utf8)
            defer { unlink(file) }
            let run = try Subprocess.run([
                Subprocess.selfExecutable, "fetch", "--fetcher-child", file, "--host-connections", "\(hostConnections)",
                "--host-delay", "\(hostDelay)",
            ])
            let fields = run.output.split(separator: "\n").last?.split(separator: " ").compactMap { Double($0) } ?? []
            guard run.status == 0, fields.count == 5 else { throw ValidationError("the fetcher child failed: \(run.output)") }
            // The child reports its own high-water mark: wait4's ru_maxrss would count this
            // process's memory too (see Subprocess.ownPeakKiB).
            result = RoundResult(
                seconds: fields[0], ok: Int(fields[1]), notModified: Int(fields[2]), errors: Int(fields[3]),
                maxRSSKiB: fields[4] > 0 ? Int(fields[4]) : run.maxRSSKiB, peakConnections: 0, peakInHandler: 0,
                allowed: hostConnections)
        case .curl:
            let file = folder + "/herold-fetch-bench-\(getpid()).curlrc"
            var config = ""
            for (index, source) in sources.enumerated() {
                if index > 0 { config += "next\n" }
                config += "url = \"\(source.url)\"\noutput = \"/dev/null\"\nwrite-out = \"%{http_code}\\n\"\n"
                if let etag = source.etag { config += "header = \"If-None-Match: \(etag.replacingOccurrences(of: "\"", with: "\\\""))\"\n" }
            }
            try config.write(toFile: file, atomically: true, encoding: .utf8)
            defer { unlink(file) }
            let (run, peak) = try Subprocess.runMeasuringPeak([
                "curl", "--silent", "--parallel", "--parallel-max", "\(hosts * hostConnections)", "--config", file,
            ])
            let codes = run.output.split(separator: "\n")
            let ok = codes.filter { $0 == "200" }.count
            let notModified = codes.filter { $0 == "304" }.count
            result = RoundResult(
                seconds: run.seconds, ok: ok, notModified: notModified, errors: count - ok - notModified,
                maxRSSKiB: peak ?? run.maxRSSKiB, peakConnections: 0, peakInHandler: 0, allowed: nil)
        }
        result.peakConnections = servers.map(\.stats.peakOpen).max() ?? 0
        result.peakInHandler = concurrency.peak
        let served = servers.map(\.stats.requests).reduce(0, +)
        if served != count { print("  note: the servers answered \(served) requests for \(count) sources") }
        return result
    }

    /// The client part, in its own process: one CurlFetcher, every source submitted at once
    /// (as a poll round does), bodies counted and dropped. Prints `seconds 200s 304s errors peakKiB` (its own VmHWM).
    static func child(urlFile: String, hostConnections: Int, hostDelay: Double) async throws {
        let lines = try String(contentsOfFile: urlFile, encoding: .utf8).split(separator: "\n")
        var settings = FetchSettings()
        settings.hostConnections = hostConnections
        settings.hostDelay = hostDelay
        let requests = lines.compactMap { line -> FetchRequest? in
            let parts = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard let url = URL(string: String(parts[0])) else { return nil }
            let etag = parts.count > 1 && !parts[1].isEmpty ? String(parts[1]) : nil
            return FetchRequest(url: url, settings: settings, etag: etag)
        }
        let fetcher = try CurlFetcher()
        let start = ContinuousClock.now
        let (ok, notModified, errors) = await withTaskGroup(of: Int.self) { group in
            for request in requests {
                group.addTask {
                    do {
                        let response = try await fetcher.fetch(request)
                        return response.isNotModified ? 304 : (response.body.isEmpty ? 0 : 200)
                    } catch {
                        return 0
                    }
                }
            }
            var counts = (0, 0, 0)
            for await status in group {
                switch status {
                case 200: counts.0 += 1
                case 304: counts.1 += 1
                default: counts.2 += 1
                }
            }
            return counts
        }
        let elapsed = ContinuousClock.now - start
        print(
            Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18, ok, notModified, errors,
            Subprocess.ownPeakKiB() ?? -1)
    }

    /// An RSS document of about `bytes` bytes.
    static func feedBody(bytes: Int) -> [UInt8] {
        var text = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\"><channel><title>Pressemitteilungen</title>\n"
        var n = 0
        while text.utf8.count < bytes - 40 {
            text += "<item><title>Meldung \(n): Förderprogramm für Kommunen</title><link>https://ministerium.example/presse/\(n)</link></item>\n"
            n += 1
        }
        text += "</channel></rss>\n"
        return Array(text.utf8)
    }
}
