
/// One problem in feeds.yml: where it is (file, line, column), which key, and what was expected.
public struct ConfigIssue: Sendable, Equatable, CustomStringConvertible {
    /// The file as the user named it.
    public var file: String
    /// 1-based line, 0 when unknown (for example a missing file).
    public var line: Int
    /// 1-based column, 0 when unknown.
    public var column: Int
    /// The key path, e.g. `sources[2].every`; empty for the document itself.
    public var key: String
    public var message: String

    public init(file: String, line: Int, column: Int, key: String, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.key = key
        self.message = message
    }

    /// `feeds.yml:12:5: sources[1].every: expected a duration …` (the compiler's form, so editors jump to it).
    public var description: String {
        var place = file
        if line > 0 { place += ":\(line)" }
        if column > 0 { place += ":\(column)" }
        return key.isEmpty ? "\(place): \(message)" : "\(place): \(key): \(message)"
    }
}

/// feeds.yml could not be used: every problem found, in file order.
public struct ConfigError: Error, Sendable, CustomStringConvertible {
    public var issues: [ConfigIssue]

    public init(issues: [ConfigIssue]) {
        self.issues = issues
    }

    public var description: String { issues.map(\.description).joined(separator: "\n") }
}
