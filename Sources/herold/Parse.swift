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
                print(Self.json(feed).rendered())
            } catch {
                printError("error: \(input): \(error.message)")
                throw Exit.dataError
            }
        }

        static func json(_ feed: ParsedFeed) -> JSONValue {
            func text(_ content: TextContent?) -> JSONValue {
                content.map { .object([("type", .string($0.type.rawValue)), ("value", .string($0.value))]) } ?? .null
            }
            return .object([
                ("schema", .string("feed-norm/1")),
                ("format", .string(feed.format.rawValue)),
                ("bozo", .bool(feed.bozo)),
                (
                    "feed",
                    .object([
                        ("title", .string(feed.title)), ("link", .url(feed.link)), ("updated", .date(feed.updated)),
                        ("language", .string(feed.language)),
                    ])
                ),
                (
                    "entries",
                    .array(
                        feed.entries.map { entry in
                            .object([
                                ("id", .string(entry.id)),
                                ("title", .string(entry.title)),
                                ("link", .url(entry.link)),
                                ("published", .date(entry.published)),
                                ("updated", .date(entry.updated)),
                                (
                                    "author",
                                    entry.author.map {
                                        .object([("name", .string($0.name)), ("email", .string($0.email))])
                                    } ?? .null
                                ),
                                ("summary", text(entry.summary)),
                                ("content", text(entry.content)),
                                (
                                    "enclosures",
                                    .array(
                                        entry.enclosures.map {
                                            .object([
                                                ("url", .url($0.url)), ("type", .string($0.type)),
                                                ("length", $0.length.map { .number(Double($0)) } ?? .null),
                                            ])
                                        })
                                ),
                                ("categories", .array(entry.categories.map { .string($0) })),
                            ])
                        })
                ),
            ])
        }
    }
}
