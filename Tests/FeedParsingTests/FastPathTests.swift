import Foundation
import Markup
import Testing
import TestSupport

@testable import FeedParsing

/// The byte-level fast paths of the parser against the general (Foundation / `Character`)
/// code they short-cut: over generated inputs, each fast path either declines or yields
/// exactly what the general code yields.
@Suite struct FastPathTests {
    /// SplitMix64, fixed seeds: the same inputs every run.
    typealias Random = SplitMix64

    /// The resolution as it was before the fast path: Foundation throughout.
    static func foundationResolve(_ raw: String, base: URL?) -> URL? {
        var text = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { return nil }
        if text.contains(where: { $0 == " " || !$0.isASCII || $0 == "\n" || $0 == "\t" }) {
            var allowed = CharacterSet.urlFragmentAllowed
            allowed.insert(charactersIn: "#%[]")
            text = text.replacingOccurrences(of: "\n", with: "").replacingOccurrences(of: "\t", with: "")
            text = text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
        }
        if let absolute = URL(string: text), absolute.scheme != nil { return absolute }
        if let base, let relative = URL(string: text, relativeTo: base) { return relative.absoluteURL }
        return URL(string: text)
    }

    static let bases = [
        "https://ministerium.example/presse/", "https://ministerium.example/presse/12/", "https://ministerium.example",
        "http://a.example:8080/x/y/z.html?q=1#top", "https://a.example/dir/file", "https://a.example/", "http://a.example/a//b/",
        "https://a.example/%C3%A4/x", "https://a.example/a/./b/", "https://a.example/a/../b", "ftp://a.example/pub/",
        "https://user@a.example/x/", "https://a.example/~user/(x)/",
    ]

    static let pieces = [
        "a", "b", "bild.jpg", "/", "//", ".", "..", "./", "../", "?", "?q=1", "&", "=", "#", "#frag", "%20", "%C3%A4", "%zz",
        "%", ":", "@", "~", "-", "_", "!", "$", "'", "(", ")", "*", "+", ",", ";", " ", "\t", "\n", "ä", "[", "]", "|", "\"",
        "<", "http:", "https://", "http://", "mailto:", "x.example", "a.example:8080", "a.example:", "A", "HTTP://", "-x",
        "..", "/..", "/.", "javascript:", "\u{0}", "\r\n", "{", "`", "^", "\\", "%2e", "%2E%2E", "/%2e/", ".%2e",
    ]

    static func reference(_ random: inout Random) -> String {
        (0..<Int.random(in: 1...6, using: &random)).map { _ in pieces.randomElement(using: &random)! }.joined()
    }

    @Test func urlFastPathAgreesWithFoundation() throws {
        var random = Random(state: 20_261_129)
        var handled = 0
        var references = [
            "https://ministerium.example/presse/3", "/presse/3/bild.jpg", "bilder/3-1.jpg", "anhang-1.pdf?x=1#s",
            "a:b/c", "a/b:c", "/a/./b", "./a", "../a", "a/..", "//cdn.example/x", "?q", "#f", "", " a", "a ",
        ]
        for _ in 0..<6000 { references.append(Self.reference(&random)) }
        for raw in references {
            for baseText in Self.bases + [nil] {
                let base = baseText.flatMap(URL.init(string:))
                let expected = Self.foundationResolve(raw, base: base)
                let kind = URLResolution.classify(raw)
                if kind == .absolute {
                    #expect(URL(string: raw)?.scheme != nil, "\(raw)")
                }
                guard let fast = URLResolution.resolved(raw, base: base.map { URLResolution.Base($0) }) else { continue }
                handled += 1
                #expect(fast == expected?.absoluteString, "\(raw) against \(baseText ?? "nil")")
                #expect(URL(string: fast)?.absoluteString == fast, "\(fast)")
                #expect(HTMLText.resolveURL(raw, base: base) == expected, "\(raw) against \(baseText ?? "nil")")
            }
        }
        // The fast path must cover a real share of the cases, or this test checks nothing.
        #expect(handled > 5000)
    }

