public import Logging
import Synchronization

/// One log record kept by a `LogRecorder`.
public struct RecordedLog: Sendable {
    public var level: Logger.Level
    public var message: String
    public var metadata: [String: String]
}

/// Keeps every record logged through its `logger`, for tests that assert what was logged.
///
/// ```swift
/// let recorder = LogRecorder()
/// let fetcher = try CurlFetcher(logger: recorder.logger)
/// #expect(recorder.records.contains { $0.level == .warning })
/// ```
public final class LogRecorder: Sendable {
    private let storage = Mutex<[RecordedLog]>([])

    public init() {}

    /// The records so far, in order.
    public var records: [RecordedLog] { storage.withLock { $0 } }

    /// A logger (level `.trace`) whose records go to this recorder.
    public func logger(label: String = "test") -> Logger {
        var logger = Logger(label: label) { _ in Handler(recorder: self) }
        logger.logLevel = .trace
        return logger
    }

    /// Records at `level` or above.
    public func records(atLeast level: Logger.Level) -> [RecordedLog] {
        records.filter { $0.level >= level }
    }

    fileprivate func append(_ record: RecordedLog) {
        storage.withLock { $0.append(record) }
    }

    private struct Handler: LogHandler {
        let recorder: LogRecorder
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            var merged = metadata
            if let extra = event.metadata { merged.merge(extra) { _, new in new } }
            recorder.append(
                RecordedLog(
                    level: event.level, message: "\(event.message)",
                    metadata: merged.mapValues { "\($0)" }))
        }
    }
}
