import Extraction
import FeedModel
import Foundation
import Testing
import TestSupport

/// One page of `../shared/fixtures/ministry` with its ground truth.
struct MinistryCase: CustomTestStringConvertible, Sendable {
    var file: String
    var expectedFile: String
    var kind: String
    var url: String

    var testDescription: String { file }

    /// The HTML pages of the manifest (feeds are the feed parser's business).
    static var all: [MinistryCase] {
        guard let dir = Fixtures.ministryDirectory,
            let manifest = try? Fixtures.json(dir.appendingPathComponent("manifest.json")),
            let entries = manifest["fixtures"] as? [[String: Any]]
        else { return [] }
        return entries.compactMap { entry in
            guard let file = entry["file"] as? String, file.hasSuffix(".html"), let expected = entry["expected"] as? String,
                let kind = entry["kind"] as? String, let url = entry["url"] as? String
            else { return nil }
            return MinistryCase(file: file, expectedFile: expected, kind: kind, url: url)
        }
    }

    static var articles: [MinistryCase] { all.filter { $0.kind == "article" } }
    static var lists: [MinistryCase] { all.filter { $0.kind == "list" } }

    func load() throws -> (PageExtraction, [String: Any]) {
        let dir = try #require(Fixtures.ministryDirectory)
        let bytes = try Fixtures.bytes(dir.appendingPathComponent(file))
        let expected = try Fixtures.json(dir.appendingPathComponent(expectedFile))
        let result = Extractor().extract(bytes, url: URL(string: url), httpCharset: nil)
        return (result, expected)
    }
}

/// The README's comparison normalization: NFC, NBSP → space, whitespace runs collapsed, trimmed.
func normalized(_ text: String) -> String {
    let nfc = text.precomposedStringWithCanonicalMapping.replacingOccurrences(of: "\u{00A0}", with: " ")
    return nfc.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
}

/// Occurrences of a substring.
func occurrences(of needle: String, in haystack: String) -> Int {
    guard !needle.isEmpty else { return 0 }
    var count = 0
    var range = haystack.startIndex..<haystack.endIndex
    while let found = haystack.range(of: needle, range: range) {
        count += 1
        range = found.upperBound..<haystack.endIndex
    }
    return count
}

@Suite("Ministry fixtures", .enabled(if: Fixtures.ministryDirectory != nil, Comment(rawValue: Fixtures.sharedMissingMessage)))
struct MinistryFixtureTests {
    @Test("the corpus is there and has article and list pages")
    func corpusIsComplete() {
        #expect(MinistryCase.articles.count >= 5)
        #expect(MinistryCase.lists.count >= 1)
    }

