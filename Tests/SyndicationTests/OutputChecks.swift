import Archive
import FeedModel
import Foundation
import Markup
import Syndication
import TestSupport
import Testing

/// A temporary archive with synthetic stories, a controllable clock and the publisher.
final class TestArchive: @unchecked Sendable {
    // @unchecked: `clock` is mutated only by the test that owns this object, between awaits of
    // that same test; the publisher reads it through the `now` closure on the same task.
    let root: URL
    let store: ArchiveStore
    var clock: Date
    var options: FeedPublisher.Options
    var sources: [String: SourceInfo]

    init(entries: Int, pageSize: Int, selfURL: URL? = nil) throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("herold-syn-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        store = try ArchiveStore(root: root, feedID: "tag:herold.test,2026:syn")
        clock = Date(timeIntervalSince1970: 1_780_000_000)
        options = FeedPublisher.Options(
            feed: AtomFeedSettings(id: "tag:herold.test,2026:syn", title: "Syn & Test", selfURL: selfURL, entries: entries),
            pageSize: pageSize)
        sources = [:]
        for id in ["alpha", "beta"] {
            sources[id] = SourceInfo(
                id: id, title: "Quelle \(id)", link: URL(string: "https://\(id).example/feed.xml")!,
                siteLink: URL(string: "https://\(id).example/"), updated: clock, categories: ["Presse", "Land \(id)"],
                rights: "© \(id) Ministerium")
        }
    }

    deinit { try? FileManager.default.removeItem(at: root) }

    var publisher: FeedPublisher {
        let now = clock
        return FeedPublisher(root: root, options: options, now: { now })
    }

    /// Archives story `n` (text unique per n and revision) and returns its id.
    @discardableResult
    func add(_ n: Int, revision: Int = 1, source: String? = nil) async throws -> String {
        clock += 60
        let url = URL(string: "https://\(source ?? (n % 2 == 0 ? "alpha" : "beta")).example/news/\(n)")!
        let text = Self.text(n, revision: revision)
        let article = Article(
            url: url, canonical: url, title: "Meldung \(n) <\(revision)> & Co", published: clock, author: n % 3 == 0 ? nil : "Pressestelle",
            language: "de", text: text, html: "<p>\(text)</p>")
        let outcome = try await store.ingest(
            Observation(sourceID: source ?? (n % 2 == 0 ? "alpha" : "beta"), place: url, article: article, seenAt: clock))
        switch outcome {
        case .new(let id), .known(let id), .revised(let id, _), .heldBack(let id): return id
        case .skipped(let reason): throw CocoaError(.fileWriteUnknown, userInfo: ["reason": reason])
        }
    }

    static let words = """
        Landesregierung Ministerium Finanzamt Kommune Verwaltung Digitalisierung Haushalt Förderprogramm Bürgeramt \
        Schule Straße Brücke Wasser Energie Klima Wald Landwirtschaft Polizei Justiz Gesundheit Pflege Krankenhaus \
        Forschung Hochschule Kultur Denkmal Museum Theater Sport Verkehr Bahn Bus Radweg Wohnung Miete Steuer
        """.split(separator: " ").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }

    /// A deterministic pseudo-random text of 60 words, distinct per story and revision (so no
    /// two stories are near-duplicates).
    static func text(_ n: Int, revision: Int) -> String {
        var state = UInt64(n &* 1_000_003 &+ revision) &* 0x9E37_79B9_7F4A_7C15 | 1
        var words: [String] = []
        for _ in 0..<60 {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            words.append(Self.words[Int(state % UInt64(Self.words.count))])
        }
        return "Meldung \(n), Fassung \(revision): " + words.joined(separator: " ") + "."
    }

    func publish(_ touched: Set<String>?) async throws -> FeedPublisher.Report {
        clock += 1
        try await store.checkpoint()
        return try await publisher.publish(store: store, sources: sources, touched: touched)
    }

    func read(_ path: String) throws -> [UInt8] {
        try Fixtures.bytes(root.appendingPathComponent(path))
    }

    /// Every Atom document the publisher wrote.
    func documents() throws -> [String] {
        var paths = ["feed.atom"]
        for folder in ["history", "sources"] {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent(folder).path)) ?? []
            paths += names.filter { $0.hasSuffix(".atom") }.sorted().map { "\(folder)/\($0)" }
        }
        return paths
    }
}

