import ArgumentParser
import FeedModel
import FeedParsing
import Foundation

extension Herold {
    /// `herold parse`: the normalized form of one feed.
    struct Parse: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Parse one feed (a file or an http(s) URL) and print it normalized (feed-norm/1 JSON).")

        @Argument(help: "A feed file, or an http(s) URL to fetch.")
        var input: String

        @Option(help: "The feed's address when reading a file (for relative links).")
        var url: String?

        @Flag(help: "Print JSON (the only format so far; accepted for clarity).")
        var json = false

        func run() async throws {
            let document = try await Input.load(input, url: url, logger: makeLogger(verbose: false))
            do {
                let feed = try FeedParser.parse(document.bytes, url: document.url, httpCharset: document.charset)
                print(FeedNormJSON.encode(feed))
            } catch {
                printError("error: \(input): \(error.message)")
                throw Exit.dataError
            }
        }
    }
}
