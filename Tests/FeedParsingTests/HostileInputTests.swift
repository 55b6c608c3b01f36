import FeedModel
import FeedParsing
import Foundation
import Testing
import TestSupport

/// Hostile XML: no external entity is ever loaded, entity expansion is refused, limits hold.
@Suite struct HostileInputTests {
    func parse(_ text: String) throws -> ParsedFeed {
        try FeedParser.parse(Array(text.utf8), url: nil)
    }

    func allText(_ feed: ParsedFeed) -> String {
        FeedNormJSON.encode(feed)
    }

    @Test func externalFileEntityYieldsNothing() throws {
        // A file with known content, so the test would see it if it were read.
        let secret = "herold-secret-\(UInt32.random(in: 0...UInt32.max))"
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("herold-xxe-\(secret).txt")
        try secret.write(to: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: path) }
        let feed = try parse(
            """
            <?xml version="1.0"?><!DOCTYPE rss [<!ENTITY xxe SYSTEM "\(path.absoluteString)">]>
            <rss version="2.0"><channel><title>a &xxe; b</title><item><title>&xxe;</title>
            <link>https://example.org/&xxe;</link><description x="&xxe;">&xxe;</description></item></channel></rss>
            """)
        #expect(!allText(feed).contains(secret))
        #expect(feed.title == "a b")
        #expect(feed.entries.count == 1)
        #expect(feed.bozo)
    }

    @Test func billionLaughsEndsFastWithoutExpansion() throws {
        var entities = #"<!ENTITY lol "lol">"#
        for level in 1...12 {
            let previous = level == 1 ? "lol" : "lol\(level - 1)"
            entities += "<!ENTITY lol\(level) \"" + String(repeating: "&\(previous);", count: 10) + "\">"
        }
        let document = """
            <?xml version="1.0"?><!DOCTYPE rss [\(entities)]><rss version="2.0"><channel><title>T</title>
            <item><title>x&lol12;y</title><description a="&lol12;">&lol12;</description></item></channel></rss>
            """
        let start = ContinuousClock.now
        let feed = try parse(document)
        #expect(ContinuousClock.now - start < .seconds(2))
        #expect(feed.entries.first?.title == "xy")
        #expect(!allText(feed).contains("lollol"))
        #expect(feed.bozo)
        #expect(feed.warnings.contains { $0.contains("not expanded") })
    }

    @Test func deepNestingIsBounded() throws {
        let depth = 100_000
        let document =
            "<rss version=\"2.0\"><channel><title>T</title><item><title>A</title></item><item><description>"
            + String(repeating: "<d>", count: depth) + String(repeating: "</d>", count: depth)
            + "</description></item></channel></rss>"
        let start = ContinuousClock.now
        let feed = try parse(document)
        #expect(ContinuousClock.now - start < .seconds(10))
        #expect(feed.entries.first?.title == "A")
        #expect(feed.bozo)
    }

    @Test func oversizedInputIsCut() throws {
        let item = "<item><title>Eintrag</title></item>"
        let document = "<rss version=\"2.0\"><channel><title>T</title>" + String(repeating: item, count: 1000)
        let feed = try FeedParser.parse(
            Array(document.utf8), url: nil, options: FeedParser.Options(maxBytes: 10_000))
        #expect(feed.bozo)
        #expect(feed.entries.count > 100 && feed.entries.count < 300)
    }

    @Test(arguments: [
        "", "   ", "<html><head><title>x</title></head><body>no feed</body></html>",
        "<?xml version=\"1.0\"?><note><to>x</to></note>", "{\"hello\": 1}", "\u{0}\u{1}binary", "plain text",
    ])
    func nonFeedsThrow(_ text: String) {
        #expect(throws: NotAFeedError.self) { try FeedParser.parse(Array(text.utf8), url: nil) }
        #expect(!FeedParser.looksLikeFeed(Array(text.utf8)))
    }

    @Test func sniffingRecognizesFeeds() throws {
        #expect(FeedParser.looksLikeFeed(Array("<?xml version=\"1.0\"?>\n<!-- c --><rss version=\"2.0\">".utf8)))
        #expect(FeedParser.looksLikeFeed(Array("<feed xmlns=\"http://www.w3.org/2005/Atom\">".utf8)))
        #expect(FeedParser.looksLikeFeed(Array("<rdf:RDF xmlns:rdf=\"x\">".utf8)))
        #expect(FeedParser.looksLikeFeed(Array(#"{"version":"https://jsonfeed.org/version/1.1","items":[]}"#.utf8)))
    }
}