    @Test func hrefRewritingAgreesWithFoundation() {
        var random = Random(state: 7)
        let base = URL(string: "https://ministerium.example/presse/12/")!
        for _ in 0..<3000 {
            let value = Self.reference(&random).replacingOccurrences(of: "\"", with: "")
            let html = "<p><a href=\"\(value)\">x</a> <img src=\"\(value)\" alt=\"y\"></p>"
            // The rewriting before the fast path: decode, skip fragments and URLs with a scheme.
            let decoded = HTMLText.decodeEntities(value)
            let expected: String
            if !decoded.isEmpty, !decoded.hasPrefix("#"), URL(string: decoded)?.scheme == nil,
                let resolved = Self.foundationResolve(decoded, base: base)
            {
                expected = HTMLText.escape(resolved.absoluteString)
            } else {
                expected = value
            }
            let want = "<p><a href=\"\(expected)\">x</a> <img src=\"\(expected)\" alt=\"y\"></p>"
            #expect(HTMLText.resolvingURLs(inHTML: html, base: base) == want, "\(value)")
        }
    }

    static let textPieces = [
        "a", "Straße", "Ärger", " ", "  ", "\t", "\n", "\r\n", "\u{A0}", "\u{85}", "\u{2028}", "\u{202F}", "\u{3000}",
        "\u{301}", " \u{301}", "\u{200D}", "„Zitat“", "–", "€", "…", "👍🏽", "\u{1F1E9}\u{1F1EA}", "\u{600}", "x\u{308}",
        "\u{0B}", "\u{0C}", "\r", "ǅ", "\u{2B0}", "‼", "\u{FEFF}", "中文",
    ]

    @Test func collapseWhitespaceAgreesWithCharacterAlgorithm() {
        var random = Random(state: 99)
        var fast = 0
        for _ in 0..<20_000 {
            let text = (0..<Int.random(in: 0...8, using: &random)).map { _ in Self.textPieces.randomElement(using: &random)! }
                .joined()
            var copy = text
            if copy.withUTF8({ HTMLText.isPlainScalarText($0) }) { fast += 1 }
            #expect(HTMLText.collapseWhitespace(text) == HTMLText.collapseWhitespaceByCharacter(text), "\(Array(text.unicodeScalars))")
        }
        #expect(fast > 2000)
    }

    @Test func trimmingAndContainsAgreeWithFoundation() {
        var random = Random(state: 5)
        let pieces = [" ", "\t", "html", "HTML", "text/", "x", "ä", "\u{A0}", "\n", "ht", "ml", "\u{301}", "l"]
        for _ in 0..<5000 {
            let text = (0..<Int.random(in: 0...5, using: &random)).map { _ in pieces.randomElement(using: &random)! }.joined()
            #expect(HTMLText.trimmingSpaces(text) == text.trimmingCharacters(in: .whitespaces))
            #expect(HTMLText.contains(text, "html") == text.contains("html"), "\(text)")
        }
    }

    /// `looksLikeHTML` before its byte path: by Character.
    static func looksLikeHTMLByCharacter(_ text: String) -> Bool {
        var previous: Character = " "
        for character in text {
            if previous == "<", character.isLetter || character == "/" || character == "!" { return true }
            if previous == "&", character.isLetter || character == "#" { return text.contains(";") }
            previous = character
        }
        return false
    }

    @Test func looksLikeHTMLAgreesWithCharacterAlgorithm() {
        var random = Random(state: 11)
        let pieces = ["<", "&", "a", "Z", "/", "!", "#", ";", " ", "\u{301}", "ä", "\u{600}", "1", "\r\n", "<b>", "&amp;"]
        for _ in 0..<20_000 {
            let text = (0..<Int.random(in: 0...6, using: &random)).map { _ in pieces.randomElement(using: &random)! }.joined()
            #expect(HTMLText.looksLikeHTML(text) == Self.looksLikeHTMLByCharacter(text), "\(Array(text.unicodeScalars))")
        }
    }

    @Test func trimmedAgreesWithScalarAlgorithm() {
        var random = Random(state: 13)
        var fast = 0
        let pieces = Self.textPieces + ["a", "Z", "x y", ".", "1"]
        for _ in 0..<20_000 {
            let text = (0..<Int.random(in: 0...6, using: &random)).map { _ in pieces.randomElement(using: &random)! }
                .joined()
            if let first = text.utf8.first, let last = text.utf8.last, first < 0x80, last < 0x80,
                !HTMLText.isASCIISpace(first), !HTMLText.isASCIISpace(last)
            {
                fast += 1
            }
            #expect(HTMLText.trimmed(text) == HTMLText.trimmedByScalar(text), "\(Array(text.unicodeScalars))")
        }
        #expect(fast > 1000)
    }

