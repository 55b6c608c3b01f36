public import Archive
public import Foundation

/// Renders the feed outputs from the archive: `feed.atom` (the current document of an RFC 5005
/// archived feed), its archive documents `history/<n>.atom`, `feed.json` (JSON Feed 1.1, the
/// same entries as feed.atom) and `sources/<id>.atom` (one feed per source).
///
/// **Archive documents** are pages of `pageSize` stories in the order they were first seen.
/// A story belongs to exactly one page for life (pages only grow at the new end); a page
/// leaves out the stories that feed.atom currently shows, so a subscriber walking
/// `prev-archive` from feed.atom meets every story once. A page *closes* once it is full, a
/// newer page exists and none of its stories is in feed.atom any more; a closed page is
/// written one last time and never again (its bytes, and so its ETag, are fixed). A story of a
/// closed page that changes later (a revision or a withdrawal) shows up in feed.atom and is
/// re-issued into the newest open page; its old copy stays in the closed page, and by RFC 5005
/// §3 the newer copy (met first on the walk) supersedes it.
///
/// **Incremental**: only feed.atom, feed.json, the open pages whose content changed and the
/// feeds of the sources of changed stories are rendered; every file is written atomically and
/// only when its bytes change. The bookkeeping lives in `history/.state.json` (open pages,
/// feed.atom's ids) and `history/.assigned` (every story id given a page, for recovery).
public struct FeedPublisher: Sendable {
    /// What to publish.
    public struct Options: Sendable, Equatable {
        /// The unified feed (id, title, self URL, entries in feed.atom).
        public var feed: AtomFeedSettings
        /// Stories per archive document.
        public var pageSize: Int
        /// Entries in each `sources/<id>.atom` (default: `feed.entries`).
        public var sourceEntries: Int?

        /// Options with archive documents of `pageSize` stories.
        public init(feed: AtomFeedSettings, pageSize: Int = 100, sourceEntries: Int? = nil) {
            self.feed = feed
            self.pageSize = max(1, pageSize)
            self.sourceEntries = sourceEntries
        }
    }

    /// What one `publish` did.
    public struct Report: Sendable, Equatable {
        /// Files written (paths relative to the archive root), in order.
        public var written: [String] = []
        /// Archive documents closed by this render.
        public var closed: [Int] = []
        /// Whether the page assignment was (re)built from every story (first render, lost
        /// state, or a story missing from the pages after an interrupted run).
        public var rebuilt = false
    }

    /// The archive root the outputs are written to.
    public let root: URL
    /// What to publish.
    public var options: Options
    /// The clock.
    public var now: @Sendable () -> Date

    /// A publisher writing into the archive at `root`.
    public init(root: URL, options: Options, now: @escaping @Sendable () -> Date = { Date() }) {
        self.root = root
        self.options = options
        self.now = now
    }

    /// The name of archive document `number`, relative to the root.
    public static func pagePath(_ number: Int) -> String { "history/\(number).atom" }

    // MARK: State

    struct OpenPage: Codable, Equatable {
        var number: Int
        var ids: [String]
        var created: Date
    }

    struct Key: Codable, Comparable {
        var seen: Double
        var id: String
        static func < (a: Key, b: Key) -> Bool { (a.seen, a.id) < (b.seen, b.id) }
        init(_ record: StoryRecord) {
            seen = record.firstSeen.timeIntervalSince1970
            id = record.id
        }
    }

    struct State: Codable {
        var schema = "herold-history/1"
        var pageSize: Int
        /// Pages created so far (1…pageCount); those not in `open` are closed.
        var pageCount = 0
        var open: [OpenPage] = []
        /// Distinct stories given a page.
        var assigned = 0
        /// The newest first-seen key given a page.
        var lastKey: Key?
        /// The story ids feed.atom showed after the last render.
        var window: [String] = []
        var renderedAt: Date?
    }

    var statePath: URL { root.appendingPathComponent("history/.state.json") }
    var assignedPath: URL { root.appendingPathComponent("history/.assigned") }

    func loadState() -> State? {
        guard let data = try? Data(contentsOf: statePath),
            let state = try? ArchiveJSON.decoder.decode(State.self, from: data),
            state.schema == "herold-history/1", state.pageSize == options.pageSize
        else { return nil }
        return state
    }

    // MARK: Publishing

