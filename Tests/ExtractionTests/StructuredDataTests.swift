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

    static func recipePage(ingredients: [String]?, steps: String, box: String) -> String {
        var json = "{\"@context\":\"https://schema.org\",\"@type\":\"Recipe\",\"name\":\"Apfelkuchen\""
        if let ingredients {
            json += ",\"recipeIngredient\":[" + ingredients.map(\.jsonQuoted).joined(separator: ",") + "]"
        }
        json += "}"
        return """
            <html><head><title>Apfelkuchen</title><script type="application/ld+json">\(json)</script></head>
            <body><div class="layout"><div class="ingredients-box">\(box)</div>
            <div class="recipe-steps"><h1>Apfelkuchen</h1>\(steps)</div></div></body></html>
            """
    }

    static let steps = """
        <p>Den Backofen auf 180 Grad vorheizen, die Form fetten und mit etwas Mehl ausstreuen, damit sich der Kuchen \
        später gut lösen lässt.</p>
        <p>Mehl, Zucker und das Ei zu einem glatten Teig verkneten, in die Form drücken und dabei einen Rand von etwa \
        zwei Zentimetern hochziehen.</p>
        <p>Die Äpfel schälen, vierteln und in dünne Spalten schneiden, fächerartig auf dem Teig verteilen und den Kuchen \
        etwa 45 Minuten goldbraun backen.</p>
        """

    static let ingredientTable = """
        <h2>Zutaten</h2><table>
        <tr><td>200 g</td><td>Mehl</td></tr>
        <tr><td>100 g</td><td>Zucker</td></tr>
        <tr><td>3</td><td>Äpfel, säuerlich</td></tr>
        <tr><td>1</td><td>Ei</td></tr>
        </table>
        """

    @Test("a recipe's declared ingredients bring their visible list when the content left it out; never the declaration itself")
    func recipeIngredients() throws {
        let ingredients = ["200 g Mehl", "100 g Zucker", "3 Äpfel, säuerlich", "1 Ei"]
        let page = Self.recipePage(ingredients: ingredients, steps: Self.steps, box: Self.ingredientTable)
        let text = try #require(extract(page).article?.text)
        #expect(text.contains("200 g Mehl"))
        #expect(text.contains("3 Äpfel, säuerlich"))
        #expect(text.contains("Die Äpfel schälen, vierteln"))
        // Without the declaration nothing is added.
        let undeclared = try #require(
            extract(Self.recipePage(ingredients: nil, steps: Self.steps, box: Self.ingredientTable)).article?.text)
        #expect(!undeclared.contains("200 g Mehl"))
        #expect(undeclared.contains("Die Äpfel schälen, vierteln"))
        // A declared list that is not on the page adds nothing (the declaration is not text).
        let invisible = try #require(
            extract(Self.recipePage(ingredients: ingredients, steps: Self.steps, box: "")).article?.text)
        #expect(!invisible.contains("Mehl\n") && !invisible.contains("200 g"))
    }
}
