import Archive
import Foundation
import Markup
import Syndication
import Testing

@Suite("Atom feed")
struct AtomFeedWriterTests {
    let atom = "http://www.w3.org/2005/Atom"

    func record(_ id: String, updated: TimeInterval, sightings: [(String, String)]) -> StoryRecord {
        let seen = Date(timeIntervalSince1970: updated)
        return StoryRecord(
            id: id, atomID: "tag:example.org,2026:test:story:\(id)", folder: "items/2019/09/\(id)",
            identities: ["url:\(sightings[0].1)"], title: "Titel <\(id)> & mehr",
            canonical: URL(string: sightings[0].1), published: Date(timeIntervalSince1970: 1_568_115_000),
            updated: seen, firstSeen: seen, author: nil, publisher: "Ministerium", language: "de",
            origin: sightings[0].0,
            sightings: sightings.map { Sighting(source: $0.0, url: URL(string: $0.1)!, firstSeen: seen, lastSeen: seen) },
            revisions: [Revision(number: 1, hash: String(repeating: "0", count: 64), title: nil, seenAt: seen, length: 10)])
    }

    func render(_ stories: [SyndicatedStory], entries: Int = 10) -> String {
        let sources = [
            "page": SourceInfo(
                id: "page", title: "Styleguide", link: URL(string: "https://example.org/styleguide")!,
                updated: Date(timeIntervalSince1970: 1_700_000_000)),
            "feed": SourceInfo(
                id: "feed", title: "RSS", link: URL(string: "https://example.org/rss.xml")!,
                siteLink: URL(string: "https://example.org/"), updated: Date(timeIntervalSince1970: 1_700_000_000)),
        ]
        let settings = AtomFeedSettings(
            id: "tag:example.org,2026:test", title: "Test & Co", selfURL: URL(string: "https://news.example.org/feed.atom"),
            entries: entries)
        return AtomFeedWriter.render(
            stories: stories, sources: sources, settings: settings, generatedAt: Date(timeIntervalSince1970: 1_800_000_000))
    }

    func children(_ node: Node, _ name: String, _ namespace: String? = nil) -> [Node] {
        node.elementChildren.filter { $0.name == name && $0.namespaceURI == (namespace ?? atom) }
    }