    /// The byte range `assign` keeps is the String `trimmed` keeps, also for bytes that are
    /// not valid UTF-8 (cut sequences, stray continuation bytes next to white space).
    @Test func trimmedRangeAgreesWithTrimmed() {
        var random = Random(state: 19)
        let pieces: [[UInt8]] = (Self.textPieces + ["a", "x y", "\u{2028}", "\u{3000}", "\u{85}", "\u{A0}", "\u{200B}"])
            .map { Array($0.utf8) } + [[0xE2, 0x80], [0x80], [0xF0, 0x9F], [0xC3], [0xFF], [0xE2, 0x80, 0xA8, 0x80]]
        var trimmedSome = 0
        for _ in 0..<20_000 {
            let bytes = (0..<Int.random(in: 0...6, using: &random)).flatMap { _ in pieces.randomElement(using: &random)! }
            let expected = HTMLText.trimmed(String(decoding: bytes, as: UTF8.self))
            let kept = bytes.withUnsafeBufferPointer { b in
                String(decoding: UnsafeBufferPointer(rebasing: b[HTMLText.trimmedRange(b)]), as: UTF8.self)
            }
            #expect(kept == expected, "\(bytes)")
            if expected.utf8.count < String(decoding: bytes, as: UTF8.self).utf8.count { trimmedSome += 1 }
        }
        #expect(trimmedSome > 1000)
    }

    /// The RFC 3339 / RFC 822 fast path of the date parser reads the fields the general
    /// scanners read, or declines; over generated dates near and across its edges (day and
    /// month out of range, zone offsets past 18 hours or with 60+ minutes, other case and
    /// spacing, fractions, zone names, missing weekday).
    @Test func commonDateFormsAgreeWithScanners() {
        var random = Random(state: 23)
        func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        let weekdays = ["Mon, ", "Tue, ", "Sun, ", "", "mon, ", "Mon ", "Xyz, "]
        let months = ["Jan", "Feb", "Sep", "Dec", "sep", "SEP", "Mai", "Sept"]
        var taken = 0
        for _ in 0..<20_000 {
            let year = [2019, 1999, 2024, 0, 9999, 1900].randomElement(using: &random)!
            let month = Int.random(in: 0...13, using: &random)
            let day = Int.random(in: 0...32, using: &random)
            let (hour, minute, second) = (Int.random(in: 0...25, using: &random), Int.random(in: 0...61, using: &random),
                Int.random(in: 0...61, using: &random))
            let zoneHours = Int.random(in: 0...20, using: &random)
            let zoneMinutes = [0, 30, 45, 59, 60, 99].randomElement(using: &random)!
            let sign = Bool.random(using: &random) ? "+" : "-"
            let yearText = String(String(year).suffix(4)).count < 4 ? String(repeating: "0", count: 4 - String(year).count) + String(year) : String(year)
            let text: String
            switch Int.random(in: 0..<6, using: &random) {
            case 0, 1:
                let zone = [ "Z", "\(sign)\(two(zoneHours)):\(two(zoneMinutes))", "z", "+0200", ".5Z"].randomElement(using: &random)!
                let t = ["T", "T", "t", " "].randomElement(using: &random)!
                text = "\(yearText)-\(two(month))-\(two(day))\(t)\(two(hour)):\(two(minute)):\(two(second))\(zone)"
            default:
                let dayText = Bool.random(using: &random) ? String(day) : two(day)
                let zone = ["\(sign)\(two(zoneHours))\(two(zoneMinutes))", "GMT", "+02:00", "\(sign)\(two(zoneHours))\(two(zoneMinutes)) "]
                    .randomElement(using: &random)!
                text = "\(weekdays.randomElement(using: &random)!)\(dayText) \(months.randomElement(using: &random)!) \(yearText) "
                    + "\(two(hour)):\(two(minute)):\(two(second)) \(zone)"
            }
            let bytes = Array(text.utf8)
            let general = ISO8601Scanner.scan(bytes) ?? TokenScanner.scan(bytes)
            let fast = bytes.withUnsafeBufferPointer { CommonForms.scan($0) }
            if let fast {
                taken += 1
                #expect(general != nil, "\(text)")
                #expect(fast.date(defaultTimeZone: DateParser.berlin) == general?.date(defaultTimeZone: DateParser.berlin), "\(text)")
            }
            #expect(DateParser.parse(text) == general?.date(defaultTimeZone: DateParser.berlin), "\(text)")
        }
        #expect(taken > 1000)
    }

