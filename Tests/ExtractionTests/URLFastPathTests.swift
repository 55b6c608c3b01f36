@testable import Extraction
import Foundation
import TestSupport
import Testing

/// The speed paths of the URL and byte search helpers hold against the general code they skip: each
/// test compares a fast path with the standard library (or the helper's own general path)
/// over inputs built to reach both sides of every shortcut.
@Suite("URL and byte search fast paths")
struct URLFastPathTests {
    @Test("the ASCII scheme reading agrees with the scalar one")
    func schemes() {
        for reference in [
            "https://a.example/", "JavaScript:alert(1)", " java\tscript:x", "java\u{0}script:x", "/path:x", "?q=a:b",
            "#frag:x", "1abc:def", ":x", "mailto:a@b", "relative/path", "", "  ", "jav&#x61;script:x", "DATA:text/html",
            "javascript:\u{301}x", "/\u{301}x:y", "ja\u{301}vascript:x", "java\u{200B}script:x", "java\u{A0}script:x",
            "vbscript:msgbox", "h\u{7F}ttp:x", "tel:+49",
        ] {
            #expect(URLTools.scheme(of: reference) == URLTools.schemeByScalars(reference), "\(reference.debugDescription)")
        }
        #expect(URLTools.scheme(of: " java\tscript:x") == "javascript")
        #expect(URLTools.scheme(of: "/path:x") == nil)
        #expect(URLTools.scheme(of: "1abc:def") == "")
    }

    @Test("references are resolved the same with or without surrounding white space and controls")
    func trimming() {
        let base = URL(string: "https://site.example/news/")
        #expect(URLTools.resolve("\t/a b\n", against: base) == URLTools.resolve("/a b", against: base))
        #expect(URLTools.resolve("\u{0}x.html\u{7F}", against: base)?.absoluteString == "https://site.example/news/x.html")
        #expect(URLTools.resolve("   ", against: base) == nil)
        #expect(URLTools.resolve("x.html", against: base)?.absoluteString == "https://site.example/news/x.html")
    }

    @Test("byte search finds needles at the ends, not across or past them")
    func byteSearch() {
        #expect(ByteSearch.contains("abc", ""))
        #expect(ByteSearch.contains("abc", "abc"))
        #expect(ByteSearch.contains("xxabc", "abc"))
        #expect(ByteSearch.contains("abcxx", "abc"))
        #expect(!ByteSearch.contains("ab", "abc"))
        #expect(!ByteSearch.contains("", "a"))
        #expect(!ByteSearch.contains("abxc", "abc"))
        #expect(ByteSearch.contains(Array("<meta generator=typo3>".utf8), "typo3"))
        #expect(!ByteSearch.contains(Array("<meta generator=typo>".utf8), "typo3"))
        #expect(ByteSearch.contains(Substring("für über"), "über"))
        #expect(ByteSearch.asciiLowercased(Array("ABC äÖ xyZ".utf8)[...]) == Array("abc äÖ xyz".utf8))
    }

    @Test("byte-level phrase ranges agree with repeated Foundation range(of:) searches")
    func phraseRangesAgreeWithFoundation() {
        var random = SplitMix64(state: 0xB17E5)
        let alphabet: [String] = ["a", "e", "o", "f", "t", "s", " ", ":", "é", "ü", "©", "ß", "–", "x", "🇩🇪"]
        let needles = ["foto", "fo", "o", "ss", "aa", "é", "©", "üs", "foto:", "tot", "a a"]
        var matches = 0
        for _ in 0..<3_000 {
            let text = String((0..<Int(random.next() % 40)).map { _ in alphabet[Int(random.next() % UInt64(alphabet.count))] }.joined())
            let start = Int(random.next() % 4)
            let haystack = text.dropFirst(min(start, text.count))
            for needle in needles {
                var expected: [Range<String.Index>] = []
                var from = haystack.startIndex
                while let range = haystack[from...].range(of: needle) {
                    expected.append(range)
                    from = range.upperBound
                }
                let found = ByteSearch.ranges(of: needle, in: haystack)
                #expect(found == expected, "\(needle) in \(haystack)")
                matches += found.count
            }
        }
        #expect(matches > 1_000)
        #expect(ByteSearch.ranges(of: "", in: "abc"[...]).isEmpty)
    }
}
