import ArgumentParser
import Foundation
import Glibc
import Synchronization
import TestSupport

/// The daemon under load for a while: `herold run` polls N loopback feeds on short intervals;
/// every `--sample` seconds its resident memory, open file descriptors and CPU time are read
/// from /proc, and the requests the loopback server answered (the polls made, against the polls
/// due: whether the daemon keeps up). Then a reload makes every source hourly; once no request
/// came for a while (the polls planned on the old interval are done), a quiet phase measures idle
/// CPU, and the requests during it are counted (0, or the figure is not an idle one). The baseline
/// is the same process's first sample: memory and descriptors must stay flat.
struct SoakBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "soak", abstract: "Run `herold run` against N loopback feeds for a while; memory, fds and CPU over time.")

    @Option(help: "The herold binary (a release build).")
    var herold = ".build/release/herold"

    @Option(help: "Number of sources.")
    var sources = 1000

    @Option(help: "Minutes of load.")
    var minutes = 10.0

    @Option(help: "Poll interval of every source, in seconds.")
    var every = 30

    @Option(help: "Seconds between two samples.")
    var sample = 30.0

    @Option(help: "One in N feeds gets a new item every interval (0: none; the archive then stops growing after the first round).")
    var growingEvery = 10

    @Option(help: "Seconds of the idle phase (every source then polls hourly).")
    var idle = 60.0

    @Option(help: "Seconds without a request after which the daemon counts as idle (the idle phase starts then; default: 1.2 intervals).")
    var quiet: Double?

    @Option(help: "Environment variables for the daemon, NAME=VALUE (repeatable; e.g. MALLOC_ARENA_MAX=2).")
    var env: [String] = []

    struct Sample {
        var seconds: Double
        var rssKB: Int
        /// The anonymous part of RSS (heap, stacks): what a leak grows. The rest is mapped files,
        /// mostly the shared libraries' pages, which grow as more of their code is first used.
        var anonKB: Int
        var fds: Int
        var cpuSeconds: Double
    }

    static func read(_ pid: Int32, start: Date) -> Sample? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
            let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)
        else { return nil }
        func field(_ name: String) -> Int {
            status.split(separator: "\n").first { $0.hasPrefix(name) }
                .flatMap { Int($0.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") } ?? 0
        }
        let rss = field("VmRSS:")
        let fds = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd").count) ?? 0
        // Fields after the command name (which may contain spaces) start after the last ')'.
        let fields = stat[stat.index(after: stat.lastIndex(of: ")")!)...].split(separator: " ")
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        let cpu = ((Double(fields[11]) ?? 0) + (Double(fields[12]) ?? 0)) / ticks
        return Sample(seconds: Date().timeIntervalSince(start), rssKB: rss, anonKB: field("RssAnon:"), fds: fds, cpuSeconds: cpu)
    }

    func run() async throws {
        guard FileManager.default.isExecutableFile(atPath: herold) else {
            throw ValidationError("\(herold) is not an executable; build it with `swift build -c release --product herold`")
        }
        // Each feed has three items; one in `growingEvery` feeds gets a new item every `every` seconds.
        let requests = Atomic<Int>(0)
        let lastRequest = Atomic<Double>(Date().timeIntervalSince1970)
        let server = try LoopbackHTTPServer { request in
            requests.add(1, ordering: .relaxed)
            lastRequest.store(Date().timeIntervalSince1970, ordering: .relaxed)
            let n = Int(request.path.split(separator: "/").last?.split(separator: ".").first ?? "") ?? 0
            let round = Int(Date().timeIntervalSince1970 / Double(every))
            let newest = growingEvery > 0 && n % growingEvery == 0 ? round : 0
            var items = ""
            for k in [newest, 2, 1] {
                items += "<item><title>Quelle \(n) Meldung \(k)</title><link>https://feeds.example/\(n)/\(k)</link>"
                    + "<guid>s\(n)-\(k)</guid><description>Meldung \(k) der Quelle \(n): Die Landesregierung informiert "
                    + "über Förderprogramme, Haushalt und Verwaltung.</description></item>"
            }
            return .text(
                "<?xml version=\"1.0\" encoding=\"utf-8\"?><rss version=\"2.0\"><channel><title>Quelle \(n)</title>"
                    + "<link>https://feeds.example/\(n)</link>\(items)</channel></rss>",
                contentType: "application/rss+xml; charset=utf-8")
        }
        defer { server.stop() }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("herold-soak-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        func writeConfig(every: Int) throws {
            var yaml = "feed:\n  id: \"tag:bench.example,2026:soak\"\ndefaults:\n  host_delay: 0s\n  host_connections: 8\nsources:\n"
            for n in 0..<sources {
                yaml += "  - id: s\(n)\n    url: \"\(server.url("/feed/\(n).xml"))\"\n    every: \(every)s\n"
            }
            try yaml.write(to: folder.appendingPathComponent("feeds.yml"), atomically: true, encoding: .utf8)
        }
        try writeConfig(every: every)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: herold)
        process.arguments = ["run", "--config", folder.appendingPathComponent("feeds.yml").path]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        var environment = ProcessInfo.processInfo.environment
        for pair in env {
            guard let equals = pair.firstIndex(of: "=") else { throw ValidationError("--env: expected NAME=VALUE, got \(pair)") }
            environment[String(pair[..<equals])] = String(pair[pair.index(after: equals)...])
        }
        process.environment = environment
        let start = Date()
        try process.run()
        let pid = process.processIdentifier
        print("herold run (pid \(pid)) with \(sources) sources every \(every)s for \(minutes) min; samples every \(sample)s")
        print("      t    RSS MB  anon MB   fds   CPU s   CPU % since last   polls/s (due \(String(format: "%.1f", Double(sources) / Double(every))))")
        var samples: [Sample] = []
        var polled: [Int] = []
        func take() {
            guard let s = Self.read(pid, start: start) else { return }
            let count = requests.load(ordering: .relaxed)
            let cpuPercent = samples.last.map { 100 * (s.cpuSeconds - $0.cpuSeconds) / max(0.001, s.seconds - $0.seconds) } ?? 0
            let rate = samples.last.map { Double(count - (polled.last ?? 0)) / max(0.001, s.seconds - $0.seconds) } ?? 0
            samples.append(s)
            polled.append(count)
            print(String(format: "%7.0f  %8.1f  %7.1f  %4d  %6.1f  %6.1f             %6.1f", s.seconds, Double(s.rssKB) / 1024,
                Double(s.anonKB) / 1024, s.fds, s.cpuSeconds, cpuPercent, rate))
        }
        try await Task.sleep(for: .seconds(2))
        take()
        while Date().timeIntervalSince(start) < minutes * 60 {
            try await Task.sleep(for: .seconds(sample))
            take()
        }
        // Idle phase: reload with hourly polls; nothing is due for the rest of the run.
        try writeConfig(every: 3600)
        kill(pid, SIGHUP)
        // Polls already planned on the old interval still happen once (and a backlog, if the
        // daemon fell behind): wait until no request came for `quiet` seconds (at most two
        // intervals and a minute; a daemon still busy then has no idle figure, see the count).
        let reloaded = Date()
        let quiet = self.quiet ?? 1.2 * Double(every)
        while Date().timeIntervalSince1970 - lastRequest.load(ordering: .relaxed) < quiet
            && Date().timeIntervalSince(reloaded) < Double(2 * every + 60)
        {
            try await Task.sleep(for: .seconds(1))
        }
        let settled = Date().timeIntervalSince(reloaded)
        let idleStart = Self.read(pid, start: start)
        let requestsBeforeIdle = requests.load(ordering: .relaxed)
        try await Task.sleep(for: .seconds(idle))
        let idleEnd = Self.read(pid, start: start)
        let requestsInIdle = requests.load(ordering: .relaxed) - requestsBeforeIdle
        kill(pid, SIGTERM)
        process.waitUntilExit()

        guard let first = samples.first, let last = samples.last else { return }
        let middle = samples[samples.count / 2]
        print(String(format: "RSS: start %.1f MB, middle %.1f MB, end %.1f MB (end/start %.2f×)",
            Double(first.rssKB) / 1024, Double(middle.rssKB) / 1024, Double(last.rssKB) / 1024,
            Double(last.rssKB) / Double(max(1, first.rssKB))))
        print(String(format: "anonymous RSS (heap): start %.1f MB, middle %.1f MB, end %.1f MB",
            Double(first.anonKB) / 1024, Double(middle.anonKB) / 1024, Double(last.anonKB) / 1024))
        print("file descriptors: start \(first.fds), middle \(middle.fds), end \(last.fds)")
        let loadSeconds = max(0.001, last.seconds - first.seconds)
        let loadPolls = (polled.last ?? 0) - (polled.first ?? 0)
        let keepsUp = Double(loadPolls) / loadSeconds >= 0.9 * Double(sources) / Double(every)
        print(String(format: "polls: %d in %.0f s of load = %.1f/s; due %.1f/s", loadPolls, loadSeconds,
            Double(loadPolls) / loadSeconds, Double(sources) / Double(every)) + (keepsUp ? " (keeps up)" : " (FALLS BEHIND)"))
        print(String(format: "after the reload to hourly polls: quiet after %.0f s", settled))
        if let a = idleStart, let b = idleEnd {
            print(String(format: "idle CPU: %.2f %% of one core over %.0f s (%d requests in it); RSS at its end %.1f MB (anon %.1f MB), fds %d",
                100 * (b.cpuSeconds - a.cpuSeconds) / (b.seconds - a.seconds), b.seconds - a.seconds, requestsInIdle,
                Double(b.rssKB) / 1024, Double(b.anonKB) / 1024, b.fds))
        }
        print(String(format: "load CPU: %.1f %% of one core on average", 100 * (last.cpuSeconds - first.cpuSeconds) / loadSeconds))
        print("herold exited with status \(process.terminationStatus)")
    }
}
