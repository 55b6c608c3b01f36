import Fetching
import Logging

/// The fetcher the CLI uses: libcurl's multi interface on its own thread.
func makeFetcher(logger: Logger) throws -> any PageFetching {
    do {
        return try CurlFetcher(logger: logger)
    } catch {
        printError("error: cannot start the HTTP client: \(error)")
        throw Exit.failure
    }
}
