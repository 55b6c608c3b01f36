import Fetching
import Foundation
import Glibc
import Synchronization

/// A wall clock that only moves when the scheduler sleeps: `sleep(d)` advances it by `d`.
final class TestClock: Sendable {
    private let date: Mutex<Date>

    init(_ start: Date = Date(timeIntervalSince1970: 1_800_000_000)) {
        date = Mutex(start)
    }

    private let limit = Mutex<Date?>(nil)

    var now: Date { date.withLock { $0 } }

    /// Time never runs past `date` (the end of a test's run): a scheduler sleeping long may
    /// otherwise carry the clock far beyond it before the test sees the time and stops it.
    func stop(at date: Date?) {
        limit.withLock { $0 = date }
    }

    func sleep(_ duration: Duration) async {
        let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        let end = limit.withLock { $0 } ?? .distantFuture
        date.withLock { $0 = min($0.addingTimeInterval(max(seconds, 0.001)), max($0, end)) }
        // Let the poll tasks run: simulated time passes only while the scheduler waits.
        for _ in 0..<50 { await Task.yield() }
    }
}

/// A fetcher answering from a table, recording every request with the clock's time.
final class ScriptedFetcher: PageFetching {
    private let clock: TestClock
    private let answer: @Sendable (URL) -> Result<FetchResponse, FetchError>
    private let log = Mutex<[(url: URL, at: Date)]>([])

    init(clock: TestClock, answer: @escaping @Sendable (URL) -> Result<FetchResponse, FetchError>) {
        self.clock = clock
        self.answer = answer
    }

    var requests: [(url: URL, at: Date)] { log.withLock { $0 } }

    func times(of url: URL) -> [Date] { requests.filter { $0.url == url }.map(\.at) }

    func fetch(_ request: FetchRequest) async throws(FetchError) -> FetchResponse {
        log.withLock { $0.append((request.url, clock.now)) }
        return try answer(request.url).get()
    }

    /// A small RSS document with one item.
    static func rss(_ title: String) -> FetchResponse {
        let xml = """
            <?xml version="1.0" encoding="utf-8"?>
            <rss version="2.0"><channel><title>\(title)</title><link>https://example.org/</link>
            <item><title>\(title) item</title><link>https://example.org/\(title)/1</link><guid>\(title)-1</guid>
            <description>Die Meldung \(title) hat einen Text mit mehreren Wörtern.</description></item>
            </channel></rss>
            """
        return FetchResponse(
            url: URL(string: "https://example.org/\(title).xml")!, status: 200,
            headers: ["content-type": "application/rss+xml"], body: Array(xml.utf8))
    }
}

/// A Unix datagram socket the test binds, standing in for systemd's `$NOTIFY_SOCKET`.
final class NotifySocket {
    let path: String
    private let fd: Int32

    init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("herold-notify-\(UUID().uuidString.prefix(8))").path
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            for (i, byte) in path.utf8.enumerated() { buffer[i] = byte }
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard bound == 0 else { throw POSIXError(.EADDRINUSE) }
    }

    deinit {
        close(fd)
        unlink(path)
    }

    /// The messages that arrive within `timeout` seconds of waiting for each.
    func receive(timeout: Double) -> [String] {
        var messages: [String] = []
        while true {
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, Int32(timeout * 1000)) > 0 else { return messages }
            var buffer = [UInt8](repeating: 0, count: 4096)
            let n = recv(fd, &buffer, buffer.count, 0)
            guard n > 0 else { return messages }
            messages.append(String(decoding: buffer[0..<n], as: UTF8.self))
        }
    }
}
