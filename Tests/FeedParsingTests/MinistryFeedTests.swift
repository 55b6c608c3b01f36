import FeedModel
import FeedParsing
import Foundation
import Testing
import TestSupport

/// The shared ministry feeds (`../shared/fixtures/ministry/typo3-news-{rss,atom}.xml`) against
/// their ground truth, compared after the README's normalisation.
@Suite struct MinistryFeedTests {
    static let feeds: [(file: String, format: FeedFormat, idKey: String)] = [
        ("typo3-news-rss", .rss20, "guid"),
        ("typo3-news-atom", .atom10, "id"),
    ]

    @Test(arguments: [0, 1])
    func feedMatchesExpected(index: Int) throws {
        guard let directory = Fixtures.ministryDirectory else {
            print(Fixtures.sharedMissingMessage)
            return
        }
        let (file, format, idKey) = Self.feeds[index]
        let expected = try Fixtures.json(directory.appendingPathComponent(file + ".expected.json"))
        let bytes = try Fixtures.bytes(directory.appendingPathComponent(file + ".xml"))
        let url = URL(string: try #require(expected["url"] as? String))
        let feed = try FeedParser.parse(bytes, url: url, httpCharset: nil)

        #expect(feed.format == format)
        #expect(feed.bozo == false, "warnings: \(feed.warnings)")
        #expect(feed.title.map(normalize) == (expected["title"] as? String).map(normalize))
        #expect(feed.link?.absoluteString == expected["link"] as? String)
        #expect(feed.language == expected["language"] as? String)

        let items = try #require(expected["items"] as? [[String: Any]])
        try #require(feed.entries.count == items.count)
        for (entry, item) in zip(feed.entries, items) {
            #expect(entry.id == item[idKey] as? String)
            #expect(entry.title.map(normalize) == (item["title"] as? String).map(normalize))
            #expect(entry.link?.absoluteString == item["link"] as? String)
            let published = try #require(item["published"] as? String)
            #expect(entry.published == Self.iso8601(published), "\(published)")
            let summary = entry.summary.map { $0.type == .text ? $0.value : Self.plainText($0.value) }
            #expect(summary.map(normalize) == (item["summary"] as? String).map(normalize))
            #expect(entry.categories == [try #require(item["category"] as? String)])
            #expect(entry.updated == (format == .atom10 ? entry.published : nil))
        }
    }

    /// README rule: NFC, NBSP → space, whitespace runs collapsed, trimmed.
    func normalize(_ text: String) -> String {
        text.precomposedStringWithCanonicalMapping.replacingOccurrences(of: "\u{A0}", with: " ")
            .split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    /// Tags removed and the five XML entities decoded (enough for the fixture's one html summary).
    static func plainText(_ html: String) -> String {
        var out = ""
        var inTag = false
        for character in html {
            if character == "<" { inTag = true } else if character == ">" { inTag = false } else if !inTag {
                out.append(character)
            }
        }
        return out.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&amp;", with: "&")
    }

    /// An independent ISO 8601 reading for the expectations (Foundation's formatter, not ours).
    static func iso8601(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)
    }
}
