public import Foundation
public import Logging

/// A log handler for standard error that journald reads well: under systemd (`$JOURNAL_STREAM`
/// set) each line starts with the syslog priority (`<3>` … `<7>`, which journald maps to its
/// levels) and carries no timestamp of its own; elsewhere lines get an ISO 8601 timestamp and
/// the level as a word. Metadata is appended as sorted `key=value` pairs.
public struct JournalLogHandler: LogHandler {
    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]
    let label: String
    let underSystemd: Bool

    public init(label: String, environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.label = label
        underSystemd = environment["JOURNAL_STREAM"] != nil
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    /// The syslog priority of a level (RFC 5424 severities).
    static func priority(_ level: Logger.Level) -> Int {
        switch level {
        case .trace, .debug: 7
        case .info: 6
        case .notice: 5
        case .warning: 4
        case .error: 3
        case .critical: 2
        }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let extra = event.metadata { merged.merge(extra) { _, new in new } }
        let pairs = merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        let text = "\(event.message)" + (pairs.isEmpty ? "" : " \(pairs)")
        let line: String
        if underSystemd {
            line = "<\(Self.priority(event.level))>\(text)\n"
        } else {
            line = "\(Date().ISO8601Format()) \(event.level) \(label): \(text)\n"
        }
        FileHandle.standardError.write(Data(line.utf8))
    }
}
