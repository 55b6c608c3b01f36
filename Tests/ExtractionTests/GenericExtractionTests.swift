import Extraction
import FeedModel
import Foundation
import Testing
import TestSupport

/// The generic paths (no CMS fingerprint) on the repository's own small fixtures.
@Suite("Generic extraction")
struct GenericExtractionTests {
    func extract(_ name: String, url: String) throws -> PageExtraction {
        let bytes = try Fixtures.bytes(Fixtures.local("ExtractionTests", name))
        return Extractor().extract(bytes, url: URL(string: url), httpCharset: nil)
    }

    @Test("a plain article: body kept, comments, share bar, related links, sidebar and footer dropped")
    func plainArticle() throws {
        let result = try extract("generic-article.html", url: "https://zeitung.example/lokales/radweg")
        #expect(result.kind == .article)
        let article = try #require(result.article)
        #expect(article.title == "Stadtrat beschließt neuen Radweg entlang der Gera")
        #expect(article.text.contains("Der Stadtrat hat am Mittwochabend"))
        #expect(article.text.contains("Baubeginn im Herbst"))
        #expect(article.text.contains("Kosten: 2,4 Millionen Euro"))
        #expect(article.text.contains("Die Fraktionen betonten"))
        for forbidden in ["Facebook", "Das könnte Sie", "Neue Ampel", "Endlich!", "Meistgelesen", "Impressum", "Letzte Aktualisierung", "Sport"] {
            #expect(!article.text.contains(forbidden), "\(forbidden)")
        }
        // The date next to the heading, not the footer's "Letzte Aktualisierung".
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Europe/Berlin")!
        let published = try #require(article.published)
        #expect(calendar.dateComponents([.year, .month, .day, .hour], from: published) == DateComponents(year: 2021, month: 3, day: 3, hour: 0))
        // Session id and tracking parameters removed, real parameters kept.
        #expect(article.canonical?.absoluteString == "https://zeitung.example/lokales/radweg?id=7")
        #expect(article.language == "de")
    }

    @Test("demo blocks are recognized by signal without a CMS rule")
    func demoBlocks() throws {
        let result = try extract("demo-blocks.html", url: "https://land.example/presse/dorflaeden")
        let article = try #require(result.article)
        #expect(article.cms == nil)
        #expect(article.text.contains("fünf Millionen Euro"))
        #expect(article.text.contains("kostenlose Erstberatung"))
        for forbidden in ["Headline", "Die Kommission tagt", "Spalter", "Lorem", "Blindtext", "ERROR", "rendering definition", "Oops"] {
            #expect(!article.text.contains(forbidden), "\(forbidden)")
        }
    }

    @Test("a listing without CMS markup: item links once each, in order; no pagination, filter or feed links")
    func listing() throws {
        let result = try extract("listing.html", url: "https://agency.example/en/news")
        #expect(result.kind == .listing)
        #expect(result.links.map(\.absoluteString) == [
            "https://agency.example/en/news/2024/solar-park-opens",
            "https://agency.example/en/news/2024/new-bus-lines",
            "https://agency.example/en/news/2024/bridge-repairs",
            "https://agency.example/en/news/2024/heat-pumps",
        ])
        #expect(result.feeds.map(\.absoluteString) == ["https://agency.example/en/news/feed.atom"])
    }

    @Test("a `links:` selector overrides the heuristics")
    func linksSelector() throws {
        let bytes = try Fixtures.bytes(Fixtures.local("ExtractionTests", "listing.html"))
        let extractor = Extractor(options: ExtractionOptions(links: ".item h2 a"))
        let result = extractor.extract(bytes, url: URL(string: "https://agency.example/en/news"), httpCharset: nil)
        #expect(result.kind == .listing)
        #expect(result.links.count == 4)
    }

    @Test("`content:` and `strip:` selectors override detection")
    func contentAndStrip() throws {
        let bytes = try Fixtures.bytes(Fixtures.local("ExtractionTests", "generic-article.html"))
        let extractor = Extractor(options: ExtractionOptions(content: ".col-main", strip: ["h2", "ul"]))
        let article = try #require(extractor.extract(bytes, url: nil, httpCharset: nil).article)
        #expect(article.text.contains("Der Stadtrat hat am Mittwochabend"))
        #expect(!article.text.contains("Baubeginn im Herbst"))
        #expect(!article.text.contains("Länge: rund vier Kilometer"))
    }

    @Test("a windows-1252 page declared after the first 1024 bytes is decoded (€ is not U+0080)")
    func lateMeta() throws {
        let result = try extract("late-meta-windows-1252.html", url: "https://bus.example/preise")
        let text = try #require(result.article?.text)
        #expect(text.contains("58 € statt 49 €"))
        #expect(text.contains("Schüler"))
        #expect(!text.unicodeScalars.contains { $0.value == 0x80 })
    }

    @Test("the HTTP charset wins over the document's declaration")
    func httpCharsetWins() {
        let page = "<html><head><meta charset=\"utf-8\"></head><body><p>Gr\u{FC}\u{DF}e</p></body></html>"
        let bytes = Array(page.utf8).flatMap { byte -> [UInt8] in [byte] }
        // Re-encode as Latin-1 and tell the extractor so over "HTTP".
        let latin1 = Array(page.data(using: .isoLatin1)!)
        #expect(bytes != latin1)
        let fragment = Extractor().extract(latin1, url: nil, httpCharset: "ISO-8859-1")
        #expect(fragment.article?.text.contains("Grüße") == true)
    }

    @Test("empty and garbage input yield a result, not a crash")
    func garbage() {
        #expect(Extractor().extract([], url: nil, httpCharset: nil).article?.text ?? "" == "")
        let random = (0..<5000).map { UInt8(truncatingIfNeeded: $0 &* 7919 &+ 13) }
        _ = Extractor().extract(random, url: nil, httpCharset: nil)
        let (html, text) = Extractor().extractFragment(html: "", baseURL: nil)
        #expect(html.isEmpty && text.isEmpty)
    }
}
