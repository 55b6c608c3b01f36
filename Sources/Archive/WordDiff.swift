/// A word-level difference between two texts (for `herold show --diff`).
public enum WordDiff {
    /// One run of words: kept in both, removed from the old text, or inserted in the new one.
    public enum Part: Equatable, Sendable {
        case same(String)
        case removed(String)
        case inserted(String)
    }

    /// The difference from `old` to `new` as runs of words (whitespace-separated), in order.
    public static func diff(from old: String, to new: String) -> [Part] {
        let a = old.split(whereSeparator: \.isWhitespace).map(String.init)
        let b = new.split(whereSeparator: \.isWhitespace).map(String.init)
        let difference = b.difference(from: a)
        var removed = Set<Int>()
        var inserted = Set<Int>()
        for change in difference {
            switch change {
            case .remove(let offset, _, _): removed.insert(offset)
            case .insert(let offset, _, _): inserted.insert(offset)
            }
        }
        // Walk both sequences: removals are positions in `a`, insertions positions in `b`.
        var parts: [Part] = []
        func append(_ part: Part) {
            switch (parts.last, part) {
            case (.same(let x)?, .same(let y)): parts[parts.count - 1] = .same(x + " " + y)
            case (.removed(let x)?, .removed(let y)): parts[parts.count - 1] = .removed(x + " " + y)
            case (.inserted(let x)?, .inserted(let y)): parts[parts.count - 1] = .inserted(x + " " + y)
            default: parts.append(part)
            }
        }
        var i = 0
        var j = 0
        while i < a.count || j < b.count {
            if i < a.count, removed.contains(i) {
                append(.removed(a[i]))
                i += 1
            } else if j < b.count, inserted.contains(j) {
                append(.inserted(b[j]))
                j += 1
            } else if i < a.count, j < b.count {
                append(.same(a[i]))
                i += 1
                j += 1
            } else {
                break
            }
        }
        return parts
    }

    /// The difference as text: removed words as `[-…-]`, inserted ones as `{+…+}` (wdiff style).
    public static func render(_ parts: [Part]) -> String {
        parts.map { part in
            switch part {
            case .same(let words): words
            case .removed(let words): "[-\(words)-]"
            case .inserted(let words): "{+\(words)+}"
            }
        }.joined(separator: " ")
    }
}
