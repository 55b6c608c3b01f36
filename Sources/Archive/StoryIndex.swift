/// The lookups dedup needs, kept behind a protocol so that the embedded index can be replaced
/// (an SQLite index, or PostgreSQL for several instances) without touching the archive logic.
public protocol StoryIndex: Sendable {
    /// The story whose text (any revision) has this content hash.
    func story(forHash hash: String) -> String?
    /// The story this identity key leads to.
    func story(forIdentity key: String) -> String?
    /// Records a story's hashes and identity keys (after its meta.json was written).
    mutating func add(_ record: StoryRecord)
}

/// The default index: in memory, rebuilt from the meta.json files when the archive is opened.
public struct MemoryStoryIndex: StoryIndex {
    private var hashes: [String: String] = [:]
    private var identities: [String: String] = [:]

    public init() {}

    public func story(forHash hash: String) -> String? { hashes[hash] }
    public func story(forIdentity key: String) -> String? { identities[key] }

    public mutating func add(_ record: StoryRecord) {
        for revision in record.revisions where hashes[revision.hash] == nil {
            hashes[revision.hash] = record.id
        }
        for key in record.identities where identities[key] == nil {
            identities[key] = record.id
        }
    }
}