    /// Renders the outputs after the stories in `touched` changed (nil: everything, as after
    /// `herold reindex`).
    @discardableResult
    public func publish(store: ArchiveStore, sources: [String: SourceInfo], touched: Set<String>?) async throws -> Report {
        var report = Report()
        let now = now()
        let cache = StoryCache(store: store)
        let window = try await store.newest(limit: options.feed.entries)
        let windowIDs = Set(window.map(\.id))
        var state: State
        var freshLog = false
        var newlyAssigned: [String] = []
        var dirty = Set<Int>()

        if let loaded = loadState() {
            state = loaded
            if touched == nil {
                try await recover(&state, store: store, newlyAssigned: &newlyAssigned, dirty: &dirty)
                report.rebuilt = true
                dirty.formUnion(state.open.map(\.number))
            } else {
                var records: [StoryRecord] = []
                for id in touched ?? [] {
                    if let page = state.open.first(where: { $0.ids.contains(id) }) {
                        dirty.insert(page.number)
                    } else if let record = try await store.story(id) {
                        records.append(record)
                    }
                }
                for record in records.sorted(by: { Key($0) < Key($1) }) {
                    if state.lastKey.map({ Key(record) > $0 }) ?? true {
                        assign(record.id, key: Key(record), to: &state, now: now, dirty: &dirty)
                        newlyAssigned.append(record.id)
                    } else if record.updated > (state.renderedAt ?? .distantPast) {
                        // Changed since the last render and in a closed page: re-issue it.
                        assign(record.id, key: nil, to: &state, now: now, dirty: &dirty)
                    }
                }
                if try await store.count() != state.assigned {
                    try await recover(&state, store: store, newlyAssigned: &newlyAssigned, dirty: &dirty)
                    report.rebuilt = true
                }
            }
        } else {
            state = State(pageSize: options.pageSize)
            freshLog = true
            try await recover(&state, store: store, newlyAssigned: &newlyAssigned, dirty: &dirty)
            report.rebuilt = true
            dirty.formUnion(state.open.map(\.number))
        }
        if state.pageCount == 0 {
            // An empty archive still has one (empty) archive document for feed.atom to point at.
            state.pageCount = 1
            state.open.append(OpenPage(number: 1, ids: [], created: now))
            dirty.insert(1)
        }

        // Pages whose visible members change because stories entered or left feed.atom.
        let previousWindow = Set(state.window)
        for id in previousWindow.symmetricDifference(windowIDs) {
            if let page = state.open.first(where: { $0.ids.contains(id) }) { dirty.insert(page.number) }
        }
        // Pages that close now: full, a newer page exists, nothing of theirs in feed.atom.
        var closing = Set<Int>()
        for page in state.open
        where page.ids.count >= options.pageSize && page.number < state.pageCount && windowIDs.isDisjoint(with: page.ids) {
            closing.insert(page.number)
            dirty.insert(page.number)
        }

        let sourceSet = sources
        for page in state.open.sorted(by: { $0.number < $1.number }) where dirty.contains(page.number) {
            var members: [SyndicatedStory] = []
            for id in page.ids where !windowIDs.contains(id) {
                if let story = try await cache.story(id) { members.append(story) }
            }
            let path = Self.pagePath(page.number)
            let head = AtomDocumentHead(
                id: options.feed.id, title: options.feed.title, author: options.feed.title, fallbackUpdated: page.created,
                isArchive: true, links: pageLinks(page.number, count: state.pageCount))
            let xml = AtomFeedWriter.document(head: head, stories: AtomFeedWriter.ordered(members), sources: sourceSet)
            if try OutputFile.write(xml, to: root.appendingPathComponent(path)) { report.written.append(path) }
        }
        state.open.removeAll { closing.contains($0.number) }
        report.closed = closing.sorted()

        // The current document and its JSON twin.
        var current: [SyndicatedStory] = []
        for record in window { current.append(cache.story(for: record)) }
        current = AtomFeedWriter.ordered(current)
        let head = AtomDocumentHead(
            id: options.feed.id, title: options.feed.title, author: options.feed.title, fallbackUpdated: now,
            links: currentLinks(newestPage: state.pageCount))
        let atom = AtomFeedWriter.document(head: head, stories: current, sources: sourceSet)
        if try OutputFile.write(atom, to: root.appendingPathComponent("feed.atom")) { report.written.append("feed.atom") }
        let json = JSONFeedWriter.render(
            stories: current, sources: sourceSet, title: options.feed.title, homePage: url(for: "index.html"),
            feedURL: url(for: "feed.json"))
        if try OutputFile.write(json, to: root.appendingPathComponent("feed.json")) { report.written.append("feed.json") }

        report.written += try await publishSources(
            store: store, sources: sourceSet, touched: report.rebuilt ? nil : touched, cache: cache)

        state.window = window.map(\.id)
        state.renderedAt = now
        try AtomicFile.write(ArchiveJSON.encoder.encode(state), to: statePath)
        if freshLog {
            try AtomicFile.write(newlyAssigned.map { $0 + "\n" }.joined(), to: assignedPath)
        } else if !newlyAssigned.isEmpty {
            try OutputFile.append(newlyAssigned.map { $0 + "\n" }.joined(), to: assignedPath)
        }
        return report
    }