    @Test("well-formed Atom 1.0, entries newest first, each with id, title, updated, links, content and source")
    func structure() throws {
        let stories = [
            SyndicatedStory(
                record: record("a1", updated: 1_700_000_000, sightings: [("page", "https://example.org/a"), ("feed", "https://example.org/detail/a")]),
                html: "<p>Erster &amp; Absatz</p>", text: "Erster & Absatz"),
            SyndicatedStory(
                record: record("b2", updated: 1_700_000_500, sightings: [("feed", "https://example.org/b")]),
                html: "<p>B</p>", text: "B"),
        ]
        let xml = render(stories)
        let document = try XMLDocument(bytes: Array(xml.utf8))
        let feed = try #require(document.root)
        #expect(feed.name == "feed")
        #expect(feed.namespaceURI == atom)
        #expect(children(feed, "id").first?.text == "tag:example.org,2026:test")
        #expect(children(feed, "title").first?.text == "Test & Co")
        #expect(children(feed, "updated").first?.text == "2023-11-14T22:21:40Z", "the newest entry's updated")
        #expect(children(feed, "link").first?.attribute("rel") == "self")
        let entries = children(feed, "entry")
        #expect(entries.count == 2)
        #expect(entries.map { children($0, "id").first?.text } == [
            "tag:example.org,2026:test:story:b2", "tag:example.org,2026:test:story:a1",
        ])
        let first = entries[1]
        #expect(children(first, "title").first?.text == "Titel <a1> & mehr")
        #expect(children(first, "published").first?.text == "2019-09-10T11:30:00Z")
        let links = children(first, "link").map { ($0.attribute("rel") ?? "", $0.attribute("href") ?? "") }
        #expect(links.contains { $0 == ("alternate", "https://example.org/a") })
        #expect(links.contains { $0 == ("via", "https://example.org/detail/a") })
        #expect(children(first, "content").first?.attribute("type") == "html")
        #expect(children(first, "content").first?.text == "<p>Erster &amp; Absatz</p>")
        #expect(children(first, "category").map { $0.attribute("term") } == ["page", "feed"])
        let source = try #require(children(first, "source").first)
        #expect(children(source, "title").first?.text == "Styleguide")
        #expect(children(source, "id").first?.text == "https://example.org/styleguide")
        #expect(!children(source, "updated").isEmpty)
        for entry in entries {
            for required in ["id", "title", "updated", "link", "content", "source", "author"] {
                #expect(!children(entry, required).isEmpty, "entry lacks \(required)")
            }
        }
    }

    @Test("feed.entries caps the document at the newest N stories")
    func entryLimit() throws {
        let stories = (0..<5).map { i in
            SyndicatedStory(
                record: record("s\(i)", updated: 1_700_000_000 + Double(i), sightings: [("feed", "https://example.org/\(i)")]),
                html: "<p>\(i)</p>", text: "\(i)")
        }
        let document = try XMLDocument(bytes: Array(render(stories, entries: 3).utf8))
        let ids = children(try #require(document.root), "entry").map { children($0, "id").first?.text ?? "" }
        #expect(ids == (2...4).reversed().map { "tag:example.org,2026:test:story:s\($0)" })
    }

    @Test("characters XML forbids never reach the document")
    func controlCharacters() throws {
        let story = SyndicatedStory(
            record: record("c", updated: 1_700_000_000, sightings: [("feed", "https://example.org/c")]),
            html: "<p>a\u{0001}b\u{000B}c</p>", text: "abc")
        let xml = render([story])
        #expect(!xml.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" })
        #expect(try XMLDocument(bytes: Array(xml.utf8)).root != nil)
    }

    @Test("xmlEscaped escapes the four markup characters, drops what XML forbids, keeps every other character")
    func escaping() {
        #expect("Käse & <Brot> \"frisch\"".xmlEscaped == "Käse &amp; &lt;Brot&gt; &quot;frisch&quot;")
        #expect("a\u{0001}b\u{000B}c\td\ne\rf".xmlEscaped == "abc\td\ne\rf")
        #expect("x\u{FFFE}y\u{FFFF}z\u{FFFD}".xmlEscaped == "xyz\u{FFFD}", "U+FFFE/U+FFFF dropped, U+FFFD kept")
        #expect("Ｆｕｌｌ ﬁ €".xmlEscaped == "Ｆｕｌｌ ﬁ €", "other characters with the lead byte 0xEF are kept")
        #expect("".xmlEscaped == "")
        #expect("plain text".xmlEscaped == "plain text")
        #expect("🇩🇪 &".xmlEscaped == "🇩🇪 &amp;")
    }

    @Test("jsonQuoted gives a JSON string literal that decodes back to the same text")
    func jsonQuoting() throws {
        let samples = [
            "", "plain", "Käse \"frisch\" \\ Brot", "a\nb\rc\td", "\u{0001}\u{001F}\u{007F}", "\u{2028}\u{2029}", "🇩🇪 </script>",
        ]
        for text in samples {
            let literal = text.jsonQuoted
            #expect(!literal.unicodeScalars.contains { $0.value < 0x20 }, "no raw control character in \(literal)")
            #expect(!literal.contains("\u{2028}") && !literal.contains("\u{2029}"))
            let decoded = try JSONSerialization.jsonObject(with: Data("[\(literal)]".utf8)) as? [String]
            #expect(decoded == [text])
        }
        #expect("a\"b".jsonQuoted == "\"a\\\"b\"")
        #expect("\u{0001}".jsonQuoted == "\"\\u0001\"")
    }

    @Test("summary: the first non-blank paragraph, whitespace collapsed, cut at a word near 300 characters")
    func summary() throws {
        func summary(of text: String) throws -> String? {
            let story = SyndicatedStory(
                record: record("s", updated: 1_700_000_000, sightings: [("feed", "https://example.org/s")]), html: "<p>x</p>",
                text: text)
            let feed = try #require(try XMLDocument(bytes: Array(render([story]).utf8)).root)
            return children(feed, "entry").first.flatMap { children($0, "summary").first?.text }
        }
        #expect(try summary(of: "\n\n  \n\nErster   Absatz\tmit\nUmbruch\n\nZweiter Absatz") == "Erster Absatz mit Umbruch")
        #expect(try summary(of: "Nur ein Absatz") == "Nur ein Absatz")
        #expect(try summary(of: "\n\n \u{00A0}\n\n") == nil, "a blank text has no summary")
        let long = (0..<80).map { "Wort\($0)" }.joined(separator: " ")
        let cut = try #require(try summary(of: long + "\n\nRest"))
        #expect(cut.hasSuffix(" …"))
        #expect(cut.count <= 302)
        #expect(long.hasPrefix(String(cut.dropLast(2))), "cut at a word boundary of the first paragraph")
        #expect(long.split(separator: " ").contains(Substring(cut.dropLast(2).split(separator: " ").last!)))
    }

    @Test("sources' categories and rights reach the entry; generator and feed author are set")
    func categoriesAndRights() throws {
        let story = SyndicatedStory(
            record: record("r", updated: 1_700_000_000, sightings: [("feed", "https://example.org/r"), ("page", "https://example.org/p")]),
            html: "<p>R</p>", text: "R")
        let sources = [
            "feed": SourceInfo(
                id: "feed", title: "RSS", link: URL(string: "https://example.org/rss.xml")!, updated: Date(timeIntervalSince1970: 0),
                categories: ["Finanzen", "Presse"], rights: "© Ministerium"),
            "page": SourceInfo(
                id: "page", title: "Seite", link: URL(string: "https://example.org/")!, updated: Date(timeIntervalSince1970: 0),
                categories: ["Presse", "Land"]),
        ]
        let head = AtomDocumentHead(id: "urn:x", title: "X", author: "Redaktion", fallbackUpdated: Date(timeIntervalSince1970: 0))
        let xml = AtomFeedWriter.document(head: head, stories: [story], sources: sources)
        let feed = try #require(try XMLDocument(bytes: Array(xml.utf8)).root)
        #expect(children(feed, "generator").first?.text == "Herold")
        #expect(children(feed, "author").first.map { children($0, "name").first?.text } == "Redaktion")
        let entry = try #require(children(feed, "entry").first)
        #expect(children(entry, "category").map { $0.attribute("term") } == ["feed", "page", "Finanzen", "Presse", "Land"])
        #expect(children(entry, "rights").first?.text == "© Ministerium")
        let source = try #require(children(entry, "source").first)
        #expect(children(source, "rights").first?.text == "© Ministerium")
        #expect(children(source, "updated").first?.text == "2023-11-14T22:13:20Z", "the time the revision was read")
    }

    @Test("a withdrawn story is an at:deleted-entry, not an entry; archive documents carry fh:archive")
    func tombstoneAndArchive() throws {
        var gone = record("g", updated: 1_700_000_000, sightings: [("feed", "https://example.org/g")])
        gone.withdrawn = Date(timeIntervalSince1970: 1_700_000_100)
        let live = record("l", updated: 1_700_000_000, sightings: [("feed", "https://example.org/l")])
        let head = AtomDocumentHead(
            id: "urn:x", title: "X", author: "X", fallbackUpdated: Date(timeIntervalSince1970: 0), isArchive: true,
            links: [("current", "application/atom+xml", "../feed.atom"), ("prev-archive", nil, "1.atom")])
        let xml = AtomFeedWriter.document(
            head: head, stories: [SyndicatedStory(record: gone, html: "", text: ""), SyndicatedStory(record: live, html: "<p>l</p>", text: "l")],
            sources: [:])
        let feed = try #require(try XMLDocument(bytes: Array(xml.utf8)).root)
        let tombstones = children(feed, "deleted-entry", "http://purl.org/atompub/tombstones/1.0")
        #expect(tombstones.map { $0.attribute("ref") } == ["tag:example.org,2026:test:story:g"])
        #expect(tombstones.first?.attribute("when") == "2023-11-14T22:15:00Z")
        #expect(children(feed, "entry").map { children($0, "id").first?.text } == ["tag:example.org,2026:test:story:l"])
        #expect(children(feed, "archive", "http://purl.org/syndication/history/1.0").count == 1)
        #expect(children(feed, "link").map { $0.attribute("rel") } == ["current", "prev-archive"])
    }
}
