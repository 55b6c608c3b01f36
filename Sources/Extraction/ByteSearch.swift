/// Substring search over UTF-8 bytes. `String.contains(_:)` goes through Foundation's
/// `NSString` bridge on Linux, which dominated the profile when called per element.
enum ByteSearch {
    /// The bytes with ASCII letters lower-cased (other bytes unchanged, so UTF-8 stays valid).
    static func asciiLowercased(_ bytes: some Collection<UInt8>) -> [UInt8] {
        bytes.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }
    }

    /// Whether `needle` occurs in `haystack` (byte-exact).
    static func contains(_ haystack: [UInt8], _ needle: String) -> Bool {
        var needle = needle
        return needle.withUTF8 { pattern in
            haystack.withUnsafeBufferPointer { contains($0, pattern) }
        }
    }

    /// Whether `needle` occurs in `haystack` (byte-exact, both strings as UTF-8).
    static func contains(_ haystack: String, _ needle: String) -> Bool {
        var needle = needle
        var haystack = haystack
        return haystack.withUTF8 { text in
            needle.withUTF8 { pattern in contains(text, pattern) }
        }
    }

    /// Whether `needle` occurs in `haystack` (byte-exact, both strings as UTF-8).
    static func contains(_ haystack: Substring, _ needle: String) -> Bool {
        var needle = needle
        var haystack = haystack
        return haystack.withUTF8 { text in
            needle.withUTF8 { pattern in contains(text, pattern) }
        }
    }

    private static func contains(_ text: UnsafeBufferPointer<UInt8>, _ pattern: UnsafeBufferPointer<UInt8>) -> Bool {
        let count = pattern.count
        guard count > 0 else { return true }
        guard text.count >= count else { return false }
        let first = pattern[0]
        var index = 0
        let last = text.count - count
        while index <= last {
            if text[index] == first {
                var matched = 1
                while matched < count && text[index + matched] == pattern[matched] { matched += 1 }
                if matched == count { return true }
            }
            index += 1
        }
        return false
    }
}
