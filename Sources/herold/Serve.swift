import ArgumentParser
import FeedModel
import Foundation
import Logging
import Serving

extension Herold {
    /// `herold serve`: serve the archive's feeds and pages over HTTP.
    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Serve feed.atom, its archive documents, feed.json, the per-source feeds and the HTML pages.",
            discussion: "Listens on --listen, else serve.listen of feeds.yml, else 127.0.0.1:8080. GET and HEAD "
                + "only; strong ETags, Last-Modified, 304, gzip, Cache-Control; /healthz answers ok. "
                + "Stops on SIGINT or SIGTERM.")

        @OptionGroup var options: ConfigOptions

        @Option(help: "HOST:PORT to listen on (overrides serve.listen).")
        var listen: String?

        @Flag(name: .shortAndLong, help: "Log requests and start-up at info level.")
        var verbose = false

        func validate() throws {
            try validateListen(listen)
        }

        func run() async throws {
            let configuration = try options.load()
            let address = listen ?? configuration.listen ?? "127.0.0.1:8080"
            guard let (host, port) = HeroldServer.Options.listen(address) else {
                printError("error: \(address): expected HOST:PORT")
                throw Exit.usage
            }
            let logger = makeLogger(verbose: verbose)
            let root = configuration.archive
            let server = HeroldServer(
                root: root, options: HeroldServer.Options(host: host, port: port), logger: logger,
                onListening: { port in
                    let line = "serving \(root.path) on http://\(host.contains(":") ? "[\(host)]" : host):\(port)/\n"
                    FileHandle.standardOutput.write(Data(line.utf8))
                })
            try await server.runUntilSignal(logger: logger)
        }
    }
}