    /// The input's UTF-8 check (eight ASCII bytes at a time, then straight to the first
    /// non-ASCII byte) against the standard library's decoder: valid exactly when decoding and
    /// encoding again gives the same bytes. Generated byte strings mix ASCII runs of every
    /// length with valid and invalid sequences (overlong, surrogate, above U+10FFFF, cut off,
    /// stray continuation bytes).
    @Test func utf8CheckAgreesWithStandardLibrary() {
        var random = Random(state: 29)
        let pieces: [[UInt8]] = [
            Array("a".utf8), Array("Straße".utf8), Array("ä".utf8), Array("€".utf8), Array("👍".utf8), Array("abcdefg".utf8),
            [0xE0, 0x80, 0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xC0, 0xAF], [0x80], [0xC3], [0xE2, 0x82],
            [0xF0, 0x9F, 0x91], [0xFF], [0xC2, 0xA0],
        ]
        var valid = 0
        for _ in 0..<20_000 {
            var bytes: [UInt8] = []
            for _ in 0..<Int.random(in: 0...12, using: &random) {
                bytes += pieces[Int.random(in: 0..<(Bool.random(using: &random) ? 6 : pieces.count), using: &random)]
            }
            let expected = Array(String(decoding: bytes, as: UTF8.self).utf8) == bytes
            if expected { valid += 1 }
            #expect(InputDecoder.isValidUTF8(bytes) == expected, "\(bytes)")
        }
        #expect(valid > 2000)
    }

    /// The string made from bytes known to be UTF-8 is the one `String(decoding:as:)` makes:
    /// same text, same scalars, same hash, and the same ASCII-ness (`isASCII` against a scan).
    @Test func unvalidatedStringEqualsDecodedString() {
        var random = Random(state: 31)
        let pieces = Self.textPieces + ["abcdefgh", "0123456789abcdef", "<p>", "&amp;", "ÄÖÜäöüß", "x"]
        for _ in 0..<5000 {
            let text = (0..<Int.random(in: 0...12, using: &random)).map { _ in pieces.randomElement(using: &random)! }.joined()
            let bytes = Array(text.utf8)
            let made = bytes.withUnsafeBufferPointer { HTMLText.string(ofValidUTF8: $0) }
            let decoded = String(decoding: bytes, as: UTF8.self)
            #expect(made == decoded)
            #expect(Array(made.utf8) == bytes)
            #expect(Array(made.unicodeScalars) == Array(decoded.unicodeScalars))
            #expect(made.count == decoded.count)
            #expect(made.hashValue == decoded.hashValue)
            #expect(bytes.withUnsafeBufferPointer { HTMLText.isASCII($0) } == bytes.allSatisfy { $0 < 0x80 })
        }
    }

    /// Rewriting into one reused buffer gives each fragment exactly what a fresh rewrite gives
    /// (and reports "unchanged" the same way), whatever the fragments before it left there.
    @Test func rewritingIntoReusedBufferEqualsFreshRewrite() {
        var random = Random(state: 37)
        let base = URL(string: "https://ministerium.example/presse/12/")!
        let simple = URLResolution.Base(base)
        var buffer: [UInt8] = []
        var changed = 0
        for round in 0..<3000 {
            let value = Self.reference(&random).replacingOccurrences(of: "\"", with: "")
            let filler = String(repeating: "Straße ", count: round % 7 * 40)
            let html = round % 3 == 0 ? "<p>\(filler)kein Link</p>" : "<p>\(filler)<a href=\"\(value)\">x</a> <img src=\"\(value)\"></p>"
            let fresh = Array(html.utf8).withUnsafeBufferPointer {
                HTMLText.rewritingURLs($0, base: base, simpleBase: round % 2 == 0 ? simple : nil)
            }
            let reused = Array(html.utf8).withUnsafeBufferPointer {
                HTMLText.rewritingURLs($0, base: base, simpleBase: round % 2 == 0 ? simple : nil, into: &buffer)
            }
            #expect(reused == (fresh != nil), "\(html)")
            if let fresh {
                changed += 1
                #expect(buffer == fresh, "\(html)")
            }
            #expect(HTMLText.resolvingURLs(inHTML: html, base: base) == fresh.map { String(decoding: $0, as: UTF8.self) } ?? html)
        }
        #expect(changed > 1000)
    }

