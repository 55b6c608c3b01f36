import Fetching
import Foundation
import Logging
import Synchronization

/// The real libcurl fetcher, as the CLI builds it, behind a guard that refuses every host but
/// 127.0.0.1: tests never reach outside hosts, and a test that tried would see the refusal.
func makeTestFetcher(logger: Logger) throws -> LoopbackOnlyFetcher {
    LoopbackOnlyFetcher(inner: try CurlFetcher(logger: logger))
}

/// Passes loopback requests to `inner`; refuses and records any other host.
final class LoopbackOnlyFetcher: PageFetching {
    let inner: CurlFetcher
    private let refusedURLs = Mutex<[URL]>([])

    init(inner: CurlFetcher) {
        self.inner = inner
    }

    /// Requests that were refused because they named another host.
    var refused: [URL] { refusedURLs.withLock { $0 } }

    func fetch(_ request: FetchRequest) async throws(FetchError) -> FetchResponse {
        guard request.url.host == "127.0.0.1" else {
            refusedURLs.withLock { $0.append(request.url) }
            throw FetchError(kind: .connect, url: request.url, message: "the test refuses non-loopback hosts")
        }
        return try await inner.fetch(request)
    }
}
