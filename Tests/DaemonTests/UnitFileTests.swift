import Foundation
import Testing

@Suite("contrib/herold.service")
struct UnitFileTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    @Test("systemd-analyze verify accepts the unit, which is Type=notify with watchdog and hardening")
    func verify() throws {
        let unit = try String(contentsOf: Self.root.appendingPathComponent("contrib/herold.service"), encoding: .utf8)
        for line in [
            "Type=notify", "WatchdogSec=", "DynamicUser=yes", "ProtectSystem=strict", "ReadWritePaths=/var/lib/herold",
            "NoNewPrivileges=yes", "PrivateTmp=yes", "RestrictAddressFamilies=", "SystemCallFilter=@system-service",
            "MemoryMax=", "ExecReload=/bin/kill -HUP $MAINPID",
        ] {
            #expect(unit.contains(line), "the unit lacks \(line)")
        }
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/systemd-analyze") else {
            print("skipped: systemd-analyze is not installed (Debian package systemd)")
            return
        }
        // verify checks that ExecStart's binary exists: point it at the one the tests built, or /bin/true.
        let exe = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
        let built = [exe, exe.deletingLastPathComponent()].map { $0.appendingPathComponent("herold").path }
            .first { FileManager.default.isExecutableFile(atPath: $0) } ?? "/bin/true"
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("herold-unit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let copy = folder.appendingPathComponent("herold.service")
        try unit.replacingOccurrences(of: "/usr/local/bin/herold", with: built).write(to: copy, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/systemd-analyze")
        process.arguments = ["verify", copy.path]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        process.waitUntilExit()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(process.terminationStatus == 0, "\(text)")
        #expect(!text.contains("herold.service:"), "warnings about the unit: \(text)")
    }
}
