import Foundation

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

    /// `text.contains(needle)` — Foundation's search, which matches canonically equivalent
    /// text in whole characters — for a needle with no other canonically equivalent form (ASCII
    /// text, `©`): a match needs the needle's own bytes, so without them the answer is no. In
    /// ASCII text every byte is a character of its own (CR LF aside, which a needle without CR
    /// and LF cannot split), so for an ASCII needle the bytes decide; other texts ask Foundation.
    static func containsText(_ text: String, _ needle: String) -> Bool {
        guard contains(text, needle) else { return false }
        if needle.utf8.allSatisfy({ $0 < 0x80 && $0 != 0x0A && $0 != 0x0D }), text.utf8.allSatisfy({ $0 < 0x80 }) {
            return true
        }
        return text.contains(needle)
    }

    /// `containsText` of a substring.
    static func containsText(_ text: Substring, _ needle: String) -> Bool {
        guard contains(text, needle) else { return false }
        if needle.utf8.allSatisfy({ $0 < 0x80 && $0 != 0x0A && $0 != 0x0D }), text.utf8.allSatisfy({ $0 < 0x80 }) {
            return true
        }
        return text.contains(needle)
    }

    /// Where `needle` occurs in `haystack`, byte for byte (UTF-8), left to right, each search
    /// going on after the previous match (as repeated `range(of:)` calls would). A needle that
    /// starts with a letter or a symbol always matches at the start of a character.
    static func ranges(of needle: String, in haystack: Substring) -> [Range<String.Index>] {
        guard !needle.isEmpty else { return [] }
        var needle = needle
        var text = haystack
        let offsets: [Int] = text.withUTF8 { text in
            needle.withUTF8 { pattern in
                var found: [Int] = []
                var from = 0
                while let offset = firstOffset(text, pattern, from: from) {
                    found.append(offset)
                    from = offset + pattern.count
                }
                return found
            }
        }
        let length = needle.utf8.count
        let utf8 = haystack.utf8
        return offsets.map { offset in
            let lower = utf8.index(utf8.startIndex, offsetBy: offset)
            return lower..<utf8.index(lower, offsetBy: length)
        }
    }

    private static func contains(_ text: UnsafeBufferPointer<UInt8>, _ pattern: UnsafeBufferPointer<UInt8>) -> Bool {
        firstOffset(text, pattern, from: 0) != nil
    }

    /// The offset of the first occurrence of `pattern` in `text` at or after `from`.
    private static func firstOffset(_ text: UnsafeBufferPointer<UInt8>, _ pattern: UnsafeBufferPointer<UInt8>, from: Int)
        -> Int?
    {
        let count = pattern.count
        guard count > 0 else { return from <= text.count ? from : nil }
        guard from >= 0, text.count - from >= count, let base = text.baseAddress, let needle = pattern.baseAddress
        else { return nil }
        // The C library's vectorized memchr finds each candidate first byte, memcmp checks the
        // rest: the 200 kB page prefix is scanned for every CMS marker that is not there.
        let first = Int32(needle.pointee)
        var start = base + from
        let lastStart = base + (text.count - count)
        while start <= lastStart {
            guard let found = memchr(start, first, lastStart - start + 1) else { return nil }
            let candidate = UnsafePointer(found.assumingMemoryBound(to: UInt8.self))
            if memcmp(candidate + 1, needle + 1, count - 1) == 0 { return candidate - base }
            start = candidate + 1
        }
        return nil
    }
}
