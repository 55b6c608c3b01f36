import CCurl
import Foundation
import Logging
import Synchronization

/// A request handed from an awaiting task to the transfer loop, with the continuation the
/// loop resumes exactly once.
struct Submission: Sendable {
    let id: UInt64
    let request: FetchRequest
    let continuation: CheckedContinuation<Result<FetchResponse, FetchError>, Never>
}

/// A submission waiting for (or using) its host's budget: the first request, or one hop of
/// its redirect chain. Every hop queues behind the budget of the host it goes to.
struct Pending {
    let submission: Submission
    /// The URL of this hop.
    let url: URL
    /// The previous hop's URL (sent as `Referer`), nil for the first request.
    let referer: URL?
    /// Redirects followed so far.
    let redirects: Int
    /// When the first hop started (the total timeout covers the whole chain); nil before.
    let firstStarted: ContinuousClock.Instant?
    /// The redirects followed so far (handed to the caller with the final response).
    var hops: [FetchResponse.Redirect] = []
}

/// What tasks and the loop thread share: the inbox of new requests and cancellations, under
/// one lock. Everything else of the loop (curl handles, queues) lives on its thread only.
final class LoopInbox: Sendable {
    private struct State {
        var nextID: UInt64 = 1
        var submissions: [Submission] = []
        var cancellations: [UInt64] = []
        /// Ids submitted and not yet resumed.
        var live: Set<UInt64> = []
        /// Ids cancelled before they were submitted (the task was cancelled already).
        var cancelledEarly: Set<UInt64> = []
        var shuttingDown = false
        /// Set by the loop once its multi handle exists; cleared before it is freed.
        var wakeup: MultiWakeup?
        /// Set when the loop could not start: every request fails with it.
        var broken: CurlFailure?
    }

    private let state = Mutex(State())

    /// A fresh request id.
    func makeID() -> UInt64 {
        state.withLock { state in
            defer { state.nextID += 1 }
            return state.nextID
        }
    }

    /// Hands a request to the loop, or fails it at once when it was cancelled already or the
    /// loop is gone.
    func submit(_ submission: Submission) {
        let refusal: FetchError? = state.withLock { state in
            if state.cancelledEarly.remove(submission.id) != nil {
                return FetchError(kind: .other, url: submission.request.url, message: FetchError.cancelledMessage)
            }
            if let broken = state.broken { return broken.fetchError(for: submission.request.url) }
            if state.shuttingDown {
                return FetchError(kind: .other, url: submission.request.url, message: "the fetcher has shut down")
            }
            state.live.insert(submission.id)
            state.submissions.append(submission)
            state.wakeup?.wake()
            return nil
        }
        if let refusal { submission.continuation.resume(returning: .failure(refusal)) }
    }

    /// Asks the loop to abort request `id` (from a task's cancellation handler).
    func cancel(_ id: UInt64) {
        state.withLock { state in
            if state.live.contains(id) {
                state.cancellations.append(id)
                state.wakeup?.wake()
            } else {
                state.cancelledEarly.insert(id)
            }
        }
    }

    /// Forgets an early cancellation of `id` that no submission consumed (the cancellation
    /// raced with the end of the request).
    func forget(_ id: UInt64) {
        _ = state.withLock { $0.cancelledEarly.remove(id) }
    }

    /// Asks the loop to fail everything and end.
    func shutDown() {
        state.withLock { state in
            state.shuttingDown = true
            state.wakeup?.wake()
        }
    }

    // MARK: Loop side

    /// Publishes (or, with nil, withdraws) the loop's wake-up handle.
    func setWakeup(_ wakeup: MultiWakeup?) {
        state.withLock { $0.wakeup = wakeup }
    }

    /// The loop could not start: fail what waits and every later request.
    func markBroken(_ failure: CurlFailure) -> [Submission] {
        state.withLock { state in
            state.broken = failure
            defer { state.submissions = [] }
            return state.submissions
        }
    }

    /// Takes the new requests and cancellations.
    func drain() -> (submissions: [Submission], cancellations: [UInt64], shuttingDown: Bool) {
        state.withLock { state in
            defer {
                state.submissions = []
                state.cancellations = []
            }
            return (state.submissions, state.cancellations, state.shuttingDown)
        }
    }

    /// Resumes a request's continuation once; the loop's only way to answer.
    func finish(_ submission: Submission, _ result: Result<FetchResponse, FetchError>) {
        state.withLock { _ = $0.live.remove(submission.id) }
        submission.continuation.resume(returning: result)
    }
}

/// The transfer loop: one OS thread driving a curl multi handle with `curl_multi_poll`,
/// woken by `curl_multi_wakeup` when requests or cancellations arrive. It owns every curl
/// handle; only `Sendable` submissions and results cross threads.
final class TransferLoop {
    private let inbox: LoopInbox
    private let options: CurlFetcher.Options
    private let logger: Logger
    private let multi: MultiHandle
    private let clock = ContinuousClock()
    private var pacer = HostPacer<Pending>()
    /// Transfers in flight, by easy handle, with the hop each performs.
    private var active: [UnsafeMutableRawPointer: (transfer: Transfer, pending: Pending)] = [:]
    private var handleByID: [UInt64: UnsafeMutableRawPointer] = [:]

