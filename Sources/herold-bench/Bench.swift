import ArgumentParser

/// `herold-bench`: Herold's benchmarks (run them with `swift run -c release herold-bench …`).
/// Each subcommand measures one stage beside a baseline measured in the same run, and prints
/// ratios; none of them is a test.
@main
struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "herold-bench",
        abstract: "Herold's benchmarks: each stage beside a baseline measured in the same run.",
        subcommands: benchmarks
    )

    /// Every benchmark; each lives in its own file.
    static let benchmarks: [any ParsableCommand.Type] = [ArchiveBench.self, ParseBench.self, FetchBench.self, RenderBench.self, ExtractBench.self, SoakBench.self]
}
