public import Archive
public import FeedModel
public import Fetching
public import Foundation
public import Logging
import Syndication

/// One poll round over the configured sources (`herold fetch`, and each round of the daemon):
/// fetch every source, archive what it shows, re-render the outputs from the archive.
public struct FetchRun: Sendable {
    public var configuration: Configuration
    public var fetcher: any PageFetching
    public var logger: Logger
    public var now: @Sendable () -> Date
    /// Sources polled at the same time (the fetcher enforces per-host limits on top).
    public var parallelSources = 8
    /// An extraction below this fraction of the source's usual confidence is distrusted.
    static let confidenceDropFactor = 0.6

    /// Decides every source's next poll after this round.
    public var planner = PollPlanner()
    /// Called after each source's poll is archived (the daemon's watchdog heartbeat).
    public var onProgress: @Sendable (SourceReport) -> Void = { _ in }

    public init(
        configuration: Configuration, fetcher: any PageFetching, logger: Logger,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.configuration = configuration
        self.fetcher = fetcher
        self.logger = logger
        self.now = now
    }

    /// Polls the sources (all, or those in `only`), archives and renders. Never throws: every
    /// failure is in the report, and a failing source leaves the rest of the archive intact.
    public func run(only: Set<SourceID>? = nil) async -> RunReport {
        let sources = configuration.sources.filter { only?.contains($0.id) ?? true }
        let store: ArchiveStore
        do {
            store = try openStore()
        } catch {
            return RunReport(
                sources: [], archiveError: "cannot open the archive at \(configuration.archive.path): \(error)",
                storyCount: 0)
        }
        var states = readStates()
        let harvests = await harvestAll(sources, states: states, store: store)
        return await commit(Array(zip(sources, harvests)), store: store, states: &states)
    }

    /// Re-renders the outputs for the stories whose files changed since the last render (the
    /// archive tracks them), from the archive alone.
    public func render(store: ArchiveStore, states: [String: SourceState]? = nil) async throws {
        let touched = await store.drainChanged()
        try await OutputRenderer(configuration: configuration, now: now).render(
            store: store, states: states ?? readStates(), touched: touched)
    }

    /// Opens the configured archive, logging what it could not read.
    public func openStore() throws -> ArchiveStore {
        let store = try ArchiveStore(root: configuration.archive, feedID: configuration.feed.id)
        for warning in store.openWarnings {
            logger.warning(
                "skipping an unreadable story", metadata: ["archive.file": "\(warning.path)", "reason": "\(warning.reason)"])
        }
        return store
    }

    /// Every source's state from sources.json (empty, with a warning, when it is unreadable).
    public func readStates() -> [String: SourceState] {
        do {
            return try SourceStates.read(archive: configuration.archive)
        } catch {
            logger.warning("sources.json is unreadable; starting source state afresh", metadata: ["error": "\(error)"])
            return [:]
        }
    }

    /// Polls one source (fetch, route, parse, extract) without touching the archive; conditional
    /// requests use the validators in `store`. The result goes to `commit`.
    public func harvest(_ source: Source, state: SourceState?, store: ArchiveStore) async -> Harvest {
        var harvester = Harvester(source: source, fetcher: fetcher, logger: logger, now: now)
        harvester.guids = state?.guids
        harvester.store = store
        if let moved = state?.pollURL(configured: source.url), moved != source.url { harvester.pollURL = moved }
        return await harvester.harvest()
    }

    /// Archives what the sources showed (in the given order, so dedup is deterministic), records
    /// validators and source states, and re-renders the outputs.
    /// - Parameter render: false leaves rendering to the caller (the daemon batches it; see
    ///   `render(store:)`).
    public func commit(_ harvested: [(Source, Harvest)], store: ArchiveStore, render: Bool = true) async -> RunReport {
        var states = readStates()
        return await commit(harvested, store: store, render: render, states: &states)
    }

