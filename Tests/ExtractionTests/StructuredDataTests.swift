import Extraction
import FeedModel
import Foundation
import Testing

/// Rules that read the page's schema.org data: the JSON-LD `articleBody` as the text of a
/// script-rendered page, and a single microdata article item as the sign of an article page.
/// Each test has a negative side, so it fails if the rule fires everywhere.
@Suite("Structured data rules")
struct StructuredDataTests {
    func extract(_ page: String, url: String = "https://site.example/news/page") -> PageExtraction {
        Extractor().extract(Array(page.utf8), url: URL(string: url))
    }

    static let body = [
        "Der Gemeinderat hat am Montagabend mit großer Mehrheit beschlossen, das alte Hallenbad zu sanieren, statt es abzureißen und am Stadtrand neu zu bauen.",
        "Die Sanierung soll rund acht Millionen Euro kosten; das Land übernimmt nach der Zusage des Ministeriums knapp die Hälfte der Summe.",
        "Während der Bauzeit von zwei Jahren weichen die Schulen und Vereine in das Bad der Nachbargemeinde aus, die Busse dorthin zahlt die Stadt.",
    ]

    static func page(articleBody: String, dom: String) -> String {
        let json = "{\"@context\":\"https://schema.org\",\"@type\":\"NewsArticle\",\"headline\":\"Hallenbad wird saniert\","
            + "\"articleBody\":\(articleBody.jsonQuoted)}"
        return """
            <html><head><title>Hallenbad</title><script type="application/ld+json">\(json)</script></head>
            <body><div id="app"><h1>Hallenbad wird saniert</h1>\(dom)</div></body></html>
            """
    }

    @Test("a script-rendered page: the JSON-LD articleBody is the text, one paragraph a line")
    func articleBodyOfScriptRenderedPage() throws {
        let result = extract(Self.page(articleBody: Self.body.joined(separator: "\n"), dom: "<p>Wird geladen …</p>"))
        let text = try #require(result.article?.text)
        #expect(text == Self.body.joined(separator: "\n\n"))
        #expect(result.article?.html.contains("<p>Der Gemeinderat hat am Montagabend") == true)
    }

    @Test("the articleBody leaves a page alone whose DOM holds the article, and a teaser-length one is never used")
    func articleBodyLeftAlone() throws {
        // The DOM has the article: a sentence only in the JSON-LD must not appear.
        let dom = Self.body.map { "<p>\($0)</p>" }.joined()
        let declared = (Self.body + ["Dieser Satz steht nur in den strukturierten Daten der Seite und nirgends sonst."])
            .joined(separator: "\n")
        let full = try #require(extract(Self.page(articleBody: declared, dom: dom)).article?.text)
        #expect(full.contains("Die Sanierung soll rund acht Millionen Euro kosten"))
        #expect(!full.contains("Dieser Satz steht nur"))
        // A declared body of teaser length (under 250 characters) does not replace the DOM.
        let teaser = extract(Self.page(articleBody: Self.body[0], dom: "<p>Wird geladen …</p>")).article?.text ?? ""
        #expect(!teaser.contains("Der Gemeinderat hat am Montagabend"))
    }

    static func recipePage(teaserType: String?) -> String {
        let itemAttributes = teaserType.map { " itemscope itemtype=\"https://schema.org/\($0)\"" } ?? ""
        let teasers = ["apfelkuchen", "zwetschgendatschi", "kaesekuchen", "rhabarberkuchen", "nusszopf"].map { slug in
            """
            <div class="card"\(itemAttributes)><h3><a href="/rezepte/\(slug)">Rezept: \(slug.capitalized)</a></h3>
            <p>Ein Klassiker vom Blech, der mit wenigen Zutaten gelingt und sich gut vorbereiten lässt, auch für viele Gäste am Wochenende.</p></div>
            """
        }.joined(separator: "\n")
        return """
            <html><head><title>Rezept</title></head><body><main>
            <div class="recipe" itemscope itemtype="https://schema.org/Recipe"><h1>Streuselkuchen</h1>
            <p>Butter, Zucker und Mehl zu Streuseln verkneten und auf dem Hefeteig verteilen.</p>
            <p>Bei 180 Grad etwa 30 Minuten backen.</p></div>
            <div class="more">\(teasers)</div></main></body></html>
            """
    }

    @Test("one microdata Recipe item makes a page with a teaser list an article; a list of BlogPosting items stays a listing")
    func microdataArticleItem() throws {
        let recipe = extract(Self.recipePage(teaserType: nil), url: "https://backen.example/rezepte/streuselkuchen")
        #expect(recipe.kind == .article)
        #expect(recipe.article != nil)
        #expect(recipe.links.isEmpty)
        // Every teaser marked up as a BlogPosting (a blog index) besides the recipe: no single
        // article item, so the page is judged by its text, and it is a listing.
        let blog = extract(Self.recipePage(teaserType: "BlogPosting"), url: "https://backen.example/rezepte/streuselkuchen")
        #expect(blog.kind == .listing)
        #expect(blog.links.count == 5)
    }
}
