import ArgumentParser
import Config
import FeedModel
import Foundation
import Logging
import Serving

/// The `herold` command line.
@main
struct Herold: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "herold",
        abstract: "Polls news feeds and pages, archives every story once, and publishes one unified Atom feed.",
        version: "0.1.0",
        subcommands: [Fetch.self, Check.self, Extract.self, Parse.self, Search.self, Show.self, Reindex.self, Serve.self, Run.self, Status.self]
    )
}

/// Options shared by the commands that read feeds.yml.
struct ConfigOptions: ParsableArguments {
    @Option(name: .shortAndLong, help: "The configuration file.")
    var config: String = "feeds.yml"

    /// Loads and validates the configuration; on error prints every problem and exits 78 (EX_CONFIG).
    func load() throws -> Configuration {
        do {
            let configuration = try ConfigLoader.load(from: URL(fileURLWithPath: config))
            for source in configuration.sources where !source.fetch.tlsVerify {
                printError("warning: \(config): source \(source.id): tls_verify is off — certificates are NOT checked")
            }
            return configuration
        } catch {
            for issue in error.issues { printError("error: \(issue)") }
            printError("\(config): \(error.issues.count) error\(error.issues.count == 1 ? "" : "s")")
            throw ExitCode(78)
        }
    }
}

/// Exit codes (sysexits.h where one fits).
enum Exit {
    static let failure = ExitCode(1)
    static let usage = ExitCode(64)
    static let dataError = ExitCode(65)
    static let noInput = ExitCode(66)
    static let config = ExitCode(78)
}

/// The check of a `--listen` option (`herold serve`, `herold run`): HOST:PORT or absent.
func validateListen(_ listen: String?) throws {
    if let listen, HeroldServer.Options.listen(listen) == nil {
        throw ValidationError("--listen: expected HOST:PORT such as 127.0.0.1:8080, got \"\(listen)\"")
    }
}

func printError(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}

/// A logger writing to standard error; `verbose` lowers the level to info.
func makeLogger(verbose: Bool) -> Logger {
    var logger = Logger(label: "herold") { StreamLogHandler.standardError(label: $0) }
    logger.logLevel = verbose ? .info : .warning
    return logger
}
