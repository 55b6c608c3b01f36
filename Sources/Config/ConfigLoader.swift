public import Foundation
public import FeedModel
internal import Yams

/// Reads feeds.yml into a validated `Configuration` (DESIGN.md §2). Every problem is reported
/// with file, line, key and what was expected; nothing is silently ignored (an unknown key is an
/// error, with the nearest known key suggested).
public enum ConfigLoader {
    /// Reads and validates the file at `url`.
    public static func load(from url: URL) throws(ConfigError) -> Configuration {
        let shown = url.relativePath
        let text: String
        do {
            let data = try Data(contentsOf: url)
            guard let decoded = String(data: data, encoding: .utf8) else {
                throw ConfigError(issues: [
                    ConfigIssue(file: shown, line: 0, column: 0, key: "", message: "the file is not valid UTF-8")
                ])
            }
            text = decoded
        } catch let error as ConfigError {
            throw error
        } catch {
            let reason = (error as NSError).localizedDescription
            throw ConfigError(issues: [
                ConfigIssue(file: shown, line: 0, column: 0, key: "", message: "cannot read the file: \(reason)")
            ])
        }
        return try parse(yaml: text, file: url, shownAs: shown)
    }

    /// Validates YAML text as if it had been read from `file` (relative paths resolve against
    /// the file's folder; `shownAs` is the name used in messages).
    public static func parse(yaml: String, file: URL, shownAs: String? = nil) throws(ConfigError) -> Configuration {
        var reader = ConfigReader(file: file, shown: shownAs ?? file.lastPathComponent)
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch let error as YamlError {
            throw ConfigError(issues: [reader.issue(for: error)])
        } catch {
            throw ConfigError(issues: [ConfigIssue(file: reader.shown, line: 0, column: 0, key: "", message: "\(error)")])
        }
        let configuration = reader.read(root)
        guard reader.issues.isEmpty, let configuration else {
            throw ConfigError(issues: reader.issues.sorted { ($0.line, $0.column) < ($1.line, $1.column) })
        }
        return configuration
    }
}
