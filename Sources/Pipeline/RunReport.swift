public import FeedModel
public import Foundation

/// How one source's poll ended.
public struct SourceReport: Sendable, Equatable {
    /// A page or article of the source that could not be read; the source still succeeded.
    public struct PageFailure: Sendable, Equatable {
        public var url: URL
        public var reason: String
    }

    public var sourceID: SourceID
    /// Nil when the source succeeded; else the one-line reason (the kind first, e.g. `dns: …`).
    public var failure: String?
    /// Items the source showed (feed entries or article pages).
    public var items: Int = 0
    public var new: Int = 0
    public var known: Int = 0
    public var revised: Int = 0
    /// Stories found withdrawn in this poll.
    public var withdrawn: Int = 0
    /// Items with no article text.
    public var empty: Int = 0
    /// Changed texts not made revisions because their extraction looked broken.
    public var heldBack: Int = 0
    /// Article pages that answered 304 (archived and unchanged).
    public var unchanged: Int = 0
    /// The source itself answered 304.
    public var notModified = false
    /// Mean confidence of the articles extracted in this poll (nil when none was extracted).
    public var meanConfidence: Double?
    public var pageFailures: [PageFailure] = []
    /// Warnings, e.g. a feed that was not well-formed.
    public var warnings: [String] = []
    /// Set when the polled URL answered with a permanent redirect (301/308).
    public var permanentRedirect: PermanentRedirect?

    /// A permanent redirect of the source's URL, as seen in one poll.
    public struct PermanentRedirect: Sendable, Equatable {
        /// The URL polled, and where it has moved.
        public var from: URL
        public var to: URL
        /// Successful polls in a row that saw this redirect (this one included), and how many
        /// it takes before `to` is polled instead (0: never).
        public var polls: Int
        public var threshold: Int
        /// True when this poll made `to` the source's stored URL.
        public var adopted: Bool

        public init(from: URL, to: URL, polls: Int, threshold: Int, adopted: Bool) {
            self.from = from
            self.to = to
            self.polls = polls
            self.threshold = threshold
            self.adopted = adopted
        }

        /// The sentence `herold fetch` and the log show.
        public var sentence: String {
            if adopted {
                return "\(from.absoluteString) moved permanently to \(to.absoluteString) (\(polls) polls in a row); polling the new URL from now on"
            }
            let pending =
                threshold > 0
                ? "\(polls) of \(threshold) polls before the new URL is adopted"
                : "not adopted: permanent_redirect_polls is 0"
            return "\(from.absoluteString) redirects permanently to \(to.absoluteString) (\(pending))"
        }
    }

    public init(sourceID: SourceID) {
        self.sourceID = sourceID
    }

    /// Whether the source as a whole succeeded.
    public var succeeded: Bool { failure == nil }

    /// The line `herold fetch` prints for the source.
    public var line: String {
        if let failure { return "FAILED \(sourceID): \(failure)" }
        if notModified {
            return "ok     \(sourceID): not modified since the last poll"
                + (permanentRedirect.map { "; \($0.sentence)" } ?? "")
        }
        var text = "ok     \(sourceID): \(items) item\(items == 1 ? "" : "s"): \(new) new, \(known) already known"
        if revised > 0 { text += ", \(revised) revised" }
        if unchanged > 0 { text += ", \(unchanged) unchanged pages" }
        if withdrawn > 0 { text += ", \(withdrawn) withdrawn" }
        if heldBack > 0 { text += ", \(heldBack) changes held back" }
        if empty > 0 { text += ", \(empty) without text" }
        if !pageFailures.isEmpty {
            let first = pageFailures[0]
            text += "; \(pageFailures.count) page\(pageFailures.count == 1 ? "" : "s") failed"
            text += " (\(first.url.absoluteString): \(first.reason)\(pageFailures.count > 1 ? ", …" : ""))"
        }
        if let permanentRedirect { text += "; \(permanentRedirect.sentence)" }
        if !warnings.isEmpty { text += "; warning: \(warnings[0])" }
        return text
    }
}

/// The result of one poll round.
public struct RunReport: Sendable, Equatable {
    public var sources: [SourceReport]
    /// Set when the outputs could not be rendered or the archive could not be written.
    public var archiveError: String?
    /// Stories in the archive after the run.
    public var storyCount: Int

    public init(sources: [SourceReport], archiveError: String?, storyCount: Int) {
        self.sources = sources
        self.archiveError = archiveError
        self.storyCount = storyCount
    }

    /// Whether every source succeeded and the archive was written.
    public var succeeded: Bool { archiveError == nil && sources.allSatisfy(\.succeeded) }
}
