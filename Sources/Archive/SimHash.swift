import FeedModel

/// 64-bit SimHash of a text (Charikar): near-identical texts have hashes a few bits apart, so
/// a story republished with small edits by another source can be linked as related.
///
/// Features are the words of the lower-cased normalized text (each occurrence counts), hashed
/// with FNV-1a (deterministic across processes, unlike Swift's seeded `Hasher`). Words rather
/// than shingles keep press-release-sized texts (a few hundred words) stable under small edits.
public enum SimHash {
    /// The SimHash of `text`; 0 for a text without words.
    public static func of(_ text: String) -> UInt64 {
        let words = text.normalizedForHash.lowercased().split { !$0.isLetter && !$0.isNumber }
        guard !words.isEmpty else { return 0 }
        var weights = [Int](repeating: 0, count: 64)
        for word in words {
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325
            for byte in word.utf8 {
                hash ^= UInt64(byte)
                hash &*= 0x0000_0100_0000_01b3
            }
            // FNV's low bits mix poorly for short inputs: finish with a 64-bit avalanche (splitmix64).
            hash = (hash ^ (hash >> 30)) &* 0xbf58_476d_1ce4_e5b9
            hash = (hash ^ (hash >> 27)) &* 0x94d0_49bb_1331_11eb
            hash ^= hash >> 31
            for bit in 0..<64 {
                weights[bit] += (hash >> UInt64(bit)) & 1 == 1 ? 1 : -1
            }
        }
        var result: UInt64 = 0
        for bit in 0..<64 where weights[bit] > 0 {
            result |= 1 << UInt64(bit)
        }
        return result
    }

    /// The number of differing bits.
    public static func distance(_ a: UInt64, _ b: UInt64) -> Int {
        (a ^ b).nonzeroBitCount
    }

    /// At most this many differing bits (of 64) make two stories related.
    public static let relatedThreshold = 3
}
