import ArgumentParser
import FeedModel

extension Herold {
    /// `herold check`: validates feeds.yml.
    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Validate feeds.yml: every error names file, line, key and what was expected (exit 78).")

        @OptionGroup var options: ConfigOptions

        func run() throws {
            let configuration = try options.load()
            let count = configuration.sources.count
            print("\(options.config): ok, \(count) source\(count == 1 ? "" : "s"); archive at \(configuration.archive.path)")
        }
    }
}
