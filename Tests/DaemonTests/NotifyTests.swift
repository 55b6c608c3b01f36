import Daemon
import Foundation
import Logging
import Testing

@Suite("systemd notify and watchdog", .serialized)
struct NotifyTests {
    @Test("messages reach $NOTIFY_SOCKET; without it nothing is sent")
    func notify() throws {
        let socket = try NotifySocket()
        let notifier = SystemdNotifier(environment: ["NOTIFY_SOCKET": socket.path, "WATCHDOG_USEC": "2000000"])
        #expect(notifier.isEnabled)
        #expect(notifier.watchdogInterval == .seconds(2))
        #expect(notifier.send("READY=1\nSTATUS=testing"))
        notifier.reloading()
        let messages = socket.receive(timeout: 1)
        #expect(messages.first == "READY=1\nSTATUS=testing")
        #expect(messages.count == 2 && messages[1].hasPrefix("RELOADING=1\nMONOTONIC_USEC="))
        let silent = SystemdNotifier(environment: [:])
        #expect(!silent.isEnabled && !silent.send("READY=1"))
        let otherProcess = SystemdNotifier(environment: ["NOTIFY_SOCKET": socket.path, "WATCHDOG_USEC": "1000", "WATCHDOG_PID": "1"])
        #expect(otherProcess.watchdogInterval == nil, "WATCHDOG_PID names another process")
    }

    @Test("the watchdog pings while the heartbeat is fresh and stops when the scheduler is stuck")
    func watchdog() async throws {
        let socket = try NotifySocket()
        let notifier = SystemdNotifier(environment: ["NOTIFY_SOCKET": socket.path])
        let heartbeat = Heartbeat()
        let watchdog = Watchdog(notifier: notifier, heartbeat: heartbeat, interval: .milliseconds(400), logger: Logger(label: "test"))
        let task = Task { try await watchdog.run() }
        // Fresh: beats keep coming, so pings do (waited for, not timed: on a loaded machine the
        // watchdog's task may first run seconds later).
        var whileAlive: [String] = []
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(20)
        while whileAlive.filter({ $0 == "WATCHDOG=1" }).count < 2 && clock.now < deadline {
            heartbeat.beat()
            try await Task.sleep(for: .milliseconds(100))
            whileAlive += socket.receive(timeout: 0.01)
        }
        #expect(whileAlive.filter { $0 == "WATCHDOG=1" }.count >= 2, "\(whileAlive)")
        // Stuck: no beat for well over the interval; after the pings already sent drain, none follow.
        try await Task.sleep(for: .milliseconds(600))
        _ = socket.receive(timeout: 0.05)
        try await Task.sleep(for: .milliseconds(800))
        let whileStuck = socket.receive(timeout: 0.05)
        #expect(whileStuck.isEmpty, "a stuck scheduler must trip the watchdog: \(whileStuck)")
        task.cancel()
    }
}

@Suite("Memory trim")
struct MemoryTrimTests {
    @Test("glibc's malloc_trim is found and called after many blocks were freed")
    func trimIsAvailable() {
        #if os(Linux)
        var blocks: [[UInt8]] = (0..<2_000).map { [UInt8](repeating: UInt8($0 % 251), count: 4_096 + $0) }
        #expect(blocks.count == 2_000)
        blocks.removeAll()
        #expect(MemoryTrim.releaseFreedMemory(), "malloc_trim was not found in the process's symbols")
        #endif
    }
}
