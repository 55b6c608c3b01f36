public import FeedModel
public import Foundation

/// When to poll a source next (pure; the daemon's scheduler and `herold fetch` both record its
/// answer in the source's state, so a restart never causes a burst of polls).
///
/// - After a success: `every`, but never before the answer's own cache lifetime (Cache-Control
///   max-age / Expires) or the feed's RSS `<ttl>` ran out, either capped at a day; ± `jitter`
///   of the interval.
/// - After a failure: exponential backoff from `every` — `every · 2^(failures−1)`, capped at
///   `maxBackoff` — with jitter, and never before a server's `Retry-After`.
/// - A source never polled: at a stable phase within its first interval (derived from its id),
///   so sources sharing an interval do not all start at once.
public struct PollPlanner: Sendable {
    /// Fraction of the interval by which a poll time is moved at random (both ways).
    public var jitter: Double = 0.1
    /// Longest backoff after repeated failures, in seconds.
    public var maxBackoff: TimeInterval = 24 * 3600
    /// Longest honoured cache lifetime, in seconds (a server asking for a week is not obeyed).
    public var maxCacheLifetime: TimeInterval = 24 * 3600
    /// A random number in 0..<1 (injected so tests are deterministic).
    public var random: @Sendable () -> Double

    public init(random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }) {
        self.random = random
    }

    /// The outcome of one poll, as far as scheduling cares.
    public enum Outcome: Sendable, Equatable {
        /// The source answered (200 or 304); `cacheLifetime` from its caching headers, `ttl`
        /// (seconds) from the feed's RSS `<ttl>`.
        case success(cacheLifetime: TimeInterval?, ttl: TimeInterval? = nil)
        /// The source failed for the `failures`-th time in a row; `retryAfter` from the server.
        case failure(failures: Int, retryAfter: TimeInterval?)
    }

    /// The next poll after `outcome` at `now`.
    public func next(after outcome: Outcome, every: TimeInterval, now: Date) -> Date {
        switch outcome {
        case .success(let cacheLifetime, let ttl):
            let floor = min(max(cacheLifetime ?? 0, ttl ?? 0), maxCacheLifetime)
            return now.addingTimeInterval(max(jittered(every), floor))
        case .failure(let failures, let retryAfter):
            let exponent = Double(max(0, failures - 1))
            let backoff = min(every * pow(2, min(exponent, 30)), maxBackoff)
            return now.addingTimeInterval(max(jittered(backoff), retryAfter ?? 0))
        }
    }

    /// The first poll of a source that was never polled: a stable phase in `[now, now + every)`
    /// from its id, so a restart or a reload gives it the same slot.
    public func first(for id: SourceID, every: TimeInterval, now: Date) -> Date {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in id.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01b3
        }
        let phase = Double(hash % 10_000) / 10_000
        return now.addingTimeInterval(phase * min(every, 300))
    }

    /// The adaptive interval (opt-in per source): halve it after a poll that found new stories,
    /// grow it by half after three quiet polls in a row; always within `bounds`.
    public func adaptiveInterval(
        current: TimeInterval, foundNew: Bool, quietPolls: Int, bounds: ClosedRange<TimeInterval>
    ) -> TimeInterval {
        var interval = current
        if foundNew {
            interval = current / 2
        } else if quietPolls >= 3 {
            interval = current * 1.5
        }
        return min(max(interval, bounds.lowerBound), bounds.upperBound)
    }

    func jittered(_ interval: TimeInterval) -> TimeInterval {
        interval * (1 + jitter * (2 * random() - 1))
    }
}
