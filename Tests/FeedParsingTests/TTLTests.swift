import FeedModel
import FeedParsing
import Foundation
import Testing

/// RSS `<ttl>` (minutes) is exposed in seconds as `ParsedFeed.ttl`; the scheduler uses it as a
/// floor for the next poll.
@Suite struct TTLTests {
    func parse(_ xml: String) throws -> ParsedFeed {
        try FeedParser.parse(Array(xml.utf8), url: URL(string: "https://example.org/feed"))
    }

    @Test func channelTTLIsReadInSeconds() throws {
        let feed = try parse(
            """
            <rss version="2.0"><channel><title>t</title><ttl> 90 </ttl>
            <item><title>a</title><ttl>5</ttl></item></channel></rss>
            """)
        #expect(feed.ttl == TimeInterval(5400))
        #expect(feed.entries.count == 1)
    }

    @Test(arguments: [
        "<rss version=\"2.0\"><channel><title>t</title></channel></rss>",
        "<rss version=\"2.0\"><channel><title>t</title><ttl>soon</ttl></channel></rss>",
        "<rss version=\"2.0\"><channel><title>t</title><ttl>-5</ttl></channel></rss>",
        "<rss version=\"2.0\"><channel><title>t</title><ttl></ttl></channel></rss>",
        // Only RSS has <ttl>; an Atom feed's foreign element of that name is not it.
        "<feed xmlns=\"http://www.w3.org/2005/Atom\"><title>t</title><id>urn:x</id><ttl>60</ttl></feed>",
    ])
    func absentOrUnusableTTLIsNil(_ xml: String) throws {
        #expect(try parse(xml).ttl == nil)
    }
}
