public import Foundation
public import FeedModel

/// One sighting of an article: what a source showed at one place at one time. The archive turns
/// observations into stories: a new story, a further place of a known story, or a new revision.
public struct Observation: Sendable, Equatable {
    /// The source it was seen in.
    public var sourceID: SourceID
    /// Where it was seen: the article page, or the feed entry's link.
    public var place: URL
    /// The feed entry's id (GUID), when it came from a feed whose ids are usable.
    public var guid: String?
    /// The article as extracted (its text and sanitized HTML are archived).
    public var article: Article
    /// When it was seen.
    public var seenAt: Date

    public init(sourceID: SourceID, place: URL, guid: String? = nil, article: Article, seenAt: Date) {
        self.sourceID = sourceID
        self.place = place
        self.guid = guid
        self.article = article
        self.seenAt = seenAt
    }

    /// The identity keys of this observation, strongest first (DESIGN.md §1 / issue 5 ladder):
    /// the feed GUID (scoped to its source), then the canonical URL, then the place's URL.
    var identityKeys: [String] {
        var keys: [String] = []
        if let guid, !guid.isEmpty { keys.append("guid:\(sourceID):\(guid)") }
        for url in [article.canonical, place] {
            if let normalized = url?.normalizedForIdentity?.absoluteString, !keys.contains("url:\(normalized)") {
                keys.append("url:\(normalized)")
            }
        }
        return keys
    }
}

/// What the archive did with an observation.
public enum IngestOutcome: Sendable, Equatable {
    /// A story that was not archived before.
    case new(storyID: String)
    /// The same text is already archived: a further place (or a repeat sighting) was recorded.
    case known(storyID: String)
    /// A known story (same identity) with a changed text: revision `number` was written.
    case revised(storyID: String, revision: Int)
    /// Nothing to archive (empty text).
    case skipped(reason: String)
    /// A changed text of a known story that was not made a revision (`allowRevision: false`,
    /// e.g. because its extraction looked broken): the last good revision stays current.
    case heldBack(storyID: String)
}
