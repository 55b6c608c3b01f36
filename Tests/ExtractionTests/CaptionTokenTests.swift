import Extraction
import Foundation
import Testing

/// An element whose class or id names an image caption (`Rules.contentTokenParts`: "caption",
/// as in `wp-caption-text`) is content boilerplate: the caption leaves the text, the article's
/// paragraphs beside it stay, and the image is still listed in `Article.images`.
@Suite("Caption token")
struct CaptionTokenTests {
    @Test("a `wp-caption` box goes from the text; the paragraphs around it and the image stay")
    func captionBox() throws {
        let article = try #require(
            Extractor().extract(Array(Self.page.utf8), url: URL(string: "https://site.example/presse/praesidentin")).article)
        #expect(article.text.contains("Die Delegiertenversammlung hat am Mittwoch"))
        #expect(article.text.contains("Sie war zuvor zehn Jahre lang"))
        #expect(article.text.contains("für bezahlbaren Wohnraum einzusetzen."))
        #expect(!article.text.contains("bei ihrer Vorstellung vor den Delegierten"))
        #expect(article.images.map(\.src.path) == ["/bild.jpg"])
    }

    static let page = """
        <html><head><title>Neue Präsidentin</title></head><body>
        <article><h1>Neue Präsidentin gewählt</h1>
        <div class="article-text">
        <p>Die Delegiertenversammlung hat am Mittwoch in Freiburg eine neue Präsidentin gewählt, die das Amt im Januar von ihrem Vorgänger übernimmt.</p>
        <div class="wp-caption alignnone"><img src="/bild.jpg" width="600" height="400" alt="">
        <p class="wp-caption-text">Die neue Präsidentin bei ihrer Vorstellung vor den Delegierten im großen Saal des Verbandshauses.</p></div>
        <p>Sie war zuvor zehn Jahre lang Vorstand für Sozialpolitik und hat in dieser Zeit die Kampagnen des Verbandes gegen Kinderarmut geleitet.</p>
        <p>In ihrer ersten Rede kündigte sie an, sich vor allem für bessere Arbeitsbedingungen in der Pflege und für bezahlbaren Wohnraum einzusetzen.</p>
        </div></article></body></html>
        """
}