    /// `commit` with the source states already in memory (as sources.json was last written);
    /// `states` comes back as written, so a long-running caller never reads the file again.
    public func commit(
        _ harvested: [(Source, Harvest)], store: ArchiveStore, render: Bool = true, states: inout [String: SourceState]
    ) async -> RunReport {
        var reports: [SourceReport] = []
        var archiveError: String?
        for (source, var harvest) in harvested {
            var archived = true
            // Extraction health: an article far below the source's usual confidence does not
            // replace a good revision (a template change that breaks extraction must not
            // overwrite the archive with navigation text); the drop is reported.
            let usual = states[source.id].flatMap { ($0.confidenceSamples ?? 0) >= 3 ? $0.confidence : nil }
            let floor = usual.map { $0 * Self.confidenceDropFactor }
            if let floor, let mean = harvest.report.meanConfidence, mean < floor {
                harvest.report.warnings.append(
                    String(format: "extraction confidence dropped to %.2f (usually %.2f); known stories keep their last good revision", mean, usual ?? 0))
                logger.warning(
                    "extraction confidence dropped", metadata: ["source.id": "\(source.id)", "confidence": "\(mean)", "usual": "\(usual ?? 0)"])
            }
            for observation in harvest.observations {
                do {
                    let trusted = floor.map { observation.article.confidence >= $0 } ?? true
                    switch try await store.ingest(observation, allowRevision: trusted) {
                    case .heldBack:
                        harvest.report.heldBack += 1
                    case .new:
                        harvest.report.new += 1
                    case .known:
                        harvest.report.known += 1
                    case .revised:
                        harvest.report.revised += 1
                    case .skipped: harvest.report.empty += 1
                    }
                } catch {
                    archived = false
                    archiveError = archiveError ?? "cannot write to the archive: \(error)"
                }
            }
            // Validators only once what they describe is archived: a crash or a write error
            // before this point makes the next poll download the pages again.
            if archived {
                for (url, validators) in harvest.validators {
                    try? await store.setValidators(for: url, etag: validators.etag, lastModified: validators.lastModified)
                }
            }
            if harvest.report.succeeded, !harvest.notModified, !harvest.listed.isEmpty {
                do {
                    let withdrawn = try await store.noteListing(
                        source: source.id, places: harvest.listed, windowStart: harvest.windowStart, now: now(),
                        grace: source.fetch.withdrawAfter)
                    harvest.report.withdrawn = withdrawn.count
                } catch {
                    archiveError = archiveError ?? "cannot write to the archive: \(error)"
                }
            }
            states[source.id] = updatedState(states[source.id], source: source, harvest: &harvest)
            reports.append(harvest.report)
            onProgress(harvest.report)
            logger.info(
                "\(harvest.report.line)",
                metadata: ["source.id": "\(source.id)", "stories.new": "\(harvest.report.new)"])
        }

        do {
            try await store.checkpoint()
            try SourceStates.write(states, archive: configuration.archive)
            if render { try await self.render(store: store, states: states) }
        } catch {
            archiveError = archiveError ?? "cannot write the outputs: \(error)"
        }
        return RunReport(sources: reports, archiveError: archiveError, storyCount: (try? await store.count()) ?? 0)
    }

    func harvestAll(_ sources: [Source], states: [String: SourceState], store: ArchiveStore) async -> [Harvest] {
        await withTaskGroup(of: (Int, Harvest).self) { group in
            var results = [Harvest?](repeating: nil, count: sources.count)
            var next = 0
            func start(_ group: inout TaskGroup<(Int, Harvest)>) {
                guard next < sources.count else { return }
                let index = next
                next += 1
                let source = sources[index]
                let state = states[source.id]
                group.addTask { (index, await harvest(source, state: state, store: store)) }
            }
            for _ in 0..<parallelSources { start(&group) }
            while let (index, harvest) = await group.next() {
                results[index] = harvest
                start(&group)
            }
            return results.map { $0! }
        }
    }

