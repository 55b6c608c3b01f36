@testable import Extraction
import Foundation
import Markup
import Testing
import TestSupport

/// The speed paths of the text helpers hold against the general code they skip: each
/// test compares a fast path with the standard library (or the helper's own general path)
/// over inputs built to reach both sides of every shortcut.
@Suite("Text helper fast paths")
struct TextFastPathTests {
    @Test("class and id tokens of ASCII attributes split as the Character rule splits them")
    func tokens() throws {
        let page = "<div id=\"Main_Nav-2\" class=\"Teaser--Box  x9 \tcol-md_4\"></div><p class=\"größe-Box ünter\">x</p>"
        let document = try HTMLDocument(bytes: Array(page.utf8))
        let div = try #require(document.first("div"))
        #expect(TokenMatcher.tokens(of: div) == ["teaser", "box", "x9", "col", "md", "4", "main", "nav", "2"])
        let p = try #require(document.first("p"))
        #expect(TokenMatcher.tokens(of: p) == ["größe", "box", "ünter"])
    }

    @Test("lowercased equals String.lowercased, scalar by scalar below U+2100 and in mixed texts")
    func lowercase() {
        var all = ""
        for value in 0..<0x2100 {
            guard let scalar = Unicode.Scalar(UInt32(value)) else { continue }
            let single = String(Character(scalar))
            #expect(TextTools.lowercased(single) == single.lowercased(), "U+\(String(value, radix: 16))")
            all.unicodeScalars.append(scalar)
        }
        #expect(TextTools.lowercased(all) == all.lowercased())
        for text in [
            "Straße ÄÖÜ ẞ", "İstanbul", "ΟΔΟΣ Σ", "Ǆemal ǅ", "ĲSSEL", "中文 ABC", "Ωmega 😀", "", "ascii ONLY", "Ａｂｃ",
        ] {
            #expect(TextTools.lowercased(text) == text.lowercased(), "\(text)")
        }
    }

    @Test("the comma count equals counting Characters, with marks, joiners and prepends around the commas")
    func commas() {
        let commas: [Unicode.Scalar] = [",", "，", "、", "،"]
        let characters: Set<Character> = [",", "，", "、", "،"]
        for text in [
            "", "a, b, c", ",", ",,", "für, über, Größe,", "ä,ö", "a,\u{301}b", ",\u{301}", "x,\u{200D}y", "\u{600},x",
            "\u{600}\u{60C}", "中文，测试、完", "،", "a\r\n,b", "e\u{301},e\u{301}", ",\u{903}", "👍🏽,👍🏽", "ह,ि",
        ] {
            #expect(TextTools.count(commas, in: text) == text.filter { characters.contains($0) }.count, "\(text.debugDescription)")
        }
    }

    /// `collapse` as documented, over scalars: white space runs (ASCII and Unicode) become one
    /// space, ends trimmed, zero-width spaces dropped.
    static func referenceCollapse(_ text: String) -> String {
        let unicodeSpaces: Set<UInt32> = [0x85, 0xA0, 0x1680, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000]
        var out = String.UnicodeScalarView()
        var pending = false
        for scalar in text.unicodeScalars {
            let value = scalar.value
            if value == 0x20 || (0x09...0x0D).contains(value) || unicodeSpaces.contains(value) || (0x2000...0x200A).contains(value) {
                pending = true
            } else if value != 0x200B {
                if pending && !out.isEmpty { out.append(" ") }
                pending = false
                out.append(scalar)
            }
        }
        return String(out)
    }

    @Test("collapse equals the documented rule on generated texts, collapsed or not")
    func collapse() {
        let alphabet: [String] = ["a", "Ü", " ", "  ", "\t", "\n", "\u{A0}", "\u{200B}", "\u{2003}", "€", "😀", ".", "\u{301}"]
        var random = SplitMix64(state: 4)
        var alreadyCollapsed = 0
        for _ in 0..<3000 {
            var text = ""
            for _ in 0..<Int.random(in: 0...12, using: &random) { text += alphabet.randomElement(using: &random)! }
            let expected = Self.referenceCollapse(text)
            #expect(TextTools.collapse(text) == expected, "\(text.debugDescription)")
            #expect(TextTools.collapse(expected) == expected)
            if expected == text { alreadyCollapsed += 1 }
        }
        // Both sides of the shortcut were reached.
        #expect(alreadyCollapsed > 100)
    }

    @Test("style-guide headings that name their level are still found behind the byte check")
    func headingLevel() {
        #expect(DemoDetector.isStyleguideHeading("Headline H3"))
        #expect(DemoDetector.isStyleguideHeading("Überschrift H2"))
        #expect(DemoDetector.isStyleguideHeading("Eine Überschrift h4 im Text"))
        #expect(!DemoDetector.isStyleguideHeading("Überschrift"))
        #expect(!DemoDetector.isStyleguideHeading("Headline H7"))
        #expect(!DemoDetector.isStyleguideHeading("Die Headline hat Gewicht"))
    }
}
