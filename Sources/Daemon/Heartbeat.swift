import Synchronization

/// The scheduler's sign of life: the instant of its last step, read by the watchdog.
public final class Heartbeat: Sendable {
    private let last: Mutex<ContinuousClock.Instant>

    public init() {
        last = Mutex(ContinuousClock.now)
    }

    /// Records progress now.
    public func beat() {
        last.withLock { $0 = ContinuousClock.now }
    }

    /// Time since the last beat.
    public var age: Duration {
        ContinuousClock.now - last.withLock { $0 }
    }
}
