#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Substring search over UTF-8 bytes. `String.contains(_:)` goes through Foundation's
/// `NSString` bridge on Linux, which dominated the profile when called per element.
enum ByteSearch {
    /// The bytes with ASCII letters lower-cased (other bytes unchanged, so UTF-8 stays valid).
    static func asciiLowercased(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
        var result = Array(bytes)
        result.withUnsafeMutableBufferPointer { buffer in
            for index in buffer.indices where buffer[index] >= 0x41 && buffer[index] <= 0x5A { buffer[index] |= 0x20 }
        }
        return result
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
        guard text.count >= count, let haystack = text.baseAddress, let needle = pattern.baseAddress else { return false }
        // The C library's vectorized memchr finds each candidate first byte, memcmp checks the
        // rest: the 200 kB page prefix is scanned for every CMS marker that is not there.
        let first = Int32(needle.pointee)
        var start = haystack
        let lastStart = haystack + (text.count - count)
        while start <= lastStart {
            guard let found = memchr(start, first, lastStart - start + 1) else { return false }
            let candidate = UnsafePointer(found.assumingMemoryBound(to: UInt8.self))
            if memcmp(candidate + 1, needle + 1, count - 1) == 0 { return true }
            start = candidate + 1
        }
        return false
    }
}
