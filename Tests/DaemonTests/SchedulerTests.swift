import Archive
import Config
import Daemon
import FeedModel
import Fetching
import Foundation
import Logging
import Synchronization
import Testing

@Suite("Scheduler", .serialized)
struct SchedulerTests {
    let folder: URL

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("herold-sched-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    func configuration(_ sources: String) throws -> Configuration {
        let file = folder.appendingPathComponent("feeds.yml")
        try "feed:\n  id: \"tag:herold.test,2026:sched\"\nsources:\n\(sources)".write(to: file, atomically: true, encoding: .utf8)
        return try ConfigLoader.load(from: file)
    }

    static let ok = URL(string: "https://ok.example/feed.xml")!
    static let slow = URL(string: "https://slow.example/feed.xml")!
    static let bad = URL(string: "https://bad.example/feed.xml")!

    static func answer(_ url: URL) -> Result<FetchResponse, FetchError> {
        switch url.host {
        case "bad.example": .failure(FetchError(kind: .connect, url: url, message: "refused"))
        case "slow.example": .success(ScriptedFetcher.rss("slow"))
        default: .success(ScriptedFetcher.rss("ok"))
        }
    }

    /// Runs a scheduler until the clock reaches `until`, then cancels it and waits for it.
    func run(_ configuration: Configuration, fetcher: ScriptedFetcher, clock: TestClock, until: Date) async throws {
        let scheduler = Scheduler(
            configuration: configuration, fetcher: fetcher, logger: Logger(label: "test"),
            now: { clock.now }, sleep: { await clock.sleep($0) })
        let finished = Mutex(false)
        let task = Task {
            defer { finished.withLock { $0 = true } }
            try await scheduler.run()
        }
        // Simulated time passes while the scheduler sleeps; stop early if it ended (an error).
        while clock.now < until && !finished.withLock({ $0 }) { await Task.yield() }
        task.cancel()
        try await task.value
    }

    @Test("each source on its own interval; a failing source backs off exponentially without delaying the others")
    func orderAndBackoff() async throws {
        let config = try configuration(
            """
              - id: ok
                url: "\(Self.ok)"
                every: 10m
              - id: slow
                url: "\(Self.slow)"
                every: 30m
              - id: bad
                url: "\(Self.bad)"
                every: 10m
            """)
        let clock = TestClock()
        let start = clock.now
        let fetcher = ScriptedFetcher(clock: clock, answer: Self.answer)
        try await run(config, fetcher: fetcher, clock: clock, until: start.addingTimeInterval(3 * 3600))

        let ok = fetcher.times(of: Self.ok)
        let slow = fetcher.times(of: Self.slow)
        let bad = fetcher.times(of: Self.bad)
        // First slots within the first five minutes (a stable phase per source).
        for times in [ok, slow, bad] {
            #expect(times.first.map { $0.timeIntervalSince(start) < 301 } == true)
        }
        // ok: every 10 min ± 10 % jitter (plus at most a few simulated seconds of loop latency).
        let okGaps = zip(ok.dropFirst(), ok).map { $0.timeIntervalSince($1) }
        #expect(okGaps.count >= 15)
        // Simulated time runs on while a poll's real work is in flight, so single gaps carry a few
        // seconds of skew beyond the ±10 % jitter; their mean must still be the interval.
        #expect(okGaps.allSatisfy { $0 > 500 && $0 < 720 }, "\(okGaps)")
        let mean = okGaps.reduce(0, +) / Double(max(okGaps.count, 1))
        #expect(mean > 560 && mean < 640, "mean gap \(mean)")
        let slowGaps = zip(slow.dropFirst(), slow).map { $0.timeIntervalSince($1) }
        #expect(slowGaps.allSatisfy { $0 > 1600 && $0 < 2000 }, "\(slowGaps)")
        // bad: 10, 20, 40, 80 minutes … (± jitter): each gap about twice the one before.
        let badGaps = zip(bad.dropFirst(), bad).map { $0.timeIntervalSince($1) }
        #expect(badGaps.count >= 3)
        for (later, earlier) in zip(badGaps.dropFirst(), badGaps) {
            #expect(later / earlier > 1.5 && later / earlier < 2.6, "\(badGaps)")
        }
        let states = try SourceStates.read(archive: config.archive)
        #expect(states["bad"]?.consecutiveFailures == bad.count)
        #expect(states["bad"]?.lastErrorKind == "connect")
        #expect(states["ok"]?.consecutiveFailures == 0)
    }

    @Test("the schedule survives a restart: no immediate re-poll")
    func restart() async throws {
        let config = try configuration(
            """
              - id: ok
                url: "\(Self.ok)"
                every: 1h
            """)
        let clock = TestClock()
        let fetcher = ScriptedFetcher(clock: clock, answer: Self.answer)
        try await run(config, fetcher: fetcher, clock: clock, until: clock.now.addingTimeInterval(600))
        #expect(fetcher.times(of: Self.ok).count == 1)
        let stopped = clock.now
        // A new process (a new scheduler over the same archive) 10 minutes later.
        try await run(config, fetcher: fetcher, clock: clock, until: stopped.addingTimeInterval(40 * 60))
        #expect(fetcher.times(of: Self.ok).count == 1, "polled again right after the restart")
        try await run(config, fetcher: fetcher, clock: clock, until: clock.now.addingTimeInterval(30 * 60))
        let times = fetcher.times(of: Self.ok)
        #expect(times.count == 2)
        if times.count == 2 { #expect(times[1].timeIntervalSince(times[0]) > 3200) }
    }

    @Test("a valid reload adds and removes sources and keeps state; an invalid one changes nothing")
    func reload() async throws {
        let config = try configuration(
            """
              - id: ok
                url: "\(Self.ok)"
                every: 10m
            """)
        let file = folder.appendingPathComponent("feeds.yml")
        let scheduler = Scheduler(configuration: config, fetcher: ScriptedFetcher(clock: TestClock(), answer: Self.answer), logger: Logger(label: "test"))
        let reloader = Reloader(file: file, scheduler: scheduler, notifier: SystemdNotifier(environment: [:]), logger: Logger(label: "test"))

        try "feed:\n  id: \"tag:herold.test,2026:sched\"\nsources:\n  - id: ok\n    url: \"\(Self.ok)\"\n    every: 20m\n  - id: new\n    url: \"\(Self.slow)\"\n"
            .write(to: file, atomically: true, encoding: .utf8)
        #expect(reloader.reload().isEmpty)
        #expect(scheduler.currentConfiguration.sources.map(\.id) == ["ok", "new"])
        #expect(scheduler.currentConfiguration.sources[0].fetch.every == 1200)

        try "sources:\n  - id: ok\n    url: \"ftp://nope\"\n    evrey: 5m\n".write(to: file, atomically: true, encoding: .utf8)
        let problems = reloader.reload()
        #expect(problems.count == 2)
        #expect(problems.contains { $0.contains("sources[0].url") })
        #expect(scheduler.currentConfiguration.sources.map(\.id) == ["ok", "new"], "the running configuration stays")
    }
}
