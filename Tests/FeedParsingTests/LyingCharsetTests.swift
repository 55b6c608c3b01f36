import FeedModel
import FeedParsing
import Foundation
import Testing

/// The HTTP charset lies; the parser must still produce the right characters.
@Suite struct LyingCharsetTests {
    static let title = "„Mit freundlichem Gruß“ – 5 € für Görlitz"

    static func rss(encoding: String) -> String {
        "<?xml version=\"1.0\" encoding=\"\(encoding)\"?><rss version=\"2.0\"><channel><title>t</title>"
            + "<item><title>\(title)</title></item></channel></rss>"
    }

    @Test func iso88591HeaderOnUTF8Bytes() throws {
        let feed = try FeedParser.parse(Array(Self.rss(encoding: "UTF-8").utf8), url: nil, httpCharset: "iso-8859-1")
        #expect(feed.entries.first?.title == Self.title)
    }

    @Test func utf8HeaderOnWindows1252Bytes() throws {
        // „ 84, ß DF, “ 93, – 96, € 80, ö F6, ü FC: "Gruß“" is DF 93, which alone would pass for UTF-8 (U+07D3).
        let map: [Character: UInt8] = ["„": 0x84, "“": 0x93, "–": 0x96, "€": 0x80, "ß": 0xDF, "ö": 0xF6, "ü": 0xFC]
        let bytes = Self.rss(encoding: "windows-1252").flatMap { map[$0].map { [$0] } ?? Array(String($0).utf8) }
        let feed = try FeedParser.parse(bytes, url: nil, httpCharset: "utf-8")
        #expect(feed.entries.first?.title == Self.title)
        #expect(feed.warnings.contains { $0.contains("mostly not UTF-8") }, "\(feed.warnings)")
    }
}

/// Bytes that the declared (exotic) charset cannot decode: libxml2's converter reported them on
/// stderr; they are a bozo warning of the feed instead, and what precedes them is read.
@Suite struct UndecodableInputTests {
    @Test func undecodableBytesAreABozoWarning() throws {
        let head = "<?xml version=\"1.0\" encoding=\"EUC-JP\"?><rss version=\"2.0\"><channel><title>A</title><item><title>"
        let bytes = Array(head.utf8) + [0xA4, 0xA2, 0xFF, 0xFE] + Array("</title></item></channel></rss>".utf8)
        let feed = try FeedParser.parse(bytes, url: nil)
        #expect(feed.bozo)
        #expect(feed.warnings.contains { $0.contains("conversion failed") }, "\(feed.warnings)")
        #expect(feed.title == "A")
    }
}
