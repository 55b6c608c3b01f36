public import Foundation
import Hummingbird
public import Logging
public import ServiceLifecycle

/// `herold serve`: an HTTP server for the archive's output documents (feed.atom, feed.json,
/// `history/*.atom`, `sources/*.atom`) and its HTML pages, with strong ETags, Last-Modified,
/// 304 answers, gzip, Cache-Control and HEAD; `/healthz` answers `ok`. Nothing outside the
/// archive is ever served (see `ArchivePath`), nor anything in it that is not an output
/// (the SQLite index, meta.json, sources.json, dot files).
///
/// A `Service` (swift-service-lifecycle): `herold serve` runs it alone, the daemon can put it
/// into its `ServiceGroup`; `run()` returns on graceful shutdown or cancellation.
public struct HeroldServer: Service {
    /// How the server listens and what it tells caches.
    public struct Options: Sendable, Equatable {
        /// Address to bind (an IP address or host name).
        public var host: String
        /// Port to bind; 0 picks a free one (see `onListening`).
        public var port: Int
        /// `Cache-Control: max-age` for documents that change (feeds, index pages), seconds.
        public var maxAge: Int
        /// `Cache-Control: max-age` for files that never change once written (revision
        /// files `items/…/<n>.html|txt`), seconds.
        public var immutableMaxAge: Int
        /// Largest total size of the in-memory file cache, bytes.
        public var cacheBytes: Int

        /// Options; the defaults listen on 127.0.0.1:8080.
        public init(
            host: String = "127.0.0.1", port: Int = 8080, maxAge: Int = 60, immutableMaxAge: Int = 86_400,
            cacheBytes: Int = 64 << 20
        ) {
            self.host = host
            self.port = port
            self.maxAge = maxAge
            self.immutableMaxAge = immutableMaxAge
            self.cacheBytes = cacheBytes
        }

        /// Parses `HOST:PORT` (`serve.listen` in feeds.yml, `--listen`); `[::1]:8080` for IPv6.
        /// Returns nil when it is not of that form.
        public static func listen(_ address: String) -> (host: String, port: Int)? {
            guard let colon = address.lastIndex(of: ":") else { return nil }
            var host = String(address[..<colon])
            guard let port = Int(address[address.index(after: colon)...]), (0...65535).contains(port), !host.isEmpty
            else { return nil }
            if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
            return (host, port)
        }
    }

    /// The archive folder served.
    public let root: URL
    /// Listening options.
    public let options: Options
    let logger: Logger
    let onListening: @Sendable (Int) async -> Void
    let metrics: (@Sendable () -> String)?

    /// A server for the archive at `root`.
    /// - Parameters:
    ///   - metrics: the Prometheus text exposition served at `/metrics` (the daemon passes its
    ///     registry's); without it `/metrics` is 404.
    ///   - onListening: called once the socket is bound, with the port (useful with port 0).
    public init(
        root: URL, options: Options = Options(), logger: Logger = Logger(label: "herold.serve"),
        metrics: (@Sendable () -> String)? = nil, onListening: @escaping @Sendable (Int) async -> Void = { _ in }
    ) {
        self.root = root
        self.options = options
        self.logger = logger
        self.metrics = metrics
        self.onListening = onListening
    }

    /// Serves until the task is cancelled or a graceful shutdown is triggered.
    public func run() async throws {
        let responder = ArchiveResponder(root: root, options: options, metrics: metrics)
        let onListening = self.onListening
        let app = Application(
            responder: responder,
            configuration: ApplicationConfiguration(
                address: .hostname(options.host, port: options.port), serverName: "Herold"),
            onServerRunning: { channel in
                await onListening(channel.localAddress?.port ?? 0)
            },
            logger: logger)
        try await app.run()
    }

    /// Runs the server alone in a `ServiceGroup` that shuts down gracefully on SIGINT and
    /// SIGTERM (what `herold serve` does; the daemon adds the server to its own group instead).
    public func runUntilSignal(logger: Logger) async throws {
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [self], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}
