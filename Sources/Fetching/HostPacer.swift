import Foundation

/// Per-host politeness: at most `limit` transfers in flight to one host, and at least
/// `spacing` between the starts of two transfers to it. Requests wait in a FIFO queue per
/// host until both allow them to start.
///
/// A pure value: time comes in as an argument, so tests drive it with made-up instants and
/// never sleep. The transfer loop owns one and passes the real clock's `now`.
struct HostPacer<Item> {
    private struct Waiting {
        var item: Item
        var limit: Int
        var spacing: Duration
    }

    private struct Host {
        var active = 0
        var nextStart: ContinuousClock.Instant?
        var queue: [Waiting] = []
        var head = 0

        var first: Waiting? { head < queue.count ? queue[head] : nil }

        mutating func popFirst() -> Waiting {
            let waiting = queue[head]
            head += 1
            if head > 64 && head * 2 > queue.count {
                queue.removeFirst(head)
                head = 0
            }
            return waiting
        }

        var isIdle: Bool { active == 0 && first == nil }
    }

    private var hosts: [String: Host] = [:]
    /// Hosts with a non-empty queue.
    private var waitingHosts: Set<String> = []

    /// Transfers waiting to start.
    private(set) var waitingCount = 0

    /// Queues `item` for `host`; `limit` and `spacing` are that request's settings.
    mutating func enqueue(_ item: Item, host: String, limit: Int, spacing: Duration) {
        hosts[host, default: Host()].queue.append(Waiting(item: item, limit: max(1, limit), spacing: max(.zero, spacing)))
        waitingHosts.insert(host)
        waitingCount += 1
    }

    /// Takes every queued item that may start at `now`, marking each as started.
    mutating func takeReady(now: ContinuousClock.Instant) -> [(item: Item, host: String)] {
        var ready: [(item: Item, host: String)] = []
        for name in waitingHosts {
            guard var host = hosts[name] else { continue }
            while let next = host.first, host.active < next.limit, host.nextStart.map({ $0 <= now }) ?? true {
                let waiting = host.popFirst()
                host.active += 1
                host.nextStart = now + waiting.spacing
                ready.append((waiting.item, name))
                waitingCount -= 1
            }
            if host.first == nil { waitingHosts.remove(name) }
            hosts[name] = host
        }
        return ready
    }

    /// A transfer to `host` has ended (done, failed or cancelled) at `now`.
    mutating func finish(host name: String, now: ContinuousClock.Instant) {
        guard var host = hosts[name] else { return }
        host.active = max(0, host.active - 1)
        // Forget an idle host once its spacing has no more effect to keep the table small;
        // its next start time is kept while it could still hold a request back.
        if host.isIdle, host.nextStart.map({ $0 <= now }) ?? true {
            hosts[name] = nil
        } else {
            hosts[name] = host
        }
    }

    /// Removes and returns the first queued item matching `predicate` (a cancelled request).
    mutating func removeWaiting(where predicate: (Item) -> Bool) -> Item? {
        for name in waitingHosts {
            guard var host = hosts[name] else { continue }
            guard let index = host.queue[host.head...].firstIndex(where: { predicate($0.item) }) else { continue }
            let waiting = host.queue.remove(at: index)
            waitingCount -= 1
            if host.first == nil { waitingHosts.remove(name) }
            hosts[name] = host.isIdle ? nil : host
            return waiting.item
        }
        return nil
    }

    /// Removes and returns every queued item (shutdown).
    mutating func removeAllWaiting() -> [Item] {
        var items: [Item] = []
        for name in waitingHosts {
            guard let host = hosts[name] else { continue }
            items += host.queue[host.head...].map(\.item)
            hosts[name]?.queue = []
            hosts[name]?.head = 0
        }
        waitingHosts = []
        waitingCount = 0
        return items
    }

    /// The earliest instant at which a queued item held back only by spacing may start; nil
    /// when nothing waits for time (queues are empty or wait for a running transfer to end).
    func nextWake() -> ContinuousClock.Instant? {
        var earliest: ContinuousClock.Instant?
        for name in waitingHosts {
            guard let host = hosts[name], let next = host.first, host.active < next.limit,
                let start = host.nextStart
            else { continue }
            earliest = earliest.map { min($0, start) } ?? start
        }
        return earliest
    }

    /// Transfers in flight to `host`.
    func active(_ host: String) -> Int { hosts[host]?.active ?? 0 }
}

extension URL {
    /// The politeness key of this URL: lower-cased host and the port (explicit or the
    /// scheme's default).
    var politenessKey: String {
        let host = (host ?? "").lowercased()
        let port = port ?? (scheme?.lowercased() == "https" ? 443 : 80)
        return "\(host):\(port)"
    }
}