    /// Gives a story a place in the newest open page (a new page when that is full). `key` is
    /// nil for a re-issued story (it already counts as assigned).
    func assign(_ id: String, key: Key?, to state: inout State, now: Date, dirty: inout Set<Int>) {
        if let last = state.open.last, last.number == state.pageCount, last.ids.count < options.pageSize {
            state.open[state.open.count - 1].ids.append(id)
            dirty.insert(last.number)
        } else {
            if state.pageCount > 0, state.open.contains(where: { $0.number == state.pageCount }) {
                dirty.insert(state.pageCount)  // its next-archive link appears
            }
            state.pageCount += 1
            state.open.append(OpenPage(number: state.pageCount, ids: [id], created: now))
            dirty.insert(state.pageCount)
        }
        if let key {
            state.assigned += 1
            state.lastKey = max(state.lastKey ?? key, key)
        }
    }

    /// Gives every story that has no page yet one, in first-seen order (the first render, or
    /// after a run that ended between archiving and rendering). Reads every story: O(archive).
    func recover(_ state: inout State, store: ArchiveStore, newlyAssigned: inout [String], dirty: inout Set<Int>) async throws {
        var known = Set<String>()
        if state.pageCount > 0, let text = try? String(contentsOf: assignedPath, encoding: .utf8) {
            for line in text.split(separator: "\n") where line.count == 16 { known.insert(String(line)) }
        }
        for page in state.open { known.formUnion(page.ids) }
        let all = try await store.allStories()
        let missing = all.filter { !known.contains($0.id) }.sorted { Key($0) < Key($1) }
        for record in missing {
            assign(record.id, key: Key(record), to: &state, now: now(), dirty: &dirty)
            newlyAssigned.append(record.id)
        }
        state.assigned = all.count
    }

    /// The stories one publish has read (record, current revision's HTML and text), so that a
    /// story shown in several documents (feed.atom, a page, source feeds) is decoded from the
    /// index and read from its files once. Lives for one `publish`; never shared between tasks.
    final class StoryCache {
        let store: ArchiveStore
        private var stories: [String: SyndicatedStory] = [:]

        init(store: ArchiveStore) { self.store = store }

        /// The story with this id, nil when the archive has no such story.
        func story(_ id: String) async throws -> SyndicatedStory? {
            if let known = stories[id] { return known }
            guard let record = try await store.story(id) else { return nil }
            return story(for: record)
        }

        /// The story of a record already read.
        func story(for record: StoryRecord) -> SyndicatedStory {
            if let known = stories[record.id] { return known }
            let number = record.current.number
            let story = SyndicatedStory(
                record: record, html: (try? store.revisionFragment(of: record, revision: number)) ?? "",
                text: (try? store.revisionText(of: record, revision: number)) ?? "")
            stories[record.id] = story
            return story
        }
    }

    // MARK: Links

    /// The public URL of a file of the archive, when `feed.self` says where feed.atom is.
    func url(for path: String) -> URL? {
        guard let selfURL = options.feed.selfURL else { return nil }
        return URL(string: path, relativeTo: selfURL)?.absoluteURL
    }

    /// A link from the document at `from` to the file at `path` (both relative to the root):
    /// absolute when the public URL is known, else relative.
    func href(_ path: String, from: String) -> String {
        if let url = url(for: path) { return url.absoluteString }
        let fromFolder = from.split(separator: "/").dropLast().joined(separator: "/")
        if fromFolder.isEmpty { return path }
        if path.hasPrefix(fromFolder + "/") { return String(path.dropFirst(fromFolder.count + 1)) }
        return String(repeating: "../", count: fromFolder.split(separator: "/").count) + path
    }

    func currentLinks(newestPage: Int) -> [(rel: String, type: String?, href: String)] {
        var links: [(rel: String, type: String?, href: String)] = []
        if let selfURL = options.feed.selfURL { links.append(("self", "application/atom+xml", selfURL.absoluteString)) }
        links.append(("alternate", "text/html", href("index.html", from: "feed.atom")))
        links.append(("alternate", "application/feed+json", href("feed.json", from: "feed.atom")))
        links.append(("prev-archive", "application/atom+xml", href(Self.pagePath(newestPage), from: "feed.atom")))
        return links
    }

    func pageLinks(_ number: Int, count: Int) -> [(rel: String, type: String?, href: String)] {
        let path = Self.pagePath(number)
        var links: [(rel: String, type: String?, href: String)] = []
        if let url = url(for: path) { links.append(("self", "application/atom+xml", url.absoluteString)) }
        links.append(("current", "application/atom+xml", href("feed.atom", from: path)))
        if number > 1 { links.append(("prev-archive", "application/atom+xml", href(Self.pagePath(number - 1), from: path))) }
        if number < count { links.append(("next-archive", "application/atom+xml", href(Self.pagePath(number + 1), from: path))) }
        return links
    }

