public import Config
public import FeedModel
public import Fetching
public import Foundation
public import Logging
public import ServiceLifecycle
import UnixSignals

/// `herold run`: a `ServiceGroup` of the scheduler, the watchdog (under systemd with
/// `WatchdogSec=`), the SIGHUP reloader, and any further services the caller adds (the HTTP
/// server). SIGTERM and SIGINT shut it down gracefully: no new polls, the polls in flight are
/// archived, then the process exits 0.
public struct Daemon {
    public var configurationFile: URL
    public var configuration: Configuration
    public var fetcher: any PageFetching
    public var logger: Logger
    public var notifier: SystemdNotifier
    public var schedulerOptions = Scheduler.Options()
    /// Longest wait for the polls in flight after SIGTERM before they are cancelled.
    public var shutdownGrace: Duration = .seconds(30)

    public init(
        configurationFile: URL, configuration: Configuration, fetcher: any PageFetching, logger: Logger,
        notifier: SystemdNotifier = SystemdNotifier()
    ) {
        self.configurationFile = configurationFile
        self.configuration = configuration
        self.fetcher = fetcher
        self.logger = logger
        self.notifier = notifier
    }

    /// Runs until SIGTERM/SIGINT. `extraServices` run beside the scheduler (the HTTP server);
    /// every archived poll is counted in `metrics`.
    public func run(extraServices: [any Service] = [], metrics: DaemonMetrics? = nil) async throws {
        var options = schedulerOptions
        if let interval = notifier.watchdogInterval {
            // The watchdog pings only while the scheduler's heartbeat is younger than the interval;
            // an idle scheduler must look at its schedule (and beat) well within it.
            options.maxIdleSleep = min(options.maxIdleSleep, interval / 4)
        }
        let scheduler = Scheduler(
            configuration: configuration, fetcher: fetcher, logger: logger, notifier: notifier,
            options: options, metrics: metrics)
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [
            .init(service: scheduler, successTerminationBehavior: .gracefullyShutdownGroup),
            .init(service: Reloader(file: configurationFile, scheduler: scheduler, notifier: notifier, logger: logger)),
        ]
        if let interval = notifier.watchdogInterval {
            services.append(.init(service: Watchdog(notifier: notifier, heartbeat: scheduler.heartbeat, interval: interval, logger: logger)))
        }
        for service in extraServices {
            services.append(.init(service: service))
        }
        var config = ServiceGroupConfiguration(services: services, logger: logger)
        config.gracefulShutdownSignals = [.sigterm, .sigint]
        config.maximumGracefulShutdownDuration = shutdownGrace
        try await ServiceGroup(configuration: config).run()
    }
}

/// Reloads feeds.yml on SIGHUP: a valid file applies without losing state, an invalid one is
/// rejected with its errors logged and the running configuration stays.
public struct Reloader: Service {
    let file: URL
    let scheduler: Scheduler
    let notifier: SystemdNotifier
    let logger: Logger

    public init(file: URL, scheduler: Scheduler, notifier: SystemdNotifier, logger: Logger) {
        self.file = file
        self.scheduler = scheduler
        self.notifier = notifier
        self.logger = logger
    }

    public func run() async throws {
        let signals = await UnixSignalsSequence(trapping: .sighup)
        for await _ in signals.cancelOnGracefulShutdown() {
            reload()
        }
    }

    /// Reads the file again and applies it; returns the problems when it was rejected.
    @discardableResult
    public func reload() -> [String] {
        notifier.reloading()
        defer { notifier.send("READY=1") }
        let before = Set(scheduler.currentConfiguration.sources.map(\.id))
        do {
            let configuration = try ConfigLoader.load(from: file)
            try scheduler.apply(configuration)
            let after = Set(configuration.sources.map(\.id))
            logger.notice(
                "reloaded \(file.path)",
                metadata: [
                    "sources": "\(after.count)", "added": "\(after.subtracting(before).sorted())",
                    "removed": "\(before.subtracting(after).sorted())",
                ])
            return []
        } catch let error as ConfigError {
            for issue in error.issues { logger.error("reload rejected: \(issue)") }
            logger.error("keeping the running configuration")
            return error.issues.map(\.description)
        } catch {
            logger.error("reload rejected: \(error); keeping the running configuration")
            return ["\(error)"]
        }
    }
}
