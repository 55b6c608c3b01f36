import Foundation
import FeedModel
import Yams

/// Walks the YAML node tree, converting values and collecting every problem with its position.
struct ConfigReader {
    let file: URL
    let shown: String
    var issues: [ConfigIssue] = []

    init(file: URL, shown: String) {
        self.file = file
        self.shown = shown
    }

    // MARK: Keys (sorted tables; an unknown key is an error)

    static let topKeys = ["archive", "defaults", "feed", "serve", "sources"]
    static let feedKeys = ["entries", "id", "self", "title"]
    static let serveKeys = ["listen"]
    static let fetchKeys = [
        "adaptive", "deny_private_networks", "every", "host_connections", "host_delay", "max_every", "max_size",
        "min_every", "permanent_redirect_polls", "proxy", "timeout", "tls_verify", "user_agent", "withdraw_after",
    ]
    static let sourceOnlyKeys = [
        "categories", "content", "full_text", "headers", "id", "kind", "links", "name", "rights", "strip", "url",
    ]

    // MARK: Issues

    mutating func report(_ node: Node?, _ key: String, _ message: String) {
        let mark = node?.mark
        issues.append(ConfigIssue(file: shown, line: mark?.line ?? 0, column: mark?.column ?? 0, key: key, message: message))
    }