    @Test func decodeEntitiesAgreesWithScalarAlgorithm() {
        var random = Random(state: 17)
        let pieces = [
            "&", "& ", "&&", "&;", "&amp;", "&auml;", "&#228;", "&#x1F600;", "&#150;", "&bogus;", "&\n", "&\t", "&\u{A0}",
            "&\u{301}", "a", "ä", ";", " ", "#", "x", "\u{A0}", "Straße", "&#", "&a", "&nbsp;x",
        ]
        var bare = 0
        for _ in 0..<20_000 {
            let text = (0..<Int.random(in: 0...5, using: &random)).map { _ in pieces.randomElement(using: &random)! }.joined()
            var copy = text
            if copy.withUTF8({ $0.contains(0x26) && HTMLText.onlyBareAmpersands($0) }) { bare += 1 }
            #expect(HTMLText.decodeEntities(text) == HTMLText.decodeEntitiesByScalar(text), "\(Array(text.unicodeScalars))")
        }
        #expect(bare > 1000)
    }

    @Test func appendEscapedAgreesWithCharacterReplacement() {
        var random = Random(state: 19)
        let pieces = ["&", "<", ">", "\"", "'", "a", "ä", "„", "👍🏽", " ", "&amp;"]
        for _ in 0..<5000 {
            let text = (0..<Int.random(in: 0...8, using: &random)).map { _ in pieces.randomElement(using: &random)! }.joined()
            let expected = text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
                .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
            #expect(HTMLText.escape(text) == expected)
            var out: [UInt8] = [0x78]
            HTMLText.appendEscaped(Array(text.utf8)[...], to: &out)
            #expect(out == [0x78] + Array(expected.utf8))
        }
    }

    /// The streamed repair hands libxml2 exactly the bytes of the whole-document repair, with
    /// the same warnings, whatever the read sizes; checked on the corpus and on mutants of it.
    @Test func streamedRepairEqualsWholeRepair() throws {
        let root = CorpusTests.root
        let files = (FileManager.default.enumerator(atPath: root.path)?.compactMap { $0 as? String } ?? [])
            .filter { !$0.hasSuffix(".json") }.sorted()
        #expect(files.count >= 40)
        var random = Random(state: 3)
        for file in files {
            guard let original = FileManager.default.contents(atPath: root.appendingPathComponent(file).path) else { continue }
            for round in 0..<4 {
                var input = [UInt8](original)
                if round > 0 {
                    for _ in 0..<8 where !input.isEmpty {
                        let position = Int.random(in: 0..<input.count, using: &random)
                        let token = ["&", "<", "&amp;", "&auml;", "&#150;", "\u{1}", "<![CDATA[", "<!--", "&bogus;"]
                            .randomElement(using: &random)!
                        input.insert(contentsOf: Array(token.utf8), at: position)
                    }
                }
                let whole = XMLRepair.repair(input)
                let stream = XMLRepairStream(input)
                var streamed: [UInt8] = []
                var chunk = [UInt8](repeating: 0, count: 4096)
                while true {
                    let size = Int.random(in: 1...4096, using: &random)
                    let count = chunk.withUnsafeMutableBytes { stream.read(into: UnsafeMutableRawBufferPointer(rebasing: $0[0..<size])) }
                    if count == 0 { break }
                    streamed += chunk[0..<count]
                }
                let finished = stream.finish()
                #expect(streamed == whole.bytes, "\(file) round \(round)")
                #expect(finished.warnings == whole.warnings, "\(file) round \(round)")
                #expect(finished.bozo == whole.bozo, "\(file) round \(round)")
            }
        }
    }

    /// A partial read (libxml2 stopping early) still yields the warnings of the whole document.
    @Test func streamedRepairFinishCoversUnreadRest() {
        let input = Array(("<rss><channel>" + String(repeating: "<item>a &auml; b</item>", count: 20_000) + "&bogus;</channel></rss>").utf8)
        let stream = XMLRepairStream(input)
        var buffer = [UInt8](repeating: 0, count: 100)
        _ = buffer.withUnsafeMutableBytes { stream.read(into: $0) }
        let finished = stream.finish()
        #expect(finished.warnings == XMLRepair.repair(input).warnings)
        #expect(finished.warnings.contains { $0.hasPrefix("unknown entities were kept as text") })
    }

