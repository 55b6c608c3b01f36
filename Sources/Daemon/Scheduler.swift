public import Archive
public import FeedModel
public import Fetching
public import Foundation
public import Logging
public import Pipeline
public import ServiceLifecycle
import Synchronization

/// The daemon's scheduler: polls each source when it is due (`SourceState.nextPoll`, which every
/// poll records, so a restart keeps the schedule), each source in its own task — a slow or
/// failing source never holds back another — and archives each source's result as it arrives.
///
/// Time is injected (`now` and `sleep`), so schedules are tested without waiting. On graceful
/// shutdown it starts no new polls, lets the polls in flight finish and archives them, then
/// returns. `apply(_:)` swaps the configuration (SIGHUP): added sources get a first slot,
/// removed ones are no longer polled, changed ones keep their state.
public final class Scheduler: Service {
    /// Tuning of the scheduler.
    public struct Options: Sendable {
        /// Sources polled at once.
        public var parallelSources = 16
        /// Longest sleep between two looks at the schedule while polls are in flight: a finished
        /// poll is archived within it.
        public var maxSleep: Duration = .seconds(1)
        /// Longest sleep while nothing is in flight: otherwise the scheduler sleeps until the next
        /// poll is due (a reload wakes it at once). Bounds how late a poll can be after the wall
        /// clock was set forward; the daemon keeps it below the systemd watchdog interval.
        public var maxIdleSleep: Duration = .seconds(60)
        /// How often the schedule is looked at while every poll slot is taken.
        public var busyTick: Duration = .milliseconds(50)
        /// Shortest time between two renders of the outputs; polls archived in between are
        /// rendered together.
        public var renderInterval: TimeInterval = 5

        public init() {}
    }

    /// What the last rounds did (for STATUS=, `/metrics` and the log).
    public struct Counters: Sendable, Equatable {
        public var polls = 0
        public var failures = 0
        public var notModified = 0
        public var newStories = 0
        public var revisions = 0
        public var known = 0
        /// Failures by `lastErrorKind`.
        public var failuresByKind: [String: Int] = [:]
    }

    private let configuration: Mutex<Configuration>
    private let fetcher: any PageFetching
    private let logger: Logger
    private let now: @Sendable () -> Date
    private let sleep: @Sendable (Duration) async throws -> Void
    private let options: Options
    /// Beats on every step; the watchdog reads it.
    public let heartbeat = Heartbeat()
    private let notifier: SystemdNotifier
    private let counters = Mutex(Counters())
    /// Where polls are counted for `/metrics`.
    private let metrics: DaemonMetrics?
    /// Wakes a running scheduler after `apply(_:)` (nil while it is not running).
    private let wake = Mutex<AsyncStream<Void>.Continuation?>(nil)

