import Fetching
import Logging

/// The real libcurl fetcher, as the CLI builds it.
func makeTestFetcher(logger: Logger) throws -> any PageFetching {
    try CurlFetcher(logger: logger)
}
