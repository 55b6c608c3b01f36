import Archive
import ArgumentParser
import FeedModel
import Foundation
import Pipeline

extension Herold {
    /// `herold reindex`: rebuilds herold.sqlite from the story files.
    struct Reindex: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Rebuild the archive's index (herold.sqlite) from the story files alone.")

        @OptionGroup var options: ConfigOptions

        func run() async throws {
            let configuration = try options.load()
            let store = try openArchive(configuration)
            let count = try await store.reindex()
            for warning in await store.warnings { printError("warning: \(warning)") }
            // The site's pages are derived from the index too: render all of them again.
            let states = (try? SourceStates.read(archive: configuration.archive)) ?? [:]
            try await OutputRenderer(configuration: configuration).render(store: store, states: states, touched: nil)
            print("indexed \(count) stor\(count == 1 ? "y" : "ies") in \(configuration.archive.path)")
        }
    }

    /// `herold search`: full-text search over the archive.
    struct Search: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Search the archived stories (all words must match; diacritics are folded: kase finds Käse).")

        @OptionGroup var options: ConfigOptions

        @Argument(help: "The words to search for.")
        var words: [String]

        @Option(help: "Only stories seen in this source.")
        var source: String?

        @Option(help: "Only stories updated on or after this date (YYYY-MM-DD or an RFC 3339 time).")
        var since: String?

        @Option(help: "At most this many results.")
        var limit = 20

        @Flag(help: "Print JSON.")
        var json = false

        func run() async throws {
            let configuration = try options.load()
            var sinceDate: Date?
            if let since {
                guard let date = parseDay(since) else {
                    printError("error: --since \(since): expected YYYY-MM-DD or an RFC 3339 time")
                    throw Exit.usage
                }
                sinceDate = date
            }
            let store = try openArchive(configuration)
            let hits = try await store.search(SearchQuery(words: words, source: source, since: sinceDate, limit: limit))
            if json {
                var items: [JSONValue] = []
                for hit in hits {
                    let record = try await store.story(hit.storyID)
                    items.append(
                        .object([
                            ("id", .string(hit.storyID)), ("title", .string(hit.title)),
                            ("url", .url(record?.canonical)), ("updated", .date(hit.updated)),
                            ("snippet", .string(hit.snippet)), ("rank", .number(hit.rank)),
                        ]))
                }
                print(JSONValue.array(items).rendered())
                return
            }
            if hits.isEmpty { print("no stories match") }
            for hit in hits {
                print("\(hit.storyID)  \(hit.updated.ISO8601Format().prefix(10))  \(hit.title ?? "Untitled")")
                print("    \(hit.snippet.split(whereSeparator: \.isNewline).joined(separator: " "))")
            }
        }
    }

    /// `herold show`: one story, its provenance and revisions.
    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show one archived story: metadata, every place it was seen, and its text.")

        @OptionGroup var options: ConfigOptions

        @Argument(help: "The story id (as `herold search` prints it).")
        var id: String

        @Flag(help: "List every revision.")
        var revisions = false

        @Flag(help: "Show a word-level diff between consecutive revisions ([-removed-] {+inserted+}).")
        var diff = false

        func run() async throws {
            let configuration = try options.load()
            let store = try openArchive(configuration)
            guard let record = try await store.story(id) else {
                printError("error: no story with id \(id) in \(configuration.archive.path)")
                throw Exit.dataError
            }
            print("id:        \(record.id)")
            print("atom id:   \(record.atomID)")
            print("title:     \(record.title ?? "Untitled")")
            if let canonical = record.canonical { print("url:       \(canonical.absoluteString)") }
            if let published = record.published { print("published: \(published.ISO8601Format())") }
            print("updated:   \(record.updated.ISO8601Format())")
            if let author = record.author { print("author:    \(author)") }
            if let publisher = record.publisher { print("publisher: \(publisher)") }
            if let withdrawn = record.withdrawn { print("withdrawn: \(withdrawn.ISO8601Format())") }
            print("folder:    \(configuration.archive.appendingPathComponent(record.folder).path)")
            print("seen:")
            for sighting in record.sightings {
                print(
                    "  \(sighting.source)  \(sighting.url.absoluteString)  (first \(sighting.firstSeen.ISO8601Format()), last \(sighting.lastSeen.ISO8601Format()))"
                )
            }
            for related in record.related ?? [] { print("related:   \(related)") }
            if revisions || diff {
                print("revisions:")
                for revision in record.revisions {
                    print("  \(revision.number)  \(revision.seenAt.ISO8601Format())  \(revision.length) characters  sha256:\(revision.hash.prefix(16))…")
                }
            }
            if diff {
                for (old, new) in zip(record.revisions, record.revisions.dropFirst()) {
                    let a = try store.revisionText(of: record, revision: old.number)
                    let b = try store.revisionText(of: record, revision: new.number)
                    print("\n--- revision \(old.number) → \(new.number)")
                    print(WordDiff.render(WordDiff.diff(from: a, to: b)))
                }
            } else {
                print("")
                print(try store.revisionText(of: record, revision: record.current.number))
            }
        }
    }
}

/// Opens the configured archive, with a one-line error.
func openArchive(_ configuration: Configuration) throws -> ArchiveStore {
    do {
        return try ArchiveStore(root: configuration.archive, feedID: configuration.feed.id)
    } catch {
        printError("error: cannot open the archive at \(configuration.archive.path): \(error)")
        throw Exit.failure
    }
}

/// `YYYY-MM-DD` (UTC midnight) or an RFC 3339 time.
func parseDay(_ text: String) -> Date? {
    if let date = try? Date(text, strategy: .iso8601) { return date }
    return try? Date("\(text)T00:00:00Z", strategy: .iso8601)
}
