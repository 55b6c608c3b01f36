public import Foundation

/// What the archive remembers of one source between runs (`sources.json`): what the origin
/// calls itself, when it was last read, and how the last attempt ended.
public struct SourceState: Sendable, Equatable, Codable {
    public var id: String
    /// The feed's own title, else the configured name.
    public var title: String
    /// The URL Herold polls: the configured one, or where it has permanently moved (see
    /// `configuredURL`; `pollURL(configured:)` decides which applies).
    public var url: URL
    /// The feed's alternate (web site) link, if it has one.
    public var siteLink: URL?
    public var lastAttempt: Date?
    public var lastSuccess: Date?
    /// The last failure's kind and reason, cleared by a success.
    public var lastError: String?
    public var consecutiveFailures: Int
    /// Whether the source's entry ids can be story identities (see `GUIDPolicy`).
    public var guids: GUIDPolicy?
    /// When the source is due next (set after every poll; the daemon's schedule).
    public var nextPoll: Date?
    /// The stable kind of the last failure (`FetchErrorKind` raw value, or `parse`/`archive`).
    public var lastErrorKind: String?
    /// Stories first seen in this source, and the number of polls that found nothing new in a
    /// row (for the adaptive interval).
    public var quietPolls: Int?
    /// The interval the adaptive mode chose last, in seconds.
    public var adaptiveEvery: TimeInterval?
    /// The source's usual extraction confidence (moving average over its polls), and how many
    /// polls it is based on.
    public var confidence: Double?
    public var confidenceSamples: Int?
    /// Set when `url` replaced the feeds.yml URL after consistent permanent redirects: the
    /// feeds.yml URL it replaced. When feeds.yml names another URL, the override is void.
    public var configuredURL: URL?
    /// Where the polled URL redirected permanently (301/308) in the last successful polls, and
    /// in how many of them in a row; reset by a poll answered without a permanent redirect.
    public var movedTo: URL?
    public var movedPolls: Int?
    /// The feed's last `<ttl>` in seconds (kept so a 304, which is not parsed, still honours it).
    public var ttl: TimeInterval?

    public init(
        id: String, title: String, url: URL, siteLink: URL? = nil, lastAttempt: Date? = nil, lastSuccess: Date? = nil,
        lastError: String? = nil, consecutiveFailures: Int = 0
    ) {
        self.id = id
        self.title = title
        self.url = url
        self.siteLink = siteLink
        self.lastAttempt = lastAttempt
        self.lastSuccess = lastSuccess
        self.lastError = lastError
        self.consecutiveFailures = consecutiveFailures
    }

    enum CodingKeys: String, CodingKey {
        case id, title, url
        case siteLink = "site_link"
        case lastAttempt = "last_attempt"
        case lastSuccess = "last_success"
        case lastError = "last_error"
        case consecutiveFailures = "consecutive_failures"
        case guids
        case nextPoll = "next_poll"
        case lastErrorKind = "last_error_kind"
        case quietPolls = "quiet_polls"
        case adaptiveEvery = "adaptive_every"
        case confidence
        case confidenceSamples = "confidence_samples"
        case configuredURL = "configured_url"
        case movedTo = "moved_to"
        case movedPolls = "moved_polls"
        case ttl
    }

    /// The URL to poll for a source configured with `configured`: `url` when it is a stored
    /// permanent-redirect override of that very URL, else `configured` (the operator changed
    /// feeds.yml, or nothing moved).
    public func pollURL(configured: URL) -> URL {
        configuredURL == configured ? url : configured
    }
}

/// `sources.json` in the archive root: every source's `SourceState`, written atomically.
public enum SourceStates {
    /// Reads the states; a missing file is an empty set, an unreadable one is an error.
    public static func read(archive root: URL) throws -> [String: SourceState] {
        let url = root.appendingPathComponent("sources.json")
        guard FileManager.default.fileExists(atPath: url.path) else { return [:] }
        let list = try ArchiveStore.decoder.decode([SourceState].self, from: Data(contentsOf: url))
        return Dictionary(list.map { ($0.id, $0) }, uniquingKeysWith: { _, last in last })
    }

    /// Writes the states, sorted by id.
    public static func write(_ states: [String: SourceState], archive root: URL) throws {
        let list = states.values.sorted { $0.id < $1.id }
        try AtomicFile.write(ArchiveStore.encoder.encode(list), to: root.appendingPathComponent("sources.json"))
    }
}