    // MARK: Per-source feeds

    /// The feed id of one source's feed, derived from the unified feed's id.
    func sourceFeedID(_ source: String) -> String {
        let id = options.feed.id
        if id.hasPrefix("tag:") || id.hasPrefix("urn:") { return "\(id):source:\(source)" }
        return id.hasSuffix("/") ? "\(id)source/\(source)" : "\(id)/source/\(source)"
    }

    struct RecentEntry: Codable {
        var id: String
        var updated: Double
    }

    static func isSafeSourceID(_ id: String) -> Bool {
        !id.isEmpty && id.utf8.allSatisfy { (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == 0x2D }
    }

    /// Renders `sources/<id>.atom` for every source a touched story was seen in (every source
    /// when `touched` is nil). Each source keeps its newest ids in `sources/.<id>.recent.json`.
    func publishSources(
        store: ArchiveStore, sources: [String: SourceInfo], touched: Set<String>?, cache: StoryCache
    ) async throws -> [String] {
        let limit = options.sourceEntries ?? options.feed.entries
        var changes: [String: [StoryRecord]] = [:]
        var full = false
        if let touched {
            for id in touched {
                guard let record = try await store.story(id) else { continue }
                for source in AtomFeedWriter.sourceIDs(record) { changes[source, default: []].append(record) }
            }
        } else {
            full = true
            for record in try await store.allStories() {
                for source in AtomFeedWriter.sourceIDs(record) { changes[source, default: []].append(record) }
            }
        }
        var written: [String] = []
        for (source, records) in changes.sorted(by: { $0.key < $1.key }) where Self.isSafeSourceID(source) {
            let recentURL = root.appendingPathComponent("sources/.\(source).recent.json")
            var recent: [RecentEntry] = []
            if !full, let data = try? Data(contentsOf: recentURL) {
                recent = (try? ArchiveJSON.decoder.decode([RecentEntry].self, from: data)) ?? []
            }
            let changed = Set(records.map(\.id))
            recent.removeAll { changed.contains($0.id) }
            recent += records.map { RecentEntry(id: $0.id, updated: $0.updated.timeIntervalSince1970) }
            recent.sort { ($0.updated, $0.id) > ($1.updated, $1.id) }
            recent = Array(recent.prefix(limit))
            var stories: [SyndicatedStory] = []
            let byID = Dictionary(records.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
            for entry in recent {
                if let record = byID[entry.id] {
                    stories.append(cache.story(for: record))
                } else if let story = try await cache.story(entry.id) {
                    stories.append(story)
                }
            }
            let path = "sources/\(source).atom"
            var links: [(rel: String, type: String?, href: String)] = []
            if let url = url(for: path) { links.append(("self", "application/atom+xml", url.absoluteString)) }
            if let info = sources[source] {
                links.append(("alternate", "text/html", (info.siteLink ?? info.link).absoluteString))
            }
            links.append(("related", "application/atom+xml", href("feed.atom", from: path)))
            let title = sources[source].map { "\(options.feed.title) – \($0.title)" } ?? "\(options.feed.title) – \(source)"
            let head = AtomDocumentHead(
                id: sourceFeedID(source), title: title, author: options.feed.title,
                fallbackUpdated: sources[source]?.updated ?? now(), links: links)
            let xml = AtomFeedWriter.document(head: head, stories: AtomFeedWriter.ordered(stories), sources: sources)
            if try OutputFile.write(xml, to: root.appendingPathComponent(path)) { written.append(path) }
            try AtomicFile.write(ArchiveJSON.encoder.encode(recent), to: recentURL)
        }
        return written
    }
}

/// JSON coding of the publisher's bookkeeping files.
enum ArchiveJSON {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .secondsSince1970
        return encoder
    }()

    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        return decoder
    }()
}

/// Output files: written atomically, and only when the bytes differ from what is on disk, so
/// that an unchanged document keeps its modification time (and a server's Last-Modified).
enum OutputFile {
    /// Writes `text` to `url` unless the file already holds exactly these bytes; returns
    /// whether it wrote.
    static func write(_ text: String, to url: URL) throws -> Bool {
        let bytes = Array(text.utf8)
        if let existing = FileManager.default.contents(atPath: url.path), existing.count == bytes.count,
            existing.elementsEqual(bytes)
        {
            return false
        }
        try AtomicFile.write(bytes, to: url)
        return true
    }

    /// Appends `text` to `url` (created if missing). Not atomic: used only for the recovery
    /// log, which tolerates a torn last line.
    static func append(_ text: String, to url: URL) throws {
        if !FileManager.default.fileExists(atPath: url.path) {
            try AtomicFile.write(text, to: url)
            return
        }
        let handle = try FileHandle(forWritingTo: url)
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(text.utf8))
        try handle.synchronize()
    }
}