    /// Comments, CDATA sections and processing instructions are copied up to their first
    /// terminator (found with memchr): against a plain search for the terminator, over
    /// sections full of its prefixes and near-misses ("]", "]]", "] ]>", "--", "- ->", "?")
    /// and unterminated ones (copied to the end).
    @Test func markupSectionsAreCopiedToTheirFirstTerminator() {
        let kinds: [(open: String, close: String)] = [("<!--", "-->"), ("<![CDATA[", "]]>"), ("<?", "?>")]
        let fillers = ["a", "ä", "]", "]]", "] ]>", "]>", "-", "--", "- ->", "->", "?", "? >", ">", " ", "\n", "&amp;", "<b>"]
        var random = Random(state: 11)
        for round in 0..<600 {
            let kind = kinds[round % kinds.count]
            var body = ""
            for _ in 0..<Int.random(in: 0...40, using: &random) { body += fillers.randomElement(using: &random)! }
            let terminated = round % 7 != 0
            let section = kind.open + body + (terminated ? kind.close : "")
            // What follows is rewritten (`&amp;` becomes `&#38;`): a section copied too far would
            // carry the `&` of it along as it is.
            let tail = terminated ? "&amp;<x>t</x>" : ""
            let document = "<rss><channel>" + section + tail + "</channel></rss>"
            let repaired = XMLRepair.repair(Array(document.utf8)).bytes
            // The expected copy: up to and including the first terminator after the opener.
            let afterOpen = document.utf8.index(document.utf8.startIndex, offsetBy: 14 + kind.open.utf8.count)
            let rest = document[afterOpen...]
            let copied: Substring
            var endsSection = false  // the first terminator is the one that closes `section`
            if let end = rest.range(of: kind.close) {
                copied = document[document.index(afterOpen, offsetBy: -kind.open.count)..<end.upperBound]
                endsSection = copied.utf8.count == section.utf8.count
            } else {
                copied = document[document.index(afterOpen, offsetBy: -kind.open.count)...]
            }
            let prefix = Array("<rss><channel>".utf8) + Array(copied.utf8) + Array((endsSection ? "&#38;" : "").utf8)
            #expect(Array(repaired.prefix(prefix.count)) == prefix, "round \(round): \(section)")
        }
    }

    /// The adapter resolves each URL against its own base (the element's xml:base, else the
    /// document URL, else the feed's link) while it reuses the parts of the base of the URL
    /// before: bases changing and repeating from entry to entry, with and without a document URL.
    @Test func entryURLsResolveAgainstTheirOwnBase() throws {
        let bases: [String?] = [nil, "https://a.example/x/", "https://b.example/y/z.html", "https://a.example/x/", "http://c.example"]
        let raws = ["p1", "/abs/p2", "https://d.example/full", "q/r.jpg?s=1", "../up", "#frag"]
        var random = Random(state: 5)
        for documentURL in [nil, URL(string: "https://doc.example/feeds/rss.xml")] {
            for _ in 0..<20 {
                var items = ""
                var expected: [(link: URL?, enclosure: URL?)] = []
                for _ in 0..<Int.random(in: 1...12, using: &random) {
                    let base = bases.randomElement(using: &random)!
                    let link = raws.randomElement(using: &random)!
                    let enclosure = raws.randomElement(using: &random)!
                    items += "<item\(base.map { " xml:base=\"\($0)\"" } ?? "")><title>t</title><link>\(link)</link>"
                    items += "<enclosure url=\"\(enclosure)\" type=\"image/jpeg\"/></item>"
                    let resolvedBase = base.flatMap { URL(string: $0) } ?? documentURL ?? URL(string: "https://site.example/feed/")
                    expected.append((Self.foundationResolve(link, base: resolvedBase), Self.foundationResolve(enclosure, base: resolvedBase)))
                }
                let document = "<rss version=\"2.0\"><channel><link>https://site.example/feed/</link>\(items)</channel></rss>"
                let feed = try FeedParser.parse(Array(document.utf8), url: documentURL)
                #expect(feed.entries.count == expected.count)
                for (entry, want) in zip(feed.entries, expected) {
                    #expect(entry.link?.absoluteString == want.link?.absoluteString, "\(document)")
                    #expect(entry.enclosures.first?.url.absoluteString == want.enclosure?.absoluteString, "\(document)")
                }
            }
        }
    }

    /// Found by the mutants above: a DOCTYPE whose brackets reopen after closing ("[ ] ] [ [")
    /// made the repair pass slice a reversed range and crash. It is now copied as it is.
    @Test func doctypeWithReopenedBracketsDoesNotCrash() throws {
        let document = "<!DOCTYPE rss [ ] ] [ [ <!ENTITY a \"x\"> ><rss version=\"2.0\"><channel><title>T</title></channel></rss>"
        let repaired = XMLRepair.repair(Array(document.utf8))
        #expect(String(decoding: repaired.bytes, as: UTF8.self) == document)
        #expect(throws: NotAFeedError.self) { try FeedParser.parse(Array(document.utf8), url: nil) }
    }
}

