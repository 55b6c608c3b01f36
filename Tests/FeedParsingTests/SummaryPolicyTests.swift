import FeedModel
import FeedParsing
import Foundation
import Testing

/// Herold's documented difference from feedparser: `summary` is not filled from `content`
/// (see `FeedAdapter`). Both directions are checked so that neither field leaks into the other.
@Suite struct SummaryPolicyTests {
    static let contentOnly: [(String, String)] = [
        (
            "rss20",
            """
            <rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>t</title>
            <item><title>a</title><content:encoded><![CDATA[<p>Volltext <b>fett</b></p>]]></content:encoded></item>
            </channel></rss>
            """
        ),
        (
            "atom10",
            """
            <feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><id>urn:x</id>
            <entry><title>a</title><id>urn:a</id><content type="html">&lt;p&gt;Volltext&lt;/p&gt;</content></entry></feed>
            """
        ),
    ]

    @Test(arguments: contentOnly)
    func contentOnlyEntryHasNoSummary(_ fixture: (String, String)) throws {
        let feed = try FeedParser.parse(Array(fixture.1.utf8), url: URL(string: "https://example.org/feed"))
        let entry = try #require(feed.entries.first)
        #expect(entry.content?.value.contains("Volltext") == true, "\(fixture.0)")
        #expect(entry.summary == nil, "\(fixture.0)")
    }

    @Test func summaryOnlyEntryHasNoContent() throws {
        let xml = """
            <rss version="2.0"><channel><title>t</title><item><title>a</title><description>Kurz</description></item>
            </channel></rss>
            """
        let entry = try #require(try FeedParser.parse(Array(xml.utf8), url: nil).entries.first)
        #expect(entry.summary?.value == "Kurz")
        #expect(entry.content == nil)
    }
}