    @Test("article pages: body paragraphs in order, nothing forbidden, no duplicates", arguments: MinistryCase.articles)
    func body(_ page: MinistryCase) throws {
        let (result, expected) = try page.load()
        #expect(result.kind == .article)
        let article = try #require(result.article)
        let text = normalized(article.text)
        let paragraphs = try #require(expected["body_paragraphs"] as? [String]).map(normalized)
        var cursor = text.startIndex
        for paragraph in paragraphs {
            guard let found = text.range(of: paragraph) else {
                Issue.record("missing paragraph: \(paragraph.prefix(80))")
                continue
            }
            #expect(found.lowerBound >= cursor, "out of order: \(paragraph.prefix(80))")
            cursor = max(cursor, found.upperBound)
        }
        for forbidden in try #require(expected["must_not_contain"] as? [String]) {
            #expect(!text.contains(normalized(forbidden)), "must not contain: \(forbidden)")
        }
        let maximum = expected["paragraph_max_occurrences"] as? Int ?? 1
        for paragraph in paragraphs {
            #expect(occurrences(of: paragraph, in: text) <= maximum, "repeated: \(paragraph.prefix(80))")
        }
        // Body paragraphs are separated by blank lines.
        #expect(article.text.contains("\n\n"))
        #expect(!article.html.isEmpty)
    }

    @Test("article pages: title, published date, author, publisher, language, canonical", arguments: MinistryCase.articles)
    func metadata(_ page: MinistryCase) throws {
        let (result, expected) = try page.load()
        let article = try #require(result.article)
        #expect(article.title == expected["title"] as? String)
        #expect(article.author == expected["author"] as? String)
        #expect(article.publisher == expected["publisher"] as? String)
        #expect(article.language == expected["language"] as? String)
        #expect(article.canonical?.absoluteString == expected["canonical"] as? String)
        #expect(article.confidence > 0.5 && article.confidence <= 1)

        let published = try #require(article.published)
        let expectedRaw = try #require(expected["published"] as? String)
        let expectedDate = try #require(ISO8601DateFormatter().date(from: expectedRaw))
        switch expected["published_precision"] as? String {
        case "day":
            // Midnight local time: compare the calendar day in the expected offset.
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = try #require(TimeZone(identifier: "Europe/Berlin"))
            #expect(calendar.isDate(published, inSameDayAs: expectedDate), "published \(published) vs \(expectedRaw)")
        case "minute":
            #expect(abs(published.timeIntervalSince(expectedDate)) < 60)
        default:
            #expect(published == expectedDate, "published \(published) vs \(expectedRaw)")
        }
    }

    @Test("images and attachments where the ground truth lists them", arguments: MinistryCase.articles)
    func media(_ page: MinistryCase) throws {
        let (result, expected) = try page.load()
        let article = try #require(result.article)
        if let images = expected["images"] as? [[String: String]] {
            #expect(article.images.count == images.count)
            for (got, want) in zip(article.images, images) {
                #expect(got.src.absoluteString == want["src"])
                #expect(got.alt == want["alt"])
                #expect(got.caption == want["caption"])
            }
        }
        if let attachments = expected["attachments"] as? [[String: String]] {
            #expect(article.attachments.count == attachments.count)
            for (got, want) in zip(article.attachments, attachments) {
                #expect(got.url.absoluteString == want["url"])
                #expect(got.type == want["type"])
                #expect(got.label == want["label"])
            }
        }
    }

    @Test("the ISO-8859-1 page is decoded (umlauts, euro sign, typographic quotes)")
    func latin1() throws {
        let page = try #require(MinistryCase.articles.first { $0.file.contains("detail-2") })
        let (result, expected) = try page.load()
        #expect(expected["charset"] as? String == "iso-8859-1")
        let text = try #require(result.article?.text)
        #expect(text.contains("Thormählen"))
        #expect(text.contains("1,2 Millionen €"))
        #expect(text.contains("„E-Rechnung“"))
        #expect(!text.contains("\u{FFFD}"))
    }

    @Test("the style-guide page yields one article, not its demo blocks or copies")
    func styleguide() throws {
        let page = try #require(MinistryCase.articles.first { $0.file.contains("styleguide") })
        let (result, expected) = try page.load()
        let article = try #require(result.article)
        #expect(expected["articles"] as? Int == 1)
        #expect(article.cms == "typo3")
        let first = try #require((expected["body_paragraphs"] as? [String])?.first)
        #expect(occurrences(of: normalized(first), in: normalized(article.text)) == 1)
        #expect(article.html.contains("<p>"))
        #expect(!article.html.contains("<script"))
    }

    @Test("list page: exactly its article links, in order, and kind listing", arguments: MinistryCase.lists)
    func listing(_ page: MinistryCase) throws {
        let (result, expected) = try page.load()
        #expect(result.kind == .listing)
        #expect(result.article == nil)
        let links = try #require(expected["article_links"] as? [String])
        #expect(result.links.map(\.absoluteString) == links)
        for bad in try #require(expected["must_not_be_article_links"] as? [String]) {
            #expect(!result.links.map(\.absoluteString).contains(bad))
        }
        if let feeds = expected["feeds"] as? [String: String] {
            #expect(Set(result.feeds.map(\.absoluteString)) == Set(feeds.values))
        }
    }
}