    private init(inbox: LoopInbox, options: CurlFetcher.Options, logger: Logger, multi: MultiHandle) {
        self.inbox = inbox
        self.options = options
        self.logger = logger
        self.multi = multi
    }

    /// Starts the loop's thread. It runs until `inbox.shutDown()`.
    static func start(inbox: LoopInbox, options: CurlFetcher.Options, logger: Logger) {
        let thread = Thread {
            let multi: MultiHandle
            do throws(CurlFailure) {
                multi = try MultiHandle(maxHostConnections: options.maxHostConnections)
            } catch {
                logger.error("cannot start the fetcher", metadata: ["error": "\(error)"])
                for submission in inbox.markBroken(error) {
                    inbox.finish(submission, .failure(error.fetchError(for: submission.request.url)))
                }
                return
            }
            withExtendedLifetime(multi) {
                let loop = TransferLoop(inbox: inbox, options: options, logger: logger, multi: multi)
                inbox.setWakeup(MultiWakeup(multi: multi.pointer))
                loop.run()
                // No other thread may wake the handle from now on; only then is it freed.
                inbox.setWakeup(nil)
            }
        }
        thread.name = "herold-curl"
        thread.start()
    }

    private func run() {
        while true {
            let (submissions, cancellations, shuttingDown) = inbox.drain()
            if shuttingDown {
                abortAll(message: "the fetcher has shut down")
                return
            }
            for submission in submissions { accept(submission) }
            for id in cancellations { cancel(id) }
            startReady()
            perform()
            let ended = collectFinished()
            // A transfer ended and others wait: one of them may start now, so go round again.
            if ended > 0 && pacer.waitingCount > 0 { continue }
            wait()
        }
    }