    func updatedState(_ old: SourceState?, source: Source, harvest: inout Harvest) -> SourceState {
        var state = old ?? SourceState(id: source.id, title: source.name, url: source.url)
        let now = now()
        // Intervals run from the start of one poll to the start of the next.
        let started = harvest.startedAt ?? now
        noteRedirects(&state, source: source, harvest: &harvest)
        state.lastAttempt = now
        var every = source.fetch.every
        if source.fetch.adaptive, harvest.report.succeeded {
            let foundNew = harvest.report.new > 0
            state.quietPolls = foundNew ? 0 : (state.quietPolls ?? 0) + 1
            every = planner.adaptiveInterval(
                current: state.adaptiveEvery ?? every, foundNew: foundNew, quietPolls: state.quietPolls ?? 0,
                bounds: source.fetch.adaptiveBounds)
            if foundNew || (state.quietPolls ?? 0) >= 3 { state.quietPolls = 0 }
            state.adaptiveEvery = every
        } else if !source.fetch.adaptive {
            state.adaptiveEvery = nil
            state.quietPolls = nil
        }
        if let failure = harvest.report.failure {
            state.lastError = failure
            state.lastErrorKind = harvest.error?.kind.rawValue ?? "parse"
            state.consecutiveFailures += 1
            state.nextPoll = planner.next(
                after: .failure(failures: state.consecutiveFailures, retryAfter: harvest.error?.retryAfter),
                every: every, now: started)
        } else {
            // A 304 is not parsed: the feed's <ttl> is the one it had last time.
            if !harvest.notModified { state.ttl = harvest.ttl }
            state.nextPoll = planner.next(
                after: .success(cacheLifetime: harvest.cacheLifetime, ttl: state.ttl), every: every, now: started)
            state.lastErrorKind = nil
            if let mean = harvest.report.meanConfidence {
                let samples = state.confidenceSamples ?? 0
                // An exponential moving average that starts as a plain mean.
                let weight = 1 / Double(min(samples + 1, 10))
                state.confidence = (state.confidence ?? mean) * (1 - weight) + mean * weight
                state.confidenceSamples = samples + 1
            }
            state.guids = harvest.guids ?? state.guids
            state.title = harvest.feedTitle ?? source.name
            state.siteLink = harvest.siteLink ?? state.siteLink
            state.lastSuccess = now
            state.lastError = nil
            state.consecutiveFailures = 0
        }
        return state
    }

    /// Permanent redirects: a stored URL override that feeds.yml no longer names is dropped; a
    /// successful poll whose URL redirected permanently (301/308) counts towards adopting the
    /// target (`permanentRedirectPolls` in a row, same target), one answered without a
    /// permanent redirect resets the count; a failed poll leaves it as it is. Each step is
    /// logged at warning level and put in the source's report.
    func noteRedirects(_ state: inout SourceState, source: Source, harvest: inout Harvest) {
        if let configured = state.configuredURL, configured != source.url {
            logger.notice(
                "feeds.yml names a new URL; the stored permanent-redirect URL is dropped",
                metadata: [
                    "source.id": "\(source.id)", "url.stored": "\(state.url.absoluteString)",
                    "url.configured": "\(source.url.absoluteString)",
                ])
            state.configuredURL = nil
            state.movedTo = nil
            state.movedPolls = nil
        }
        if state.configuredURL == nil {
            if state.url != source.url {
                // Another URL in feeds.yml (or one polled before this state was kept): start afresh.
                state.movedTo = nil
                state.movedPolls = nil
            }
            state.url = source.url
        }
        guard harvest.answered, harvest.report.succeeded else { return }
        guard let target = harvest.permanentTarget, let from = harvest.polledURL, target != from else {
            state.movedTo = nil
            state.movedPolls = nil
            return
        }
        let polls = state.movedTo == target ? (state.movedPolls ?? 0) + 1 : 1
        let threshold = source.fetch.permanentRedirectPolls
        let adopted = threshold > 0 && polls >= threshold
        var metadata: Logger.Metadata = [
            "source.id": "\(source.id)", "url.old": "\(from.absoluteString)", "url.new": "\(target.absoluteString)",
            "redirect.polls": "\(polls)",
        ]
        if adopted {
            if state.configuredURL == nil { state.configuredURL = source.url }
            state.url = target
            // Moved back to the URL feeds.yml names: no override any more.
            if target == source.url { state.configuredURL = nil }
            state.movedTo = nil
            state.movedPolls = nil
            metadata["url.configured"] = "\(source.url.absoluteString)"
            logger.warning("source moved permanently; polling the new URL from now on (update feeds.yml)", metadata: metadata)
        } else {
            state.movedTo = target
            state.movedPolls = polls
            logger.warning("source redirects permanently", metadata: metadata)
        }
        harvest.report.permanentRedirect = SourceReport.PermanentRedirect(
            from: from, to: target, polls: polls, threshold: threshold, adopted: adopted)
    }
}
