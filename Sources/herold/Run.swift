import ArgumentParser
import Daemon
import FeedModel
import Foundation
import Logging
import ServiceLifecycle
import Serving

extension Herold {
    /// `herold run`: the daemon.
    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run the daemon: poll every source on its schedule, archive, render; optionally serve over HTTP.",
            discussion: "SIGTERM/SIGINT stop it gracefully (polls in flight are archived first, exit 0); SIGHUP reloads "
                + "feeds.yml (an invalid file is rejected and the running configuration stays). Under systemd "
                + "(Type=notify) it reports READY, STATUS, RELOADING and STOPPING and feeds the watchdog while the "
                + "scheduler makes progress. With --listen (or serve.listen) it also serves the archive, /healthz "
                + "and /metrics.")

        @OptionGroup var options: ConfigOptions

        @Option(help: "HOST:PORT to serve on (overrides serve.listen).")
        var listen: String?

        @Flag(name: .shortAndLong, help: "Log at debug level.")
        var verbose = false

        func validate() throws {
            try validateListen(listen)
        }

        func run() async throws {
            let configuration = try options.load()
            var logger = Logger(label: "herold") { JournalLogHandler(label: $0) }
            logger.logLevel = verbose ? .debug : .info
            let fetcher = try makeFetcher(logger: logger)
            let log = logger
            let metrics = DaemonMetrics()
            var services: [any Service] = []
            if let address = listen ?? configuration.listen, let (host, port) = HeroldServer.Options.listen(address) {
                services.append(
                    HeroldServer(
                        root: configuration.archive, options: HeroldServer.Options(host: host, port: port), logger: logger,
                        metrics: { metrics.exposition() }, onListening: { port in log.info("serving on \(host):\(port)") }))
            }
            let file = URL(fileURLWithPath: options.config).standardizedFileURL
            let daemon = Daemon(configurationFile: file, configuration: configuration, fetcher: fetcher, logger: logger)
            logger.info("starting", metadata: ["config": "\(file.path)", "sources": "\(configuration.sources.count)"])
            try await daemon.run(extraServices: services, metrics: metrics)
            logger.info("stopped")
        }
    }
}
