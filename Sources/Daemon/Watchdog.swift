public import Logging
public import ServiceLifecycle

/// Sends `WATCHDOG=1` at half the interval systemd asked for, but only while the scheduler's
/// heartbeat is fresher than that interval: a stuck scheduler stops the pings and systemd
/// restarts the service.
public struct Watchdog: Service {
    let notifier: SystemdNotifier
    let heartbeat: Heartbeat
    let interval: Duration
    let logger: Logger

    /// - Parameter interval: systemd's `WatchdogSec` (from `$WATCHDOG_USEC`).
    public init(notifier: SystemdNotifier, heartbeat: Heartbeat, interval: Duration, logger: Logger) {
        self.notifier = notifier
        self.heartbeat = heartbeat
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        var warned = false
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            if heartbeat.age < interval {
                notifier.send("WATCHDOG=1")
                warned = false
            } else if !warned {
                logger.error("the scheduler made no progress for \(heartbeat.age); withholding the watchdog ping")
                warned = true
            }
            try await Task.sleep(for: interval / 2)
        }
    }
}