    func issue(for error: YamlError) -> ConfigIssue {
        switch error {
        case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _),
            let .composer(context, problem, mark, _):
            let detail = context.map { "\($0.text) " } ?? ""
            return ConfigIssue(
                file: shown, line: mark.line, column: mark.column, key: "",
                message: "not valid YAML: \(detail)\(problem)")
        case let .duplicatedKeysInMapping(duplicates, context):
            return ConfigIssue(
                file: shown, line: context.mark.line, column: context.mark.column, key: duplicates.joined(separator: ", "),
                message: "the key appears more than once in one mapping")
        default:
            return ConfigIssue(file: shown, line: 0, column: 0, key: "", message: "not valid YAML: \(error)")
        }
    }

    // MARK: Document

    mutating func read(_ root: Node?) -> Configuration? {
        guard let root else {
            report(nil, "", "the file is empty; it needs at least a `sources:` list")
            return nil
        }
        guard let mapping = mapping(root, "") else { return nil }
        checkKeys(mapping, allowed: Self.topKeys, path: "")

        let folder = file.deletingLastPathComponent()
        var archive = folder.appendingPathComponent("archive")
        if let node = mapping["archive"], let path = string(node, "archive") {
            if path.isEmpty {
                report(node, "archive", "expected a directory path, got an empty string")
            } else {
                archive = path.hasPrefix("/") ? URL(fileURLWithPath: path) : folder.appendingPathComponent(path)
            }
        }

        var feed = OutputFeedSettings()
        if let node = mapping["feed"], let block = self.mapping(node, "feed") {
            checkKeys(block, allowed: Self.feedKeys, path: "feed")
            if let value = block["title"].flatMap({ nonEmptyString($0, "feed.title") }) { feed.title = value }
            if let value = block["id"].flatMap({ nonEmptyString($0, "feed.id") }) {
                if URL(string: value)?.scheme == nil {
                    report(block["id"], "feed.id", "expected an IRI such as tag:example.org,2026:herold, got \"\(value)\"")
                }
                feed.id = value
            }
            if let node = block["self"] { feed.selfURL = httpURL(node, "feed.self") }
            if let node = block["entries"], let value = integer(node, "feed.entries", in: 1...100_000) {
                feed.entries = value
            }
        }

        var listen: String?
        if let node = mapping["serve"], let block = self.mapping(node, "serve") {
            checkKeys(block, allowed: Self.serveKeys, path: "serve")
            if let node = block["listen"], let value = string(node, "serve.listen") {
                if Self.parseListen(value) == nil {
                    report(node, "serve.listen", "expected HOST:PORT such as 127.0.0.1:8080, got \"\(value)\"")
                } else {
                    listen = value
                }
            }
        }

        var defaults = FetchSettings()
        if let node = mapping["defaults"], let block = self.mapping(node, "defaults") {
            checkKeys(block, allowed: Self.fetchKeys, path: "defaults")
            readFetchSettings(block, path: "defaults", into: &defaults)
        }

        var sources: [Source] = []
        if let node = mapping["sources"] {
            if case .sequence(let list) = node {
                var seen: [String: Int] = [:]
                for (index, item) in list.enumerated() {
                    let path = "sources[\(index)]"
                    guard let source = readSource(item, path: path, defaults: defaults) else { continue }
                    if let first = seen[source.id] {
                        report(item["id"] ?? item, "\(path).id", "duplicate id \"\(source.id)\" (also sources[\(first)])")
                        continue
                    }
                    seen[source.id] = index
                    sources.append(source)
                }
            } else {
                report(node, "sources", "expected a list of sources (lines starting with \"- \"), got \(describe(node))")
            }
        } else {
            report(root, "sources", "missing: expected a list of sources")
        }
        return Configuration(
            file: file, archive: archive.standardizedFileURL, feed: feed, listen: listen, defaults: defaults,
            sources: sources)
    }

    // MARK: Sources

    mutating func readSource(_ node: Node, path: String, defaults: FetchSettings) -> Source? {
        guard let block = mapping(node, path) else { return nil }
        checkKeys(block, allowed: (Self.sourceOnlyKeys + Self.fetchKeys).sorted(), path: path)
        let before = issues.count

        var id = ""
        if let idNode = block["id"], let value = string(idNode, "\(path).id") {
            if value.isEmpty || value.count > 64
                || !value.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" })
            {
                report(idNode, "\(path).id", "expected 1–64 characters of a-z, 0-9 and -, got \"\(value)\"")
            }
            id = value
        } else if block["id"] == nil {
            report(node, "\(path).id", "missing: every source needs a stable id ([a-z0-9-]+)")
        }
        var url: URL?
        if let urlNode = block["url"] {
            url = httpURL(urlNode, "\(path).url")
        } else {
            report(node, "\(path).url", "missing: every source needs the URL of its feed or page")
        }
        var kind = SourceKind.auto
        if let kindNode = block["kind"], let value = string(kindNode, "\(path).kind") {
            if let parsed = SourceKind(rawValue: value) {
                kind = parsed
            } else {
                report(kindNode, "\(path).kind", "expected one of auto, feed, page, got \"\(value)\"")
            }
        }
        var fetch = defaults
        readFetchSettings(block, path: path, into: &fetch)
        let fullText = block["full_text"].flatMap { bool($0, "\(path).full_text") } ?? false
        let links = block["links"].flatMap { nonEmptyString($0, "\(path).links") }
        let content = block["content"].flatMap { nonEmptyString($0, "\(path).content") }
        var strip: [String] = []
        if let stripNode = block["strip"] {
            strip = stringList(stripNode, "\(path).strip")
        }
        var headers: [String: String] = [:]
        if let headerNode = block["headers"], let map = mapping(headerNode, "\(path).headers") {
            for (keyNode, valueNode) in map {
                let name = keyNode.string ?? ""
                let valid = !name.isEmpty && name.unicodeScalars.allSatisfy { $0.value > 32 && $0.value < 127 && $0 != ":" }
                if !valid {
                    report(keyNode, "\(path).headers", "expected an HTTP header name, got \"\(name)\"")
                    continue
                }
                guard let value = string(valueNode, "\(path).headers.\(name)") else { continue }
                if value.contains("\r") || value.contains("\n") {
                    report(valueNode, "\(path).headers.\(name)", "a header value must be one line")
                    continue
                }
                headers[name] = value
            }
        }
        let name = block["name"].flatMap { nonEmptyString($0, "\(path).name") } ?? id
        var categories: [String] = []
        if let categoryNode = block["categories"] {
            for category in stringList(categoryNode, "\(path).categories") where !categories.contains(category) {
                categories.append(category)
            }
        }
        let rights = block["rights"].flatMap { nonEmptyString($0, "\(path).rights") }

        guard issues.count == before, let url else { return nil }
        var source = Source(
            id: id, name: name, url: url, kind: kind, fetch: fetch, fullText: fullText, links: links,
            content: content, strip: strip, headers: headers)
        source.categories = categories
        source.rights = rights
        return source
    }

    mutating func readFetchSettings(_ block: Node.Mapping, path: String, into settings: inout FetchSettings) {
        if let node = block["every"], let value = duration(node, "\(path).every", minimum: 10) { settings.every = value }
        if let node = block["timeout"], let value = duration(node, "\(path).timeout", minimum: 1) {
            settings.timeout = value
        }
        if let node = block["host_delay"], let value = duration(node, "\(path).host_delay", minimum: 0) {
            settings.hostDelay = value
        }
        if let node = block["max_size"], let value = size(node, "\(path).max_size") { settings.maxSize = value }
        if let node = block["host_connections"], let value = integer(node, "\(path).host_connections", in: 1...64) {
            settings.hostConnections = value
        }
        if let node = block["deny_private_networks"], let value = bool(node, "\(path).deny_private_networks") {
            settings.denyPrivateNetworks = value
        }
        if let node = block["adaptive"], let value = bool(node, "\(path).adaptive") { settings.adaptive = value }
        if let node = block["proxy"], let value = string(node, "\(path).proxy") {
            if let url = URL(string: value), let scheme = url.scheme?.lowercased(),
                ["http", "https", "socks5", "socks5h"].contains(scheme), url.host != nil
            {
                settings.proxy = url
            } else {
                report(node, "\(path).proxy", "expected a proxy URL such as http://proxy.example:3128, got \"\(value)\"")
            }
        }
        if let node = block["tls_verify"], let value = bool(node, "\(path).tls_verify") { settings.tlsVerify = value }
        if let node = block["permanent_redirect_polls"],
            let value = integer(node, "\(path).permanent_redirect_polls", in: 0...1000)
        {
            settings.permanentRedirectPolls = value
        }
        if let node = block["min_every"], let value = duration(node, "\(path).min_every", minimum: 10) {
            settings.minEvery = value
        }
        if let node = block["max_every"], let value = duration(node, "\(path).max_every", minimum: 10) {
            settings.maxEvery = value
        }
        if let node = block["withdraw_after"], let value = duration(node, "\(path).withdraw_after", minimum: 0) {
            settings.withdrawAfter = value
        }
        if let node = block["user_agent"], let value = nonEmptyString(node, "\(path).user_agent") {
            settings.userAgent = value
        }
    }

    // MARK: Typed values

    mutating func mapping(_ node: Node, _ key: String) -> Node.Mapping? {
        if case .mapping(let mapping) = node { return mapping }
        report(node, key, "expected a mapping (key: value lines), got \(describe(node))")
        return nil
    }

    mutating func checkKeys(_ mapping: Node.Mapping, allowed: [String], path: String) {
        for key in mapping.keys {
            guard let name = key.string else {
                report(key, path, "expected a text key, got \(describe(key))")
                continue
            }
            if !allowed.contains(name) {
                let full = path.isEmpty ? name : "\(path).\(name)"
                var message = "unknown key"
                if let near = Self.nearest(name, in: allowed) { message += "; did you mean \"\(near)\"?" }
                message += " (expected one of: \(allowed.joined(separator: ", ")))"
                report(key, full, message)
            }
        }
    }

    mutating func string(_ node: Node, _ key: String) -> String? {
        if case .scalar(let scalar) = node, node.null == nil || scalar.style != .plain { return scalar.string }
        report(node, key, "expected a text value, got \(describe(node))")
        return nil
    }

    mutating func nonEmptyString(_ node: Node, _ key: String) -> String? {
        guard let value = string(node, key) else { return nil }
        if value.trimmingCharacters(in: .whitespaces).isEmpty {
            report(node, key, "expected a non-empty text value")
            return nil
        }
        return value
    }

    mutating func stringList(_ node: Node, _ key: String) -> [String] {
        switch node {
        case .scalar:
            return nonEmptyString(node, key).map { [$0] } ?? []
        case .sequence(let list):
            return list.enumerated().compactMap { nonEmptyString($1, "\(key)[\($0)]") }
        default:
            report(node, key, "expected a text value or a list of them, got \(describe(node))")
            return []
        }
    }

    mutating func bool(_ node: Node, _ key: String) -> Bool? {
        if case .scalar(let scalar) = node {
            switch scalar.string.lowercased() {
            case "true", "yes", "on": return true
            case "false", "no", "off": return false
            default: break
            }
        }
        report(node, key, "expected true or false, got \(describe(node))")
        return nil
    }

    mutating func integer(_ node: Node, _ key: String, in range: ClosedRange<Int>) -> Int? {
        if case .scalar(let scalar) = node, let value = Int(scalar.string) {
            if range.contains(value) { return value }
            report(node, key, "expected a whole number from \(range.lowerBound) to \(range.upperBound), got \(value)")
            return nil
        }
        report(node, key, "expected a whole number, got \(describe(node))")
        return nil
    }

    mutating func httpURL(_ node: Node, _ key: String) -> URL? {
        guard let value = string(node, key) else { return nil }
        guard let url = URL(string: value.trimmingCharacters(in: .whitespaces)),
            let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
            let host = url.host, !host.isEmpty
        else {
            report(node, key, "expected an absolute http:// or https:// URL, got \"\(value)\"")
            return nil
        }
        return url
    }

    mutating func duration(_ node: Node, _ key: String, minimum: TimeInterval) -> TimeInterval? {
        guard case .scalar(let scalar) = node, let seconds = Self.parseDuration(scalar.string) else {
            report(node, key, "expected a duration such as 45s, 15m, 2h, 1d or 1h30m, got \(describe(node))")
            return nil
        }
        if seconds < minimum {
            report(node, key, "expected at least \(Int(minimum))s, got \(scalar.string)")
            return nil
        }
        return seconds
    }

    mutating func size(_ node: Node, _ key: String) -> Int? {
        guard case .scalar(let scalar) = node, let bytes = Self.parseSize(scalar.string) else {
            report(node, key, "expected a size such as 500KB, 10MB or 1GB, got \(describe(node))")
            return nil
        }
        if bytes < 1024 {
            report(node, key, "expected at least 1KB, got \(scalar.string)")
            return nil
        }
        return bytes
    }

    func describe(_ node: Node) -> String {
        switch node {
        case .scalar(let scalar):
            return node.null != nil && scalar.style == .plain ? "nothing" : "\"\(scalar.string)\""
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        }
    }

    // MARK: Value grammars

    /// `45s`, `15m`, `2h`, `1d`, `1h30m`, or a bare number of seconds.
    static func parseDuration(_ text: String) -> TimeInterval? {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        if let plain = Double(trimmed), plain >= 0 { return plain }
        var total: TimeInterval = 0
        var number = ""
        var sawUnit = false
        for character in trimmed {
            if character.isNumber || character == "." {
                number.append(character)
                continue
            }
            guard let value = Double(number) else { return nil }
            switch character {
            case "s": total += value
            case "m": total += value * 60
            case "h": total += value * 3600
            case "d": total += value * 86400
            default: return nil
            }
            number = ""
            sawUnit = true
        }
        return number.isEmpty && sawUnit ? total : nil
    }

    /// `500KB`, `10MB`, `1GB` (powers of 1024; `KiB`/`MiB`/`GiB` too), or a bare number of bytes.
    static func parseSize(_ text: String) -> Int? {
        let trimmed = text.trimmingCharacters(in: .whitespaces).uppercased()
        let digits = trimmed.prefix { $0.isNumber || $0 == "." }
        guard let value = Double(digits), value >= 0 else { return nil }
        let unit = trimmed.dropFirst(digits.count).trimmingCharacters(in: .whitespaces)
        let factor: Double
        switch unit {
        case "", "B": factor = 1
        case "K", "KB", "KIB": factor = 1024
        case "M", "MB", "MIB": factor = 1024 * 1024
        case "G", "GB", "GIB": factor = 1024 * 1024 * 1024
        default: return nil
        }
        let bytes = value * factor
        return bytes < Double(Int.max) ? Int(bytes) : nil
    }

    /// `HOST:PORT`, `[v6]:PORT`, or `:PORT`.
    static func parseListen(_ text: String) -> (host: String, port: Int)? {
        guard let colon = text.lastIndex(of: ":") else { return nil }
        var host = String(text[..<colon])
        guard let port = Int(text[text.index(after: colon)...]), (1...65535).contains(port) else { return nil }
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return (host.isEmpty ? "0.0.0.0" : host, port)
    }

    /// The allowed key closest to a mistyped one (edit distance at most 3), for "did you mean".
    static func nearest(_ name: String, in allowed: [String]) -> String? {
        let candidates = allowed.map { ($0, editDistance(Array(name), Array($0))) }.filter { $0.1 <= 3 }
        return candidates.min { $0.1 < $1.1 }?.0
    }

    static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}
