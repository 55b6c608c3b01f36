public import Archive
public import FeedModel
public import Foundation
import Syndication

/// Renders the output documents from the archive (never from a fetch in flight): the feeds
/// (feed.atom and its archive documents, feed.json, per-source feeds) and the static site. The site is incremental: only the pages of stories that changed in this
/// run (and their months) are rewritten, plus index.html; a missing index.html means a site
/// that was never rendered, and then every page is.
public struct OutputRenderer: Sendable {
    public var configuration: Configuration
    public var now: @Sendable () -> Date

    public init(configuration: Configuration, now: @escaping @Sendable () -> Date = { Date() }) {
        self.configuration = configuration
        self.now = now
    }

    /// Renders the feeds and the site pages of `touched` stories (every story when `touched` is
    /// nil or the site has never been rendered).
    public func render(store: ArchiveStore, states: [String: SourceState], touched: Set<String>?) async throws {
        try await renderFeed(store: store, states: states, touched: touched)
        try await renderSite(store: store, touched: touched)
    }

    public func renderSite(store: ArchiveStore, touched: Set<String>?) async throws {
        let root = configuration.archive
        let title = configuration.feed.title
        let full = touched == nil || !FileManager.default.fileExists(atPath: root.appendingPathComponent("index.html").path)
        var records: [StoryRecord] = []
        if full {
            records = try await store.allStories()
        } else {
            for id in touched ?? [] {
                if let record = try await store.story(id) { records.append(record) }
            }
        }
        var months = Set<String>()
        for record in records {
            months.insert(record.month)
            var related: [StoryRecord] = []
            for id in record.related ?? [] {
                if let other = try await store.story(id) { related.append(other) }
            }
            let html = (try? store.revisionFragment(of: record, revision: record.current.number)) ?? ""
            let page = SiteWriter.story(record, html: html, title: title, related: related)
            try AtomicFile.write(page, to: root.appendingPathComponent(record.folder).appendingPathComponent("index.html"))
        }
        for month in months {
            let page = SiteWriter.month(month, title: title, stories: try await store.listings(inMonth: month))
            try AtomicFile.write(page, to: root.appendingPathComponent("items/\(month)/index.html"))
        }
        let index = SiteWriter.index(
            title: title, newest: try await store.newestListings(limit: 200), months: try await store.months(),
            total: try await store.count())
        try AtomicFile.write(index, to: root.appendingPathComponent("index.html"))
    }

    /// feed.atom with its RFC 5005 archive documents, feed.json and the per-source feeds
    /// (`FeedPublisher`: incremental, only what `touched` changed is rewritten). Returns the
    /// files written, relative to the archive root.
    @discardableResult
    public func renderFeed(store: ArchiveStore, states: [String: SourceState], touched: Set<String>?) async throws
        -> [String]
    {
        let configured = Dictionary(configuration.sources.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        var sources: [String: SourceInfo] = [:]
        for (id, state) in states {
            sources[id] = SourceInfo(
                id: id, title: state.title, link: state.url, siteLink: state.siteLink,
                updated: state.lastSuccess ?? state.lastAttempt ?? now(), categories: configured[id]?.categories ?? [],
                rights: configured[id]?.rights)
        }
        let settings = AtomFeedSettings(
            id: configuration.feed.id, title: configuration.feed.title, selfURL: configuration.feed.selfURL,
            entries: configuration.feed.entries)
        let publisher = FeedPublisher(root: configuration.archive, options: FeedPublisher.Options(feed: settings), now: now)
        return try await publisher.publish(store: store, sources: sources, touched: touched).written
    }
}