/// Reading Atom documents back (through Herold's own libxml2 wrapper) and the external checks.
enum AtomReader {
    static let atom = "http://www.w3.org/2005/Atom"

    struct Parsed {
        var ids: [String]
        var updated: [String: String]
        var titles: [String: String]
        var tombstones: [String]
        var links: [String: String]
        var isArchive: Bool
    }

    static func children(_ node: Node, _ name: String, _ namespace: String = atom) -> [Node] {
        node.elementChildren.filter { $0.name == name && $0.namespaceURI == namespace }
    }

    static func parse(_ bytes: [UInt8]) throws -> Parsed {
        let document = try XMLDocument(bytes: bytes)
        let feed = try #require(document.root)
        var parsed = Parsed(ids: [], updated: [:], titles: [:], tombstones: [], links: [:], isArchive: false)
        for entry in children(feed, "entry") {
            let id = children(entry, "id").first?.text ?? ""
            parsed.ids.append(id)
            parsed.updated[id] = children(entry, "updated").first?.text
            parsed.titles[id] = children(entry, "title").first?.text
        }
        for tombstone in children(feed, "deleted-entry", "http://purl.org/atompub/tombstones/1.0") {
            parsed.tombstones.append(tombstone.attribute("ref") ?? "")
        }
        for link in children(feed, "link") {
            if let rel = link.attribute("rel"), let href = link.attribute("href"), parsed.links[rel] == nil {
                parsed.links[rel] = href
            }
        }
        parsed.isArchive = !children(feed, "archive", "http://purl.org/syndication/history/1.0").isEmpty
        return parsed
    }

    /// The path of the RELAX NG schema of RFC 4287 Appendix B (XML syntax).
    static var schema: URL { Fixtures.local("SyndicationTests", "atom.rng") }

    static func tool(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for folder in path.split(separator: ":") where FileManager.default.isExecutableFile(atPath: "\(folder)/\(name)") {
            return "\(folder)/\(name)"
        }
        return nil
    }

    /// Runs a program; returns its exit status and combined output.
    static func run(_ program: String, _ arguments: [String], input: Data? = nil) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        let stdin = Pipe()
        process.standardInput = stdin
        try process.run()
        if let input { stdin.fileHandleForWriting.write(input) }
        try? stdin.fileHandleForWriting.close()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// `xmllint --relaxng atom.rng` over files; nil where xmllint is not installed.
    static func relaxNG(_ files: [URL]) throws -> (status: Int32, output: String)? {
        guard let xmllint = tool("xmllint") else { return nil }
        return try run(xmllint, ["--noout", "--nonet", "--relaxng", schema.path] + files.map(\.path))
    }

    /// A Python interpreter with feedparser, or nil.
    static func feedparserPython() -> String? {
        // The python3 on PATH (where `pip install feedparser` put it), else the system one.
        for python in [tool("python3"), "/usr/bin/python3"].compactMap({ $0 })
        where FileManager.default.isExecutableFile(atPath: python) {
            if let result = try? run(python, ["-c", "import feedparser"]), result.status == 0 { return python }
        }
        return nil
    }