    /// - Parameters:
    ///   - now: the wall clock (poll times are wall-clock dates in sources.json).
    ///   - sleep: how the scheduler waits (tests pass one that advances their clock).
    public init(
        configuration: Configuration, fetcher: any PageFetching, logger: Logger, notifier: SystemdNotifier = SystemdNotifier(environment: [:]),
        options: Options = Options(), now: @escaping @Sendable () -> Date = { Date() },
        sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) },
        metrics: DaemonMetrics? = nil
    ) {
        self.configuration = Mutex(configuration)
        self.fetcher = fetcher
        self.logger = logger
        self.notifier = notifier
        self.options = options
        self.now = now
        self.sleep = sleep
        self.metrics = metrics
    }

    /// The configuration in force.
    public var currentConfiguration: Configuration { configuration.withLock { $0 } }

    /// Totals since start.
    public var totals: Counters { counters.withLock { $0 } }

    /// Replaces the configuration (after a successful reload). The archive location cannot
    /// change while running; such a change is refused with a message.
    public func apply(_ new: Configuration) throws(ReloadError) {
        try configuration.withLock { (current: inout Configuration) throws(ReloadError) in
            // The same folder, however spelled: a URL made after the folder exists ends in "/".
            guard Self.samePath(new.archive, current.archive) else {
                throw ReloadError(message: "the archive directory cannot change while running (restart instead)")
            }
            current = new
        }
        _ = wake.withLock { $0?.yield() }
    }

    static func samePath(_ a: URL, _ b: URL) -> Bool {
        func normalized(_ url: URL) -> String {
            var path = url.standardizedFileURL.resolvingSymlinksInPath().path
            while path.count > 1 && path.hasSuffix("/") { path.removeLast() }
            return path
        }
        return normalized(a) == normalized(b)
    }

    /// A reload that cannot be applied.
    public struct ReloadError: Error, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    /// When each configured source is due: its recorded next poll, or a first slot.
    public func schedule(states: [String: SourceState], at date: Date, planner: PollPlanner) -> [(id: SourceID, due: Date)] {
        currentConfiguration.sources.map { source in
            (source.id, states[source.id]?.nextPoll ?? planner.first(for: source.id, every: source.fetch.every, now: date))
        }
    }

    enum Event: Sendable {
        case harvested(Source, Harvest, TimeInterval)
        /// A sleep ended; only the sleep of the current `generation` leads to a look.
        case tick(generation: Int)
        /// `apply(_:)` swapped the configuration.
        case reloaded
        /// The reload stream ended.
        case quiet
    }

    public func run() async throws {
        let config = currentConfiguration
        let run = FetchRun(configuration: config, fetcher: fetcher, logger: logger, now: now)
        let store = try run.openStore()
        let planner = run.planner
        // First slots of never-polled sources are fixed once, so they do not drift with `now`.
        var firstSlots: [SourceID: Date] = [:]
        var inFlight = Set<SourceID>()
        var stopping = false
        var ready = false
        var pendingRender = true
        var lastRender = Date.distantPast
        var harvested: [(Source, Harvest, TimeInterval)] = []
        // sources.json as last written; only commits change it while the scheduler runs (it
        // holds the archive's lock), and they hand back what they wrote: it is read once.
        var cachedStates: [String: SourceState]?
        func commitHarvested() async {
            guard !harvested.isEmpty else { return }
            let batch = harvested
            harvested.removeAll()
            var commitRun = FetchRun(configuration: currentConfiguration, fetcher: fetcher, logger: logger, now: now)
            commitRun.planner = planner
            var states = cachedStates ?? run.readStates()
            let report = await commitRun.commit(batch.map { ($0.0, $0.1) }, store: store, render: false, states: &states)
            for (source, _, _) in batch { inFlight.remove(source.id) }
            cachedStates = states
            pendingRender = true
            for (index, sourceReport) in report.sources.enumerated() {
                let single = RunReport(
                    sources: [sourceReport], archiveError: index == 0 ? report.archiveError : nil,
                    storyCount: report.storyCount)
                record(single, seconds: batch[index].2)
            }
        }
        func renderIfDue(force: Bool) async {
            guard pendingRender, force || now().timeIntervalSince(lastRender) >= options.renderInterval else { return }
            do {
                try await run.render(store: store, states: cachedStates)
            } catch {
                logger.error("cannot render the outputs: \(error)")
            }
            pendingRender = false
            lastRender = now()
            // A round's archiving and rendering is done: hand the memory it freed back to the
            // system (glibc keeps freed blocks in per-thread arenas; in the soak they held 25 of
            // 41 MB of heap while the daemon sat idle). At most once per render interval.
            if inFlight.isEmpty { MemoryTrim.releaseFreedMemory() }
        }

        let (reloads, reloadContinuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        wake.withLock { $0 = reloadContinuation }
        defer {
            wake.withLock { $0 = nil }
            reloadContinuation.finish()
        }
        // Waits for the next reload (one listener at a time, re-added after each reload).
        @Sendable func listen() async -> Event {
            for await _ in reloads { return .reloaded }
            return .quiet
        }
        // Sleeps that a reload made obsolete still end; their ticks are ignored.
        var generation = 0
        // One look at the schedule: archive what finished, render when due, start the polls that
        // are due and free slots allow, and sleep until the next one is due.
        func look(_ group: inout TaskGroup<Event>) async {
            await commitHarvested()
            if Task.isShuttingDownGracefully || Task.isCancelled { stopping = true }
            guard !stopping else { return }
            await renderIfDue(force: false)
            let date = now()
            if cachedStates == nil { cachedStates = run.readStates() }
            let states = cachedStates ?? [:]
            let configured = currentConfiguration.sources
            var due: [(id: SourceID, due: Date)] = []
            due.reserveCapacity(configured.count)
            for source in configured {
                let slot = states[source.id]?.nextPoll
                    ?? firstSlots[source.id]
                    ?? planner.first(for: source.id, every: source.fetch.every, now: date)
                if states[source.id]?.nextPoll == nil { firstSlots[source.id] = slot }
                due.append((source.id, slot))
            }
            metrics?.setSources(due.count)
            if !ready {
                notifier.send("READY=1\nSTATUS=scheduled \(due.count) sources")
                logger.info("scheduler ready", metadata: ["sources": "\(due.count)"])
                ready = true
            }
            let sources = Dictionary(configured.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
            for (id, slot) in due.filter({ $0.due <= date }).sorted(by: { $0.due < $1.due })
            where !inFlight.contains(id) && inFlight.count < options.parallelSources {
                guard let source = sources[id] else { continue }
                inFlight.insert(id)
                firstSlots[id] = nil
                metrics?.lag(date.timeIntervalSince(slot))
                let state = states[id]
                let started = ContinuousClock.now
                group.addTask {
                    let harvest = await run.harvest(source, state: state, store: store)
                    let elapsed = ContinuousClock.now - started
                    return .harvested(source, harvest, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
                }
            }
            let wait = Self.wait(
                untilNext: due.filter { !inFlight.contains($0.id) }.map(\.due).min(), now: now(),
                inFlight: inFlight.count, options: options)
            let sleep = self.sleep
            let current = generation
            group.addTask {
                try? await cancelWhenGracefulShutdown { try await sleep(wait) }
                return .tick(generation: current)
            }
        }

        await withGracefulShutdownHandler {
            await withTaskGroup(of: Event.self) { group in
                group.addTask(operation: listen)
                group.addTask { .tick(generation: 0) }
                while let event = await group.next() {
                    heartbeat.beat()
                    switch event {
                    case .harvested(let source, let harvest, let seconds):
                        // Archived with the next tick, together with whatever else finished by
                        // then: one read and one write of sources.json per batch, not per poll.
                        harvested.append((source, harvest, seconds))
                        if stopping && inFlight.count == harvested.count { await commitHarvested() }
                    case .tick(let tick):
                        if tick == generation { await look(&group) }
                    case .reloaded:
                        group.addTask(operation: listen)
                        // The running sleep was planned for the old sources: look now.
                        generation += 1
                        await look(&group)
                    case .quiet:
                        break
                    }
                    if stopping && inFlight.isEmpty { break }
                }
                group.cancelAll()
            }
            await commitHarvested()
            await renderIfDue(force: true)
        } onGracefulShutdown: { [logger, notifier] in
            notifier.send("STOPPING=1")
            logger.info("stopping: no new polls; finishing the polls in flight")
        }
        try? await store.checkpoint()
    }

    /// How long to sleep after a look: until the next poll is due, at most `maxIdleSleep`, and
    /// at most `maxSleep` while polls are in flight (they are archived on the next look). When
    /// every slot is taken and sources wait, at least `busyTick` (never a spin).
    static func wait(untilNext next: Date?, now: Date, inFlight: Int, options: Options) -> Duration {
        var wait = inFlight > 0 ? min(options.maxSleep, options.maxIdleSleep) : options.maxIdleSleep
        if let next {
            let milliseconds = next.timeIntervalSince(now) * 1000
            if milliseconds < Double(wait.components.seconds) * 1000 + Double(wait.components.attoseconds) / 1e15 {
                wait = .milliseconds(Int64(max(0, milliseconds.rounded(.up))))
            }
            if inFlight >= options.parallelSources { wait = max(wait, options.busyTick) }
        }
        return wait
    }

    private func record(_ report: RunReport, seconds: TimeInterval) {
        let totals = counters.withLock { counters -> Counters in
            for source in report.sources {
                counters.polls += 1
                if !source.succeeded {
                    counters.failures += 1
                    let kind = source.failure?.split(separator: ":").first.map(String.init) ?? "other"
                    counters.failuresByKind[kind, default: 0] += 1
                }
                if source.notModified { counters.notModified += 1 }
                counters.newStories += source.new
                counters.revisions += source.revised
                counters.known += source.known
            }
            return counters
        }
        for source in report.sources {
            metrics?.record(source, seconds: seconds)
            if source.succeeded {
                logger.info("\(source.line)", metadata: ["source.id": "\(source.sourceID)", "duration_ms": "\(Int(seconds * 1000))"])
            } else {
                logger.warning("\(source.line)", metadata: ["source.id": "\(source.sourceID)", "duration_ms": "\(Int(seconds * 1000))"])
            }
        }
        if let error = report.archiveError { logger.error("\(error)") }
        notifier.send(
            "STATUS=\(totals.polls) polls, \(totals.failures) failed, \(totals.newStories) new stories, \(report.storyCount) archived")
    }
}