/// The CDATA mode of the streamed repair (character references in element content written as
/// CDATA, ``XMLRepair/characterDataAsCDATA``) against the plain repair: libxml2 must report
/// the same events (elements, text runs joined), stop at the same place and give the same
/// diagnostics, on the corpus and on mutants of it seeded with the inputs the mode must leave
/// alone or handle (references to line ends, `]]>`, U+FFFE, CR, references in attribute
/// values, markup inside tags, text after the root).
@Suite struct CDATAModeTests {
    typealias Random = SplitMix64

    typealias Event = XMLStreamEvent
    typealias Recorder = XMLEventRecorder

    static func run(_ input: [UInt8], cdata: Bool, random: inout Random) -> ([Event], XMLStreamOutcome, [UInt8]) {
        let stream = XMLRepairStream(input, characterDataAsCDATA: cdata)
        var seen: [UInt8] = []
        let recorder = Recorder()
        var sizes = random
        let outcome = XMLStreamParser.parse(
            streamingFrom: { buffer in
                let size = min(buffer.count, Int.random(in: 1...5000, using: &sizes))
                let count = stream.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[0..<size]))
                seen += UnsafeRawBufferPointer(rebasing: buffer[0..<count])
                return count
            }, options: XMLPullOptions(encoding: "UTF-8"), handler: recorder)
        _ = random.next()
        return (recorder.events, outcome, seen)
    }

    static let tokens = [
        "&", "<", "&amp;", "&lt;p&gt;", "&auml;", "&#150;", "&#10;", "&#13;", "&#x0A;", "\r\n", "\r", "]]>", "]]",
        "&#93;&#93;&gt;", "&#93;]>", "&#62;", "\u{FFFE}", "\u{FFFF}", "<![CDATA[x]]>", "<!--c-->", "<?p x?>", "\"", "'",
        "<a title=\"x>y&amp;z\">", "<b a='&lt;'/>", "<!ELEMENT x>", "&bogus;", "&#0;", "&#x1F600;", "\u{1}", "</rss>",
        "<!DOCTYPE r [<!ENTITY e \"&#38;\">]>", "&e;", "\n&amp;\n",
    ].map { Array($0.utf8) }

    @Test func cdataModeReportsTheSameEvents() throws {
        let root = CorpusTests.root
        let files = (FileManager.default.enumerator(atPath: root.path)?.compactMap { $0 as? String } ?? [])
            .filter { !$0.hasSuffix(".json") }.sorted()
        #expect(files.count >= 40)
        var random = Random(state: 0xCDA7A)
        var converted = 0
        var failedReads = 0
        for file in files {
            guard let original = FileManager.default.contents(atPath: root.appendingPathComponent(file).path) else { continue }
            for round in 0..<6 {
                var input = [UInt8](original)
                if round > 0 {
                    for _ in 0..<Int.random(in: 1...8, using: &random) where !input.isEmpty {
                        let position = Int.random(in: 0..<input.count, using: &random)
                        input.insert(contentsOf: Self.tokens.randomElement(using: &random)!, at: position)
                    }
                }
                // The feed parser's input: UTF-8 (the mode is only used for UTF-8).
                let decoded = InputDecoder.decode(input, httpCharset: nil)
                guard decoded.isUTF8 else { continue }
                var sizes = random
                let (plain, plainOutcome, _) = Self.run(decoded.bytes, cdata: false, random: &sizes)
                let (events, outcome, bytes) = Self.run(decoded.bytes, cdata: true, random: &random)
                #expect(events == plain, "\(file) round \(round)")
                #expect(outcome.failed == plainOutcome.failed, "\(file) round \(round)")
                #expect(outcome.diagnostics == plainOutcome.diagnostics, "\(file) round \(round)")
                if ByteSearch.contains(bytes, "<![CDATA[") != ByteSearch.contains(decoded.bytes, "<![CDATA[") { converted += 1 }
                if outcome.failed { failedReads += 1 }
            }
        }
        // The mode did convert, and ill-formed documents were among the inputs.
        #expect(converted > 20)
        #expect(failedReads > 20)
    }

    /// Where the mode opens a CDATA section: at the first byte that needs one (a non-ASCII
    /// character, a reference it writes as the character), so that ASCII before it stays
    /// character data (libxml2's fast path); text that needs none stays as it is. libxml2 must
    /// report the same events (text runs joined), failure and diagnostics as without the mode.
    @Test(arguments: [
        // (element content in the input, the same content after the repair in CDATA mode)
        ("Gruesse aus Köln", "Gruesse aus K<![CDATA[öln]]>"),
        ("Öl und Gas", "<![CDATA[Öl und Gas]]>"),
        ("plain ASCII text", "plain ASCII text"),
        ("\n  \t ", "\n  \t "),
        ("\n  Grüße\n", "\n  Gr<![CDATA[üße\n]]>"),
        ("&lt;p&gt;x", "<![CDATA[<p>x]]>"),
        ("a &amp; b", "a <![CDATA[& b]]>"),
        ("ab ü &amp; c", "ab <![CDATA[ü & c]]>"),
        ("ab &amp; ü", "ab <![CDATA[& ü]]>"),
        ("a&#228;b", "a<![CDATA[äb]]>"),
        ("&#10;ü", "&#10;<![CDATA[ü]]>"),
        ("line\r\nü", "line\r\n<![CDATA[ü]]>"),
        ("ü\r\nx", "ü\r\nx"),
        ("ü]]>", "ü]]>"),
        ("a]]>b ü", "a]]>b <![CDATA[ü]]>"),
        ("ü]]&gt;", "<![CDATA[ü]]]]>&#62;"),
        ("x ü<b>ö</b> y", "x <![CDATA[ü]]><b><![CDATA[ö]]></b> y"),
        ("\u{FFFE} ü", "\u{FFFE} ü"),
    ])
    func sectionStartsAtTheFirstByteThatNeedsIt(content: String, repaired: String) throws {
        let document = Array("<?xml version=\"1.0\"?>\n<r><t>\(content)</t></r>\n".utf8)
        var random = Random(state: 7)
        let (plain, plainOutcome, _) = Self.run(document, cdata: false, random: &random)
        let (events, outcome, bytes) = Self.run(document, cdata: true, random: &random)
        #expect(events == plain)
        #expect(outcome.failed == plainOutcome.failed)
        #expect(outcome.diagnostics == plainOutcome.diagnostics)
        #expect(String(decoding: bytes, as: UTF8.self) == "<?xml version=\"1.0\"?>\n<r><t>\(repaired)</t></r>\n")
    }

    /// Escaped HTML (as in Atom `type="html"` and many RSS descriptions) reaches the handler
    /// as the same text in far fewer pieces.
    @Test func escapedHTMLBecomesFewPieces() {
        let html = "&lt;p&gt;Gr&#252;&#223;e &amp; mehr &lt;a href=&quot;/x&quot;&gt;Link&lt;/a&gt;&lt;/p&gt;"
        let document = Array("<feed><content type=\"html\">\(html)</content></feed>".utf8)
        final class Counter: XMLStreamHandler {
            var pieces = 0
            var text = ""
            var isDone: Bool { false }
            func startElement(_ element: () -> XMLPullElement) {}
            func endElement() {}
            func characters(_ piece: XMLTextPiece, startsRun: Bool) {
                pieces += 1
                text += piece.string
            }
        }
        func count(_ cdata: Bool) -> Counter {
            let stream = XMLRepairStream(document, characterDataAsCDATA: cdata)
            let counter = Counter()
            _ = XMLStreamParser.parse(streamingFrom: stream.read(into:), options: XMLPullOptions(encoding: "UTF-8"), handler: counter)
            return counter
        }
        let plain = count(false)
        let cdata = count(true)
        #expect(cdata.text == "<p>Grüße & mehr <a href=\"/x\">Link</a></p>")
        #expect(plain.text == cdata.text)
        #expect(plain.pieces > 20)
        #expect(cdata.pieces <= 2)
    }
}

/// Whether `bytes` contain the ASCII `needle`.
private enum ByteSearch {
    static func contains(_ bytes: [UInt8], _ needle: String) -> Bool {
        let pattern = Array(needle.utf8)
        guard bytes.count >= pattern.count else { return false }
        for start in 0...(bytes.count - pattern.count) where bytes[start] == pattern[0] {
            if Array(bytes[start..<start + pattern.count]) == pattern { return true }
        }
        return false
    }
}
