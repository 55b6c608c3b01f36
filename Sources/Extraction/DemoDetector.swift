/// Recognizes CMS demo and placeholder blocks by signal: lorem-ipsum vocabulary, placeholder
/// words, style-guide headings that name their own markup, and CMS render errors.
enum DemoDetector {
    /// Whether a text is lorem-ipsum filler: at least three distinct filler words that make up
    /// at least a third of the words, or the classic opening.
    static func isLorem(_ text: String) -> Bool { isLorem(lowercased: TextTools.lowercased(text)) }

    /// `isLorem` over lower-cased text, without allocating: words are scanned as UTF-8 bytes
    /// and packed into integers (5 bits a letter), which is how the vocabulary is stored.
    static func isLorem(lowercased lower: String) -> Bool {
        if lower.hasPrefix("lorem ipsum") { return true }
        var words = 0
        var hits = 0
        var distinct = Set<UInt64>()
        var packed: UInt64 = 0
        var length = 0
        var plain = true
        func endWord() {
            guard length > 0 else { return }
            words += 1
            if plain, length <= 12, loremKeys.contains(packed) {
                hits += 1
                distinct.insert(packed)
            }
            packed = 0
            length = 0
            plain = true
        }
        for byte in lower.utf8 {
            if byte >= 0x61 && byte <= 0x7A {
                if length < 12 { packed = packed << 5 | UInt64(byte - 0x60) }
                length += 1
            } else if byte >= 0x80 {
                // Letters outside ASCII (and any other non-ASCII scalar) belong to the word,
                // which can then not be Latin filler.
                plain = false
                length += 1
            } else {
                endWord()
            }
        }
        endWord()
        return distinct.count >= 3 && Double(hits) >= Double(words) / 3
    }

    /// The lorem vocabulary packed as `isLorem(lowercased:)` packs words.
    private static let loremKeys: Set<UInt64> = Set(
        Rules.loremWords.filter { $0.utf8.count <= 12 }.map { word in
            word.utf8.reduce(UInt64(0)) { $0 << 5 | UInt64($1 - 0x60) }
        })

    /// Whether a text names itself as placeholder ("Blindtext", "Platzhalter", pangrams).
    static func isPlaceholder(_ text: String) -> Bool {
        let lower = TextTools.lowercased(text)
        return Rules.placeholderMarkers.contains { ByteSearch.contains(lower, $0) }
    }

    /// Whether a text is a CMS render error or framework exception line.
    static func isCMSError(_ text: String) -> Bool {
        let lower = TextTools.lowercased(text)
        if Rules.cmsErrorMarkers.contains(where: { ByteSearch.contains(lower, $0) }) { return true }
        return lower.hasPrefix("error:") && ByteSearch.contains(lower, "uid")
    }

    /// Whether a heading (or caption) is a style-guide sample heading.
    static func isStyleguideHeading(_ text: String) -> Bool { isStyleguideHeading(phraseKey: TextTools.phraseKey(text)) }

    /// `isStyleguideHeading` of a text whose `TextTools.phraseKey` is `key`.
    static func isStyleguideHeading(phraseKey key: String) -> Bool {
        guard !key.isEmpty, key.count <= 80 else { return false }
        if Rules.styleguideHeadingExact.contains(key) { return true }
        if Rules.styleguideHeadingPrefixes.contains(where: { key.hasPrefix($0) }) { return true }
        if Rules.styleguideHeadingParts.contains(where: { ByteSearch.contains(key, $0) }) { return true }
        return namesHeadingLevel(key) || namesColumnLayout(key)
    }

    /// "headline h3", "überschrift h2": a heading that names its own level.
    private static func namesHeadingLevel(_ key: String) -> Bool {
        // Every string that `range(of:)` can match to a marker (canonically equivalent to it)
        // holds "headline h" or "berschrift h" as bytes: leave the others without Foundation.
        guard ByteSearch.contains(key, "headline h") || ByteSearch.contains(key, "berschrift h") else { return false }
        for marker in ["headline h", "überschrift h"] {
            var rest = Substring(key)
            while let range = rest.range(of: marker) {
                let after = rest[range.upperBound...]
                if let digit = after.first, ("1"..."6").contains(digit),
                    after.dropFirst().first.map({ !$0.isLetter && !$0.isNumber }) ?? true
                {
                    return true
                }
                rest = after
            }
        }
        return false
    }

    /// "2 Spalter", "3-Spalter mit Teasern": a heading that names a column layout.
    private static func namesColumnLayout(_ key: String) -> Bool {
        guard let first = key.first, first.isNumber else { return false }
        let rest = key.dropFirst().drop { $0 == " " || $0 == "-" }
        return rest.hasPrefix("spalter")
    }

    /// Whether any demo signal fires for a block of text.
    static func isDemo(_ text: String, isHeading: Bool) -> Bool {
        isDemo(text, lowercased: TextTools.lowercased(text), phraseKey: nil, count: text.count, isHeading: isHeading)
    }

    /// `isDemo` with what the block filter has at hand: `lower` is `TextTools.lowercased(text)`,
    /// `phraseKey` (if given) `TextTools.phraseKey(text)`, `count` is `text.count`.
    static func isDemo(_ text: String, lowercased lower: String, phraseKey: String?, count: Int, isHeading: Bool) -> Bool {
        if isLorem(lowercased: lower) || Rules.cmsErrorMarkers.contains(where: { ByteSearch.contains(lower, $0) }) {
            return true
        }
        if lower.hasPrefix("error:") && ByteSearch.contains(lower, "uid") { return true }
        if count < 400 && Rules.placeholderMarkers.contains(where: { ByteSearch.contains(lower, $0) }) { return true }
        if count <= 80 || isHeading,
            isStyleguideHeading(phraseKey: phraseKey ?? TextTools.phraseKey(text)) && (isHeading || count <= 60)
        {
            return true
        }
        return false
    }
}
