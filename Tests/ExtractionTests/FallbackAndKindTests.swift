import Extraction
import FeedModel
import Foundation
import Testing
import TestSupport

/// The listing-vs-article decision, the cleaning guard against page-wide wrappers, the
/// fallback cascade and the related-section rule, on the repository's own small pages in
/// `Fixtures/generic/` (each file says in a comment what it tests).
@Suite("Page kind and fallback")
struct FallbackAndKindTests {
    func extract(_ name: String, url: String = "https://site.example/news/page") throws -> PageExtraction {
        let bytes = try Fixtures.bytes(Fixtures.local("ExtractionTests", "generic/" + name))
        return Extractor().extract(bytes, url: URL(string: url), httpCharset: nil)
    }

    @Test("a listing whose teasers carry paragraph text and an intro is still a listing, links in order")
    func listingWithTeaserText() throws {
        let result = try extract("listing-with-teaser-text.html", url: "https://land.example/presse")
        #expect(result.kind == .listing)
        #expect(result.links.map(\.path) == [
            "/presse/2024/foerderung-dorflaeden", "/presse/2024/schulbau-programm", "/presse/2024/breitband-ausbau",
            "/presse/2024/waldbrand-vorsorge", "/presse/2024/ehrenamt-preis",
        ])
    }

    @Test("an article without <p>, with related links and comments, is an article; <br><br> splits paragraphs")
    func articleWithComments() throws {
        let result = try extract("article-with-comments.html", url: "https://blog.example/posts/old-bicycle")
        #expect(result.kind == .article)
        let text = try #require(result.article?.text)
        #expect(text.contains("Last winter I found an old steel bicycle"))
        #expect(text.contains("checking the rim against a cable tie fixed to the frame."))
        #expect(text.contains("covered in dust but otherwise complete.\n\nThe first job was the chain"))
        for forbidden in ["Related posts", "How to true a bicycle wheel", "Great write-up", "Which cables"] {
            #expect(!text.contains(forbidden), "\(forbidden)")
        }
    }

    @Test("the fallback cascade recovers a div-only article when a small box with a content class wins scoring")
    func misleadingClasses() throws {
        let result = try extract("misleading-classes.html")
        let text = try #require(result.article?.text)
        #expect(text.contains("Der Hochwasserschutz an der Unstrut"))
        #expect(text.contains("Geplant sind neue Deiche"))
        #expect(text.contains("sobald die Genehmigung der Landesverwaltung vorliegt."))
        #expect(!text.contains("Kontakt: 0361"))
    }

    @Test("an unclosed <header> and a complementary wrapper around the page do not take the article with them")
    func brokenWrapper() throws {
        let result = try extract("broken-wrapper.html")
        #expect(result.kind == .article)
        let text = try #require(result.article?.text)
        #expect(text.contains("Zwischen Erfurt und Weimar entsteht ein neuer Radweg"))
        #expect(text.contains("Die Bauarbeiten beginnen im Sommer"))
        // "Tagsüber" starts with "tags" but is no tag box.
        #expect(text.contains("Tagsüber bleibt die parallele Landstraße"))
        // The related section, its links and the photo credit go.
        for forbidden in ["Mehr zum Thema", "Radverkehr in Thüringen", "elektrifiziert", "Foto: Stadtverwaltung"] {
            #expect(!text.contains(forbidden), "\(forbidden)")
        }
    }

    @Test("the HTML rendering leaves out the same content boilerplate as the text")
    func htmlMatchesText() throws {
        let page = """
            <html><body><div class="article-body"><p>Der Landtag hat am Donnerstag den Haushalt für die kommenden zwei Jahre \
            beschlossen, mit großer Mehrheit und nach langer Debatte über die Investitionen.</p>\
            <p>Die Opposition kritisierte die Neuverschuldung, die Regierung verwies auf die Rücklagen des Landes.\
            <span class="share-bar">Teilen auf Facebook</span></p></div></body></html>
            """
        let article = try #require(Extractor().extract(Array(page.utf8), url: nil).article)
        #expect(!article.text.contains("Teilen auf Facebook"))
        #expect(!article.html.contains("Teilen auf Facebook"))
        #expect(article.html.contains("Rücklagen des Landes."))
    }
}
