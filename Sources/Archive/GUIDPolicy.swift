public import Foundation

/// Decides whether a feed's entry ids (RSS `guid`, Atom `id`) can serve as story identities.
/// Some CMSs emit ids that change on every fetch or repeat across items; for such a source
/// the identity ladder steps down to the canonical URL.
public struct GUIDPolicy: Sendable, Equatable, Codable {
    /// Link → id as seen in the previous poll.
    public var previous: [String: String]
    /// Set once the ids have been found unusable; sticky for the source.
    public var unusable: Bool
    /// Why the ids were found unusable.
    public var reason: String?

    public init(previous: [String: String] = [:], unusable: Bool = false, reason: String? = nil) {
        self.previous = previous
        self.unusable = unusable
        self.reason = reason
    }

    /// Evaluates one poll's entries (id, link) and returns whether ids are usable now.
    /// Ids are unusable when one id appears on two different links in one document, or when a
    /// link that was seen before comes back with a different id (ids regenerated per fetch).
    public mutating func evaluate(_ entries: [(id: String?, link: URL?)]) -> Bool {
        var linkByID: [String: String] = [:]
        var current: [String: String] = [:]
        for entry in entries {
            guard let id = entry.id, !id.isEmpty, let link = entry.link?.absoluteString else { continue }
            if let other = linkByID[id], other != link, !unusable {
                unusable = true
                reason = "the id \"\(id)\" is used by two entries"
            }
            linkByID[id] = link
            current[link] = id
        }
        if !unusable {
            let changed = current.filter { link, id in previous[link].map { $0 != id } ?? false }
            // One changed id can be an edit; most of them changing is a generator that makes ids per fetch.
            if !changed.isEmpty, changed.count * 2 >= max(1, current.keys.filter { previous[$0] != nil }.count) {
                unusable = true
                reason = "ids changed between two polls for the same links (\(changed.count) of \(current.count))"
            }
        }
        previous = current
        return !unusable
    }
}
