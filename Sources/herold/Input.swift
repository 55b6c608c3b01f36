import FeedModel
import Fetching
import Foundation
import Logging

/// A page or feed named on the command line: a file, or an http(s) URL fetched with libcurl.
struct Input {
    var bytes: [UInt8]
    /// The address to resolve relative links against.
    var url: URL?
    /// The HTTP charset, for fetched inputs.
    var charset: String?

    static func load(_ argument: String, url given: String?, logger: Logger) async throws -> Input {
        let base = try given.map { text -> URL in
            guard let url = URL(string: text), url.scheme != nil else {
                printError("error: --url \(text): expected an absolute URL")
                throw Exit.usage
            }
            return url
        }
        if argument.hasPrefix("http://") || argument.hasPrefix("https://") {
            guard let url = URL(string: argument) else {
                printError("error: \(argument): not a valid URL")
                throw Exit.usage
            }
            let fetcher = try makeFetcher(logger: logger)
            do {
                let response = try await fetcher.fetch(FetchRequest(url: url))
                return Input(bytes: response.body, url: base ?? response.url, charset: response.charset)
            } catch {
                printError("error: \(argument): \(error)")
                throw Exit.failure
            }
        }
        do {
            let data = try Data(contentsOf: URL(fileURLWithPath: argument))
            return Input(bytes: [UInt8](data), url: base, charset: nil)
        } catch {
            printError("error: \(argument): cannot read the file: \((error as NSError).localizedDescription)")
            throw Exit.noInput
        }
    }
}
