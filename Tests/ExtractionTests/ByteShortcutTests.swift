@testable import Extraction
import Foundation
@testable import Markup
import Testing
import TestSupport

/// Shortcuts that read bytes where the code before them asked Foundation or walked Characters
/// give what that code gives.
@Suite("Byte-level shortcuts")
struct ByteShortcutTests {
    /// Texts with the cases that make byte-level and Character-level answers differ: CR LF,
    /// combining marks after the searched character, decomposed letters, non-ASCII white space.
    static let texts: [String] = [
        "", " ", "plain text", "a b", "a\r\nb", "\r\n", "x \u{301}y", "e\u{301} ", "©", "© 2024", "©\u{301}", "a@b",
        "@\u{308}", "application/ld+json", "application/LD+JSON", "application/rss+xml", "Application/Atom+XML",
        "ld+json\u{301}", "Grüße aus Köln", " \u{A0}{\"a\": 1}\u{A0} ", "\n\t [1, 2] \r\n", "\u{2028}{}\u{2029}",
        "{\"a\":\"é\"}\u{85}", "   ", "\u{FEFF}{}", "x\u{200B}", "中文 空格", "a\u{3000}b", "feed+json", "rss\u{200D}",
    ]

    @Test("containsText answers as Foundation's contains for the needles it is used with")
    func containsText() {
        for text in Self.texts + Self.texts.map({ $0.lowercased() }) {
            for needle in ["©", "@", " ", "rss", "atom", "feed+json", "ld+json"] {
                #expect(ByteSearch.containsText(text, needle) == text.contains(needle), "\(text.debugDescription) \(needle)")
                let sub = text.dropFirst(0)
                #expect(ByteSearch.containsText(sub, needle) == sub.contains(needle), "\(text.debugDescription) \(needle)")
            }
        }
    }

    @Test("JSON-LD text is trimmed as Foundation trims it")
    func trimmedJSON() {
        for text in Self.texts {
            #expect(
                PageMetadata.trimmedUTF8(text) == text.trimmingCharacters(in: .whitespacesAndNewlines).data(using: .utf8),
                "\(text.debugDescription)")
        }
    }

    @Test("UTF-8 validation with the ASCII fast path agrees with the standard library's decoder")
    func utf8Validation() throws {
        var inputs: [[UInt8]] = [
            [], [0x41], Array("Grüße 中文 😀".utf8), [0xC0, 0x80], [0xC2], [0xE0, 0x9F, 0x80], [0xE0, 0xA0, 0x80],
            [0xED, 0xA0, 0x80], [0xED, 0x9F, 0xBF], [0xF0, 0x8F, 0xBF, 0xBF], [0xF0, 0x90, 0x80, 0x80], [0xF4, 0x90, 0x80, 0x80],
            [0xF4, 0x8F, 0xBF, 0xBF], [0xF5, 0x80, 0x80, 0x80], [0xFF], [0x80], Array("abcdefgh\u{E9}ijklmnop".utf8),
            Array("abcdefg".utf8) + [0xE2, 0x82], Array("abcdefgh".utf8) + [0xE2, 0x82, 0xAC],
        ]
        // Random mixtures of ASCII runs, valid sequences and stray bytes, at every alignment.
        var random = SplitMix64(state: 42)
        let pieces: [[UInt8]] = [
            Array("abcdefghij".utf8), Array("ü".utf8), Array("€".utf8), Array("😀".utf8), [0x80], [0xC3], [0xE2, 0x82], [0xF0],
            [0xED, 0xB0, 0x80], [0xEF, 0xBF, 0xBF], [0x20],
        ]
        for _ in 0..<2000 {
            var bytes: [UInt8] = []
            for _ in 0..<Int(random.next() % 12) { bytes += pieces[Int(random.next() % UInt64(pieces.count))] }
            inputs.append(bytes)
        }
        for page in ExtractionMechanicsTests.pages { inputs.append(page.bytes) }
        var valid = 0
        for bytes in inputs {
            #expect(Charset.isValidUTF8(bytes) == Charset.isValidUTF8ByDecoder(bytes), "\(bytes.prefix(40))")
            if Charset.isValidUTF8ByDecoder(bytes) { valid += 1 }
        }
        #expect(valid > 100 && valid < inputs.count - 100)
    }

    @Test("the link-group signature of ASCII class values equals the Character-level one")
    func signatures() throws {
        let values = [
            "", "a", "Teaser  item", "col-4 item", "b a c", "x\r\ny", "x \r\n y", "\r\n", "a\r\r\nb", "a\n\r\nb", "A\tB\nC\rD",
            "item item2 ITEM", "post-3 post", "größe item", "x\u{301} y",
        ]
        var page = "<html><body>"
        for value in values { page += "<div class=\"\(value)\"></div>" }
        page += "<div></div></body></html>"
        var documents = [try HTMLDocument(bytes: Array(page.utf8))]
        for page in ExtractionMechanicsTests.pages { documents.append(try HTMLDocument(bytes: page.bytes)) }
        var compared = 0
        for document in documents {
            for node in document.documentNode.descendantElements {
                let classes = node.classList.map { $0.lowercased() }.filter { !$0.contains(where: \.isNumber) }.sorted()
                let reference = node.name + "." + classes.joined(separator: ".")
                let discovery = LinkDiscovery(base: nil, pageURL: nil, excluded: [])
                #expect(discovery.signature(node) == reference, "\((node.attribute("class") ?? "").debugDescription)")
                compared += 1
            }
        }
        #expect(compared > 100)
    }

    @Test("the block filter's keys made once equal the keys made per rule, and isDemo agrees")
    func filterKeys() {
        let texts = Self.texts + [
            "Lorem ipsum dolor sit amet", "Überschrift H2", "Headline h3", "2 Spalter", "Blindtext hier", "Error: uid 5",
            "  Not   collapsed  ", "Tags:", "„Zitat“ – Ende.", "İstanbul", "ΣΊΣΥΦΟΣ",
        ]
        for text in texts {
            let (key, lower) = TextTools.keyAndLowercased(text)
            #expect(key == TextTools.key(text), "\(text.debugDescription)")
            #expect(lower == TextTools.lowercased(text), "\(text.debugDescription)")
            #expect(TextTools.phraseKey(key: key) == TextTools.phraseKey(text), "\(text.debugDescription)")
            for heading in [true, false] {
                #expect(
                    DemoDetector.isDemo(text, lowercased: lower, phraseKey: TextTools.phraseKey(key: key), count: text.count, isHeading: heading)
                        == DemoDetector.isDemo(text, isHeading: heading), "\(text.debugDescription)")
            }
        }
    }
}
