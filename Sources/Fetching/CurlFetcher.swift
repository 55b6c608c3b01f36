public import Foundation
public import Logging

/// The real `PageFetching`: libcurl's multi interface driven by one dedicated OS thread.
///
/// Make one per process and share it: every fetch is handed to its thread, which runs all
/// transfers concurrently with `curl_multi_poll`, so awaiting a fetch never blocks Swift's
/// cooperative pool. Per request it sends the source's headers and User-Agent, makes the GET
/// conditional when validators are given (a 304 is a `FetchResponse`, not an error), follows
/// redirects to http/https only, and enforces the limits of `FetchSettings` (total timeout,
/// body size after decompression) and of `Options` (connect timeout, low-speed cutoff, header
/// size, redirect count). Politeness is per host (`host:port`): at most
/// `settings.hostConnections` transfers at once and `settings.hostDelay` between two starts;
/// requests beyond that wait in the fetcher. Redirects are followed by the fetcher, not by
/// libcurl, so each hop waits for the budget of the host it goes to (a redirect to another
/// host counts against that host), and credentials are not carried to another host. TLS
/// certificates are verified unless a request opts out (`verifiesTLS`, logged as a warning);
/// a request may name its own proxy.
///
/// Errors are `FetchError`s of a stable kind; 429 (and 503 with `Retry-After`) are
/// `.rateLimited` with `retryAfter` set. Cancelling the awaiting task aborts the transfer and
/// throws a `FetchError` whose `isCancellation` is true.
///
/// ```swift
/// let fetcher = try CurlFetcher(logger: logger)
/// let response = try await fetcher.fetch(FetchRequest(url: url, settings: source.fetch, etag: etag))
/// ```
public final class CurlFetcher: PageFetching {
    /// Limits that are the same for every request of this fetcher. Per-source limits are in
    /// `FetchSettings`.
    public struct Options: Sendable {
        /// Redirects followed before the fetch fails with `.redirectRefused`.
        public var maxRedirects = 8
        /// Longest time to set up a connection (DNS, TCP, TLS), in seconds; never more than
        /// the request's total timeout.
        public var connectTimeout: TimeInterval = 10
        /// Low-speed cutoff: a transfer slower than `lowSpeedLimit` bytes/s for
        /// `lowSpeedTime` seconds is abandoned with `.timeout`. 0 turns the cutoff off.
        public var lowSpeedLimit = 16
        /// See `lowSpeedLimit`; whole seconds (rounded up, at least 1).
        public var lowSpeedTime: TimeInterval = 20
        /// Largest accepted response head (status line and headers of one response), in bytes.
        public var maxHeaderBytes = 64 * 1024
        /// libcurl's own cap on connections to one host (`CURLMOPT_MAX_HOST_CONNECTIONS`), a
        /// backstop above the per-request `hostConnections` the fetcher enforces. 0: none.
        public var maxHostConnections = 8
        /// The wall clock, for `Retry-After` given as an HTTP-date.
        public var now: @Sendable () -> Date = { Date() }

        /// The defaults.
        public init() {}
    }

    private let inbox = LoopInbox()

    /// Starts the fetcher's thread. Throws when libcurl cannot be initialised. Each finished
    /// transfer is logged at debug level (`http.url`, `http.status`, `duration_ms`, `fetch.error`).
    public init(options: Options = Options(), logger: Logger = Logger(label: "herold.fetch")) throws(FetchError) {
        if case .failure(let failure) = Curl.globalInit {
            throw FetchError(kind: .other, url: URL(fileURLWithPath: "/"), message: failure.description)
        }
        TransferLoop.start(inbox: inbox, options: options, logger: logger)
    }

    /// Stops the thread: transfers still in flight (there can be none, as each holds the
    /// fetcher) are failed, the curl handles freed.
    deinit {
        inbox.shutDown()
    }

    /// Performs one GET; see the type's documentation for what is enforced.
    public func fetch(_ request: FetchRequest) async throws(FetchError) -> FetchResponse {
        let id = inbox.makeID()
        let inbox = self.inbox
        let result = await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                inbox.submit(Submission(id: id, request: request, continuation: continuation))
            }
        } onCancel: {
            inbox.cancel(id)
        }
        inbox.forget(id)
        return try withExtendedLifetime(self) { () throws(FetchError) -> FetchResponse in try result.get() }
    }
}
