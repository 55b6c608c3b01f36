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
        clock.stop(at: until)
        defer { clock.stop(at: nil) }
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
        let begin = clock.now
        try await run(config, fetcher: fetcher, clock: clock, until: clock.now.addingTimeInterval(600))
        #expect(fetcher.times(of: Self.ok).count == 1, "\(fetcher.times(of: Self.ok).map { $0.timeIntervalSince(begin) }) now \(clock.now.timeIntervalSince(begin))")
        let stopped = clock.now
        // A new process (a new scheduler over the same archive) 10 minutes later.
        try await run(config, fetcher: fetcher, clock: clock, until: stopped.addingTimeInterval(40 * 60))
        #expect(fetcher.times(of: Self.ok).count == 1, "polled again right after the restart: \(fetcher.times(of: Self.ok).map { $0.timeIntervalSince(begin) }), stopped at \(stopped.timeIntervalSince(begin)), states \(String(describing: try? SourceStates.read(archive: config.archive)["ok"]?.nextPoll?.timeIntervalSince(begin)))")
        try await run(config, fetcher: fetcher, clock: clock, until: clock.now.addingTimeInterval(30 * 60))
        let times = fetcher.times(of: Self.ok)
        #expect(times.count == 2, "\(times.map { $0.timeIntervalSince(begin) }), now \(clock.now.timeIntervalSince(begin))")
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

    @Test("a reload applies once the archive folder exists (the same folder, spelled with a trailing slash); another archive is refused")
    func reloadAfterArchiveExists() throws {
        let config = try configuration(
            """
              - id: ok
                url: "\(Self.ok)"
                every: 10m
            """)
        let file = folder.appendingPathComponent("feeds.yml")
        let scheduler = Scheduler(configuration: config, fetcher: ScriptedFetcher(clock: TestClock(), answer: Self.answer), logger: Logger(label: "test"))
        let reloader = Reloader(file: file, scheduler: scheduler, notifier: SystemdNotifier(environment: [:]), logger: Logger(label: "test"))
        // The daemon creates the archive after loading the configuration; a reload reads the
        // file again, and its archive URL now names an existing folder.
        try FileManager.default.createDirectory(at: config.archive, withIntermediateDirectories: true)
        try "feed:\n  id: \"tag:herold.test,2026:sched\"\nsources:\n  - id: ok\n    url: \"\(Self.ok)\"\n    every: 1h\n"
            .write(to: file, atomically: true, encoding: .utf8)
        #expect(reloader.reload().isEmpty)
        #expect(scheduler.currentConfiguration.sources.first?.fetch.every == 3600, "the reload applied")

        var other = scheduler.currentConfiguration
        other.archive = config.archive.appendingPathComponent("elsewhere")
        #expect(throws: Scheduler.ReloadError.self) { try scheduler.apply(other) }
        #expect(scheduler.currentConfiguration.sources.first?.fetch.every == 3600, "the refused reload changed nothing")
    }

    @Test("an idle scheduler sleeps until the next poll is due instead of looking every second")
    func idleSleepsUntilDue() async throws {
        var sources = ""
        for n in 0..<10 { sources += "  - id: s\(n)\n    url: \"https://s\(n).example/feed.xml\"\n    every: 1h\n" }
        let config = try configuration(sources)
        let clock = TestClock()
        let start = clock.now
        let fetcher = ScriptedFetcher(clock: clock, answer: Self.answer)
        let sleeps = Mutex<[Duration]>([])
        var options = Scheduler.Options()
        options.maxIdleSleep = .seconds(3600)
        let scheduler = Scheduler(
            configuration: config, fetcher: fetcher, logger: Logger(label: "test"), options: options,
            now: { clock.now },
            sleep: { duration in
                sleeps.withLock { $0.append(duration) }
                await clock.sleep(duration)
            })
        let task = Task { try await scheduler.run() }
        while clock.now < start.addingTimeInterval(3 * 3600) { await Task.yield() }
        task.cancel()
        try await task.value

        let polls = fetcher.requests.count
        let looks = sleeps.withLock { $0 }
        #expect(polls >= 20 && polls <= 40, "\(polls) polls of 10 hourly sources in 3 hours")
        // While a poll is in flight the scheduler looks every `maxSleep` (1 s; this clock runs on
        // while the poll's real work is done). With nothing in flight it sleeps until the next
        // poll is due: about one such sleep per poll, and together they make up most of the 3
        // hours. (Before, it looked every second: 10,800 sleeps of at most 1 s.)
        let idle = looks.filter { $0 > .seconds(1) }
        #expect(idle.count <= polls + 5, "\(idle.count) idle sleeps for \(polls) polls")
        let idleSeconds = idle.reduce(0.0) { $0 + Double($1.components.seconds) }
        #expect(idleSeconds > 2.5 * 3600, "\(idleSeconds) s of 3 h spent in idle sleeps")
    }

    @Test("a reload wakes a sleeping scheduler at once, which then plans the new sources")
    func reloadWakes() async throws {
        let config = try configuration(
            """
              - id: ok
                url: "\(Self.ok)"
                every: 1h
            """)
        // "ok" was polled just now: nothing is due for an hour.
        var state = SourceState(id: "ok", title: "ok", url: Self.ok)
        state.nextPoll = Date().addingTimeInterval(3600)
        try FileManager.default.createDirectory(at: config.archive, withIntermediateDirectories: true)
        try SourceStates.write(["ok": state], archive: config.archive)
        let requested = Mutex<[Duration]>([])
        var options = Scheduler.Options()
        options.maxIdleSleep = .seconds(3600)
        let scheduler = Scheduler(
            configuration: config, fetcher: ScriptedFetcher(clock: TestClock(), answer: Self.answer), logger: Logger(label: "test"),
            options: options,
            sleep: { duration in
                requested.withLock { $0.append(duration) }
                // Really sleeps: only a reload (or the end of the test) makes the scheduler look again.
                try await Task.sleep(for: .seconds(3600))
            })
        let task = Task { try await scheduler.run() }
        func waitFor(_ count: Int) async -> Bool {
            for _ in 0..<1000 {
                if requested.withLock({ $0.count }) >= count { return true }
                try? await Task.sleep(for: .milliseconds(10))
            }
            return false
        }
        #expect(await waitFor(1), "the scheduler made its first look")
        #expect(requested.withLock { $0 }.first.map { $0 > .seconds(3000) } == true, "\(requested.withLock { $0 })")

        var added = config
        let extra = try configuration(
            """
              - id: ok
                url: "\(Self.ok)"
                every: 1h
              - id: new
                url: "\(Self.slow)"
                every: 10m
            """)
        added.sources = extra.sources
        try scheduler.apply(added)
        #expect(await waitFor(2), "the reload woke the scheduler")
        // The new source's first slot is within 5 minutes: the new sleep is planned for it.
        #expect(requested.withLock { $0 }.last.map { $0 <= .seconds(300) } == true, "\(requested.withLock { $0 })")
        task.cancel()
        try await task.value
    }
}
