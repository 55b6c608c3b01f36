import ArgumentParser
import FeedModel
import Fetching
import Foundation
import Pipeline

extension Herold {
    /// `herold fetch`: one poll round over every source.
    struct Fetch: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Poll every source once, archive new stories and re-render feed.atom.",
            discussion: "Prints one line per source. Exits 0 when every source succeeded, 1 when any failed "
                + "(the others are archived all the same), 78 when feeds.yml is invalid.")

        @OptionGroup var options: ConfigOptions

        @Option(name: .customLong("source"), help: "Poll only this source (repeatable).")
        var only: [String] = []

        @Flag(name: .shortAndLong, help: "Log progress at info level.")
        var verbose = false

        func run() async throws {
            let configuration = try options.load()
            let known = Set(configuration.sources.map(\.id))
            for id in only where !known.contains(id) {
                printError("error: --source \(id): no source with that id in \(options.config)")
                throw Exit.usage
            }
            let logger = makeLogger(verbose: verbose)
            let fetcher = try makeFetcher(logger: logger)
            let run = FetchRun(configuration: configuration, fetcher: fetcher, logger: logger)
            let report = await run.run(only: only.isEmpty ? nil : Set(only))
            for source in report.sources {
                print(source.line)
            }
            if let error = report.archiveError {
                printError("error: \(error)")
            }
            let failed = report.sources.filter { !$0.succeeded }.count
            let new = report.sources.reduce(0) { $0 + $1.new }
            print(
                "\(report.sources.count - failed) of \(report.sources.count) sources ok; \(new) new stor\(new == 1 ? "y" : "ies"); "
                    + "\(report.storyCount) in \(configuration.archive.path)")
            if !report.succeeded { throw Exit.failure }
        }
    }
}
