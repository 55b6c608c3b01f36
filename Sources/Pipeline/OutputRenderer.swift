import Archive
import FeedModel
import Foundation
import Syndication

/// Renders the output documents from the archive (never from a fetch in flight).
struct OutputRenderer {
    var configuration: Configuration
    var now: @Sendable () -> Date

    func render(store: ArchiveStore, states: [String: SourceState]) async throws {
        let newest = try await store.newest(limit: configuration.feed.entries)
        var stories: [SyndicatedStory] = []
        for record in newest {
            let number = record.current.number
            let html = (try? store.revisionFragment(of: record, revision: number)) ?? ""
            let text = (try? store.revisionText(of: record, revision: number)) ?? ""
            stories.append(SyndicatedStory(record: record, html: html, text: text))
        }
        var sources: [String: SourceInfo] = [:]
        for (id, state) in states {
            sources[id] = SourceInfo(
                id: id, title: state.title, link: state.url, siteLink: state.siteLink,
                updated: state.lastSuccess ?? state.lastAttempt ?? now())
        }
        let settings = AtomFeedSettings(
            id: configuration.feed.id, title: configuration.feed.title, selfURL: configuration.feed.selfURL,
            entries: configuration.feed.entries)
        let atom = AtomFeedWriter.render(stories: stories, sources: sources, settings: settings, generatedAt: now())
        try AtomicFile.write(atom, to: configuration.archive.appendingPathComponent("feed.atom"))
    }
}