    /// feedparser's view of documents: per file, `bozo` and the entry ids, as JSON.
    static func feedparser(_ python: String, _ files: [URL]) throws -> [String: (bozo: Bool, ids: [String], titles: [String])] {
        let script = """
            import feedparser, json, sys
            out = {}
            for path in sys.argv[1:]:
                d = feedparser.parse(path)
                out[path] = {"bozo": bool(d.bozo), "error": str(d.get("bozo_exception", "")),
                             "ids": [e.get("id") for e in d.entries], "titles": [e.get("title") for e in d.entries]}
            print(json.dumps(out))
            """
        let result = try run(python, ["-c", script] + files.map(\.path))
        #expect(result.status == 0, "\(result.output)")
        guard let data = result.output.split(separator: "\n").last.map({ Data($0.utf8) }),
            let object = try JSONSerialization.jsonObject(with: data) as? [String: [String: Any]]
        else { return [:] }
        var out: [String: (bozo: Bool, ids: [String], titles: [String])] = [:]
        for (path, value) in object {
            let bozo = value["bozo"] as? Bool ?? true
            if bozo { Issue.record("feedparser: \(path): \(value["error"] ?? "")") }
            out[path] = (bozo, value["ids"] as? [String] ?? [], value["titles"] as? [String] ?? [])
        }
        return out
    }

    /// The JSON Feed 1.1 rules (jsonfeed.org/version/1.1) that a document must meet; returns
    /// every violation.
    static func jsonFeedViolations(_ data: Data) -> [String] {
        var problems: [String] = []
        guard let feed = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else { return ["not a JSON object"] }
        if feed["version"] as? String != "https://jsonfeed.org/version/1.1" { problems.append("version") }
        if (feed["title"] as? String ?? "").isEmpty { problems.append("title is required") }
        for key in ["home_page_url", "feed_url"] where feed[key] != nil {
            if !isAbsoluteURL(feed[key]) { problems.append("\(key) must be an absolute URL") }
        }
        if feed["author"] != nil { problems.append("1.1 uses authors, not author") }
        if let authors = feed["authors"], !isAuthors(authors) { problems.append("authors must be objects with a name/url/avatar") }
        guard let items = feed["items"] as? [[String: Any]] else { return problems + ["items must be an array of objects"] }
        var seen = Set<String>()
        for (i, item) in items.enumerated() {
            guard let id = item["id"] as? String, !id.isEmpty else {
                problems.append("item \(i): id must be a non-empty string")
                continue
            }
            if !seen.insert(id).inserted { problems.append("item \(i): duplicate id \(id)") }
            if item["content_html"] as? String == nil && item["content_text"] as? String == nil {
                problems.append("item \(i): content_html or content_text is required")
            }
            for key in ["url", "external_url", "image", "banner_image"] where item[key] != nil {
                if !isAbsoluteURL(item[key]) { problems.append("item \(i): \(key) must be an absolute URL") }
            }
            for key in ["date_published", "date_modified"] where item[key] != nil {
                if !isRFC3339(item[key]) { problems.append("item \(i): \(key) must be RFC 3339") }
            }
            for key in ["title", "summary", "language", "content_html", "content_text"] where item[key] != nil {
                if item[key] as? String == nil { problems.append("item \(i): \(key) must be a string") }
            }
            if let tags = item["tags"], (tags as? [String]) == nil { problems.append("item \(i): tags must be strings") }
            if let authors = item["authors"], !isAuthors(authors) { problems.append("item \(i): authors") }
            for key in item.keys where !knownItemKeys.contains(key) && !key.hasPrefix("_") {
                problems.append("item \(i): unknown key \(key)")
            }
        }
        return problems
    }

    static let knownItemKeys: Set<String> = [
        "id", "url", "external_url", "title", "content_html", "content_text", "summary", "image", "banner_image",
        "date_published", "date_modified", "authors", "tags", "language", "attachments",
    ]

    static func isAbsoluteURL(_ value: Any?) -> Bool {
        guard let text = value as? String, let url = URL(string: text), let scheme = url.scheme else { return false }
        return ["http", "https"].contains(scheme) && url.host != nil
    }

    static func isRFC3339(_ value: Any?) -> Bool {
        guard let text = value as? String else { return false }
        return (try? Date.ISO8601FormatStyle().parse(text)) != nil
    }

    static func isAuthors(_ value: Any) -> Bool {
        guard let authors = value as? [[String: Any]] else { return false }
        return authors.allSatisfy { $0["name"] is String || $0["url"] is String || $0["avatar"] is String }
    }
}