    /// Validates a request and queues it behind its host's politeness budget.
    private func accept(_ submission: Submission) {
        let url = submission.request.url
        guard let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https", url.host != nil else {
            inbox.finish(
                submission,
                .failure(FetchError(kind: .invalidURL, url: url, message: "only http and https URLs are fetched")))
            return
        }
        if !submission.request.verifiesTLS {
            logger.warning(
                "TLS certificate verification is OFF for this request (per-source opt-out)",
                metadata: ["http.host": "\(url.host ?? "")", "tls.verify": "off"])
        }
        enqueue(Pending(submission: submission, url: url, referer: nil, redirects: 0, firstStarted: nil))
    }

    /// Queues a hop behind the budget of the host it goes to.
    private func enqueue(_ pending: Pending) {
        let settings = pending.submission.request.settings
        pacer.enqueue(
            pending, host: pending.url.politenessKey, limit: settings.hostConnections,
            spacing: .milliseconds(Int64((max(0, settings.hostDelay) * 1000).rounded())))
    }

    /// Where a redirect may go: an http/https URL within the redirect limit.
    private func follow(_ pending: Pending, to target: String, status: Int) -> Result<Pending, FetchError> {
        let request = pending.submission.request
        guard pending.redirects < options.maxRedirects else {
            return .failure(
                FetchError(
                    kind: .redirectRefused, url: request.url,
                    message: "more than \(options.maxRedirects) redirects (last to \(target))"))
        }
        guard let url = URL(string: target), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
            url.host != nil
        else {
            return .failure(
                FetchError(kind: .redirectRefused, url: request.url, message: "redirect to a non-http(s) URL refused"))
        }
        return .success(
            Pending(
                submission: pending.submission, url: url, referer: pending.url, redirects: pending.redirects + 1,
                firstStarted: pending.firstStarted,
                hops: pending.hops + [FetchResponse.Redirect(from: pending.url, status: status, to: url)]))
    }

    /// Starts every queued request its host's budget allows now.
    private func startReady() {
        let now = clock.now
        for (waiting, host) in pacer.takeReady(now: now) {
            let submission = waiting.submission
            let firstStarted = waiting.firstStarted ?? now
            let pending = Pending(
                submission: submission, url: waiting.url, referer: waiting.referer, redirects: waiting.redirects,
                firstStarted: firstStarted, hops: waiting.hops)
            let spent = firstStarted.duration(to: now)
            let timeLeft =
                submission.request.settings.timeout - Double(spent.components.seconds)
                - Double(spent.components.attoseconds) / 1e18
            guard timeLeft > 0 else {
                pacer.finish(host: host, now: now)
                inbox.finish(
                    submission,
                    .failure(
                        FetchError(kind: .timeout, url: submission.request.url, message: "timed out following redirects")))
                continue
            }
            do throws(CurlFailure) {
                let transfer = try Transfer(
                    id: submission.id, request: submission.request, url: pending.url, referer: pending.referer,
                    host: host, options: options, started: now, timeLeft: timeLeft)
                try Curl.check(curl_multi_add_handle(multi.pointer, transfer.handle), "curl_multi_add_handle")
                active[transfer.handle] = (transfer, pending)
                handleByID[submission.id] = transfer.handle
            } catch {
                pacer.finish(host: host, now: now)
                inbox.finish(submission, .failure(error.fetchError(for: submission.request.url)))
            }
        }
    }

    private func perform() {
        var running: Int32 = 0
        do throws(CurlFailure) {
            try Curl.check(curl_multi_perform(multi.pointer, &running), "curl_multi_perform")
        } catch {
            logger.error("curl_multi_perform failed", metadata: ["error": "\(error)"])
        }
    }

    /// Answers every transfer curl reports as done; returns how many ended.
    private func collectFinished() -> Int {
        var remaining: Int32 = 0
        var ended = 0
        while let message = curl_multi_info_read(multi.pointer, &remaining) {
            guard message.pointee.msg == CURLMSG_DONE, let handle = message.pointee.easy_handle,
                let transfer = active[handle]?.transfer
            else { continue }
            switch transfer.outcome(message.pointee.data.result, now: options.now()) {
            case .finished(let result):
                end(handle, result)
            case .redirect(let target, let status):
                end(handle, redirectTo: target, status: status)
            }
            ended += 1
        }
        return ended
    }

    /// Detaches a transfer, frees its handle, releases its host budget and answers it.
    private func end(_ handle: UnsafeMutableRawPointer, _ result: Result<FetchResponse, FetchError>) {
        guard let (transfer, pending) = detach(handle) else { return }
        log(transfer, result, now: clock.now)
        inbox.finish(
            pending.submission,
            result.map { response in
                var response = response
                response.redirects = pending.hops
                return response
            })
    }

    /// Detaches a transfer that answered with a redirect and queues the next hop behind its
    /// host's budget (or fails the request when the redirect is refused).
    private func end(_ handle: UnsafeMutableRawPointer, redirectTo target: String, status: Int) {
        guard let (transfer, pending) = detach(handle) else { return }
        switch follow(pending, to: target, status: status) {
        case .success(let next):
            enqueue(next)
        case .failure(let error):
            log(transfer, .failure(error), now: clock.now)
            inbox.finish(pending.submission, .failure(error))
        }
    }

    /// Removes a transfer from the multi handle and releases its host budget.
    private func detach(_ handle: UnsafeMutableRawPointer) -> (Transfer, Pending)? {
        guard let (transfer, pending) = active.removeValue(forKey: handle) else { return nil }
        try? Curl.check(curl_multi_remove_handle(multi.pointer, handle), "curl_multi_remove_handle")
        handleByID[transfer.id] = nil
        pacer.finish(host: transfer.host, now: clock.now)
        return (transfer, pending)
    }

    private func log(_ transfer: Transfer, _ result: Result<FetchResponse, FetchError>, now: ContinuousClock.Instant) {
        let elapsed = transfer.started.duration(to: now)
        var metadata: Logger.Metadata = [
            "http.url": "\(transfer.request.url.absoluteString)",
            "duration_ms": "\(elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000)",
        ]
        switch result {
        case .success(let response):
            metadata["http.status"] = "\(response.status)"
            metadata["http.bytes"] = "\(response.body.count)"
            logger.debug("fetched", metadata: metadata)
        case .failure(let error):
            metadata["fetch.error"] = "\(error.kind.rawValue)"
            if let status = error.status { metadata["http.status"] = "\(status)" }
            logger.debug("fetch failed", metadata: metadata)
        }
    }

    /// Aborts request `id` wherever it is: queued or in flight. Unknown ids have ended already.
    private func cancel(_ id: UInt64) {
        if let handle = handleByID[id], let url = active[handle]?.transfer.request.url {
            end(handle, .failure(FetchError(kind: .other, url: url, message: FetchError.cancelledMessage)))
        } else if let submission = pacer.removeWaiting(where: { $0.submission.id == id })?.submission {
            inbox.finish(
                submission,
                .failure(FetchError(kind: .other, url: submission.request.url, message: FetchError.cancelledMessage)))
        }
    }

    private func abortAll(message: String) {
        for (handle, entry) in active {
            end(handle, .failure(FetchError(kind: .other, url: entry.transfer.request.url, message: message)))
        }
        for submission in pacer.removeAllWaiting().map(\.submission) {
            inbox.finish(submission, .failure(FetchError(kind: .other, url: submission.request.url, message: message)))
        }
    }

    /// Sleeps in `curl_multi_poll` until a socket is ready, curl's own timer fires, the next
    /// politeness slot opens, or another thread wakes us.
    private func wait() {
        var timeout: Int32 = 1000
        if let wake = pacer.nextWake() {
            let delay = clock.now.duration(to: wake)
            let milliseconds = delay.components.seconds * 1000 + delay.components.attoseconds / 1_000_000_000_000_000 + 1
            timeout = Int32(clamping: max(0, min(Int64(timeout), milliseconds)))
        }
        var ready: Int32 = 0
        do throws(CurlFailure) {
            try Curl.check(curl_multi_poll(multi.pointer, nil, 0, timeout, &ready), "curl_multi_poll")
        } catch {
            logger.error("curl_multi_poll failed", metadata: ["error": "\(error)"])
            usleep(10_000)
        }
    }
}
