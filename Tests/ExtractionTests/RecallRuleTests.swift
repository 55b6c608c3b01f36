import Extraction
import Foundation
import Testing

/// Rules that keep article text the cleaning used to lose: NUL bytes in the page, blocks
/// matched only by a weak class token (`teaser`, `widget`, `author`), and a lead that sits
/// outside the content container; and the content tokens that drop disclaimers and post
/// metadata. Each test has a negative side, so it fails if the rule keeps everything.
@Suite("Recall and boilerplate rules")
struct RecallRuleTests {
    static let paragraphs = """
        <p>Der Kreistag hat am Dienstag den neuen Nahverkehrsplan beschlossen, der ab dem kommenden Jahr dichtere \
        Takte auf den Buslinien zwischen den Dörfern und der Kreisstadt vorsieht.</p>
        <p>Die Kosten von rund vier Millionen Euro im Jahr teilen sich der Landkreis und das Land, die Gemeinden \
        beteiligen sich über die Kreisumlage an den zusätzlichen Fahrten am Abend.</p>
        <p>Der Fahrgastverband begrüßte den Beschluss, forderte aber zusätzlich bessere Anschlüsse an die Züge \
        in Richtung der Landeshauptstadt und mehr überdachte Haltestellen.</p>
        """

    @Test("NUL bytes in a page do not cut off the text after them")
    func nulBytes() throws {
        var bytes = Array("<html><body><article><h1>Nahverkehr</h1>".utf8)
        bytes += [0, 0]
        bytes += Array((Self.paragraphs + "</article></body></html>").utf8)
        let article = try #require(Extractor().extract(bytes, url: nil).article)
        #expect(article.text.contains("Der Kreistag hat am Dienstag"))
        #expect(article.text.contains("mehr überdachte Haltestellen."))
        #expect(!article.text.contains("\u{0}"))
    }

    @Test("a lead paragraph with the class `teaser` stays; a teaser list of links goes")
    func teaserLead() throws {
        let page = """
            <html><body><div class="article-body"><h1>Neuer Nahverkehrsplan</h1>
            <p class="teaser">Mehr Busse am Abend: Der Landkreis verdichtet ab Januar den Takt auf elf Linien.</p>
            \(Self.paragraphs)
            <div class="teaser"><a href="/a">Radweg an der Gera wird gebaut</a> <a href="/b">Neue Ampel am Markt</a>
            <a href="/c">Schulbau beginnt im Herbst</a></div>
            </div></body></html>
            """
        let text = try extractedText(page)
        #expect(text.contains("Mehr Busse am Abend: Der Landkreis verdichtet"))
        #expect(text.contains("Der Fahrgastverband begrüßte den Beschluss"))
        #expect(!text.contains("Radweg an der Gera"))
    }

    /// Three text widgets of two paragraphs each (every paragraph has at least 120 characters
    /// besides white space): none holds most of the text, so none is protected as the bulk of
    /// the page.
    static var widgets: String {
        let more = [
            "Im Frühjahr sollen außerdem zwei neue Rufbuslinien den Norden des Landkreises erschließen, wo bisher nur Schulbusse am Morgen und am Mittag fahren.",
            "Die Verkehrsgesellschaft sucht dafür zwölf zusätzliche Fahrerinnen und Fahrer und bildet sie ab dem Herbst in der eigenen Werkstatt selbst aus.",
            "Ob der Plan aufgeht, will der Kreistag nach zwei Jahren anhand der Fahrgastzahlen und einer Umfrage unter den Fahrgästen auf allen Linien überprüfen lassen.",
        ]
        let all = Self.paragraphs.split(separator: "\n").map(String.init) + more.map { "<p>\($0)</p>" }
        return stride(from: 0, to: all.count, by: 2).map { index in
            """
            <div class="elementor-widget elementor-widget-text-editor"><div class="elementor-widget-container">\
            \(all[index])\(all[index + 1])</div></div>
            """
        }.joined(separator: "\n")
    }

    @Test("a page builder's text widget with paragraphs stays; a sidebar widget of links goes")
    func textWidget() throws {
        let page = """
            <html><body><div class="entry-content">
            <div class="elementor-widget elementor-widget-heading"><h2>Neuer Nahverkehrsplan</h2></div>
            \(Self.widgets)
            <div class="widget widget_recent_entries"><p><a href="/a">Radweg an der Gera wird gebaut</a></p>
            <p><a href="/b">Neue Ampel am Markt</a> <a href="/c">Schulbau beginnt im Herbst</a></p></div>
            </div></body></html>
            """
        let text = try extractedText(page)
        #expect(text.contains("Der Kreistag hat am Dienstag"))
        #expect(text.contains("mehr überdachte Haltestellen."))
        #expect(text.contains("auf allen Linien überprüfen lassen."))
        #expect(!text.contains("Radweg an der Gera"))
    }

    @Test("an author box stays boilerplate: one short bio paragraph is not article text")
    func authorBox() throws {
        let page = """
            <html><body><div class="article-body">\(Self.paragraphs)
            <div class="author"><p>Anna Beispiel schreibt seit 2010 über Verkehr und Umwelt im Landkreis.</p></div>
            </div></body></html>
            """
        let text = try extractedText(page)
        #expect(text.contains("Der Kreistag hat am Dienstag"))
        #expect(!text.contains("Anna Beispiel"))
    }

    static let lead = "Mehr Busse am Abend und dichtere Takte: Der Landkreis verdichtet ab Januar den Nahverkehr auf elf Linien."

    func leadPage(description: String, header: String) -> String {
        """
        <html><head><meta property="og:description" content="\(description)"></head><body>
        <div class="stage"><h1>Neuer Nahverkehrsplan</h1>\(header)</div>
        <div class="layout"><div class="main-column"><div class="text">\(Self.paragraphs)</div></div>
        <div class="side"><p>Anzeige</p></div></div>
        </body></html>
        """
    }

    @Test("a lead outside the content container, named by the description meta, comes first")
    func leadRecovered() throws {
        // The description is cut off with an ellipsis, as many sites do.
        let text = try extractedText(leadPage(description: String(Self.lead.prefix(70)) + "…", header: "<p>\(Self.lead)</p>"))
        #expect(text.hasPrefix(Self.lead))
        #expect(text.contains("Der Kreistag hat am Dienstag"))
    }

    @Test("a description that is not visible on the page, or already in the text, adds nothing")
    func leadNotInvented() throws {
        let hidden = try extractedText(leadPage(description: Self.lead, header: ""))
        #expect(!hidden.contains("Mehr Busse am Abend"))
        #expect(hidden.contains("Der Kreistag hat am Dienstag"))
        let first = "Der Kreistag hat am Dienstag den neuen Nahverkehrsplan beschlossen, der ab dem kommenden Jahr"
        let inBody = try extractedText(leadPage(description: first, header: "<p>\(first) dichtere Takte vorsieht.</p>"))
        #expect(inBody.components(separatedBy: "Der Kreistag hat am Dienstag").count == 2)
    }

    @Test("a lead box that holds more than the lead: its boilerplate lines go, a paragraph the content holds is not repeated")
    func leadBoxFiltered() throws {
        let stem = "Mehr Busse am Abend: Der Landkreis verdichtet ab Januar den Takt auf elf Linien."
        let first = "Der Kreistag hat am Dienstag den neuen Nahverkehrsplan beschlossen, der ab dem kommenden Jahr dichtere "
            + "Takte auf den Buslinien zwischen den Dörfern und der Kreisstadt vorsieht."
        let header = """
            <div class="excerpt"><p>Mehr Busse am Abend:</p>
            <p>Der Landkreis verdichtet ab Januar den Takt auf elf Linien.</p>
            <p>\(first)</p>
            <p>Schreibe einen Kommentar</p></div>
            """
        let text = try extractedText(leadPage(description: stem, header: header))
        #expect(text.hasPrefix("Mehr Busse am Abend:"))
        #expect(text.contains("Der Landkreis verdichtet ab Januar den Takt auf elf Linien."))
        #expect(!text.contains("Schreibe einen Kommentar"))
        #expect(text.components(separatedBy: "Der Kreistag hat am Dienstag").count == 2)
        #expect(text.contains("mehr überdachte Haltestellen."))
    }

    @Test("a header outside <article> that holds the lead is kept for the lead; a site header is not")
    func leadInHeader() throws {
        // A header is kept only for a paragraph of at least 120 characters outside links.
        let lead = Self.lead + " Die Fahrgäste sollen schon im Frühjahr profitieren."
        let page = """
            <html><head><meta name="description" content="\(lead)"></head><body>
            <header class="site"><nav><a href="/">Start</a> <a href="/politik">Politik</a></nav>
            <p>Ihre Zeitung für den Landkreis</p></header>
            <header class="article-head"><h1>Neuer Nahverkehrsplan</h1><p>\(lead)</p></header>
            <article>\(Self.paragraphs)</article>
            </body></html>
            """
        let text = try extractedText(page)
        #expect(text.hasPrefix(lead))
        #expect(text.contains("Der Kreistag hat am Dienstag"))
        #expect(!text.contains("Ihre Zeitung für den Landkreis"))
        #expect(!text.contains("Politik"))
    }

    @Test("a disclaimer and a post-metadata line inside the article go, the article stays")
    func disclaimerAndMetadata() throws {
        let page = """
            <html><body><div class="article-body">
            <div class="post-metadata">Erstellt am Dienstag von der Redaktion in Verkehr</div>
            <div class="community-disclaimer"><p>Dieser Beitrag gibt die Meinung des Autors wieder, nicht \
            notwendigerweise die der Redaktion, und wurde nicht redaktionell geprüft.</p></div>
            \(Self.paragraphs)</div></body></html>
            """
        let text = try extractedText(page)
        #expect(text.contains("Der Kreistag hat am Dienstag"))
        #expect(text.contains("mehr überdachte Haltestellen."))
        #expect(!text.contains("Erstellt am Dienstag"))
        #expect(!text.contains("Meinung des Autors"))
    }

    @Test("an author section after the article goes from its heading; the article stays")
    func aboutTheAuthor() throws {
        let page = """
            <html><body><div class="article-body">\(Self.paragraphs)
            <h3>Über den Autor</h3><p>Anna Beispiel schreibt seit 2010 über Verkehr und Umwelt im Landkreis.</p>
            </div></body></html>
            """
        let text = try extractedText(page)
        #expect(text.contains("mehr überdachte Haltestellen."))
        #expect(!text.contains("Über den Autor"))
        #expect(!text.contains("Anna Beispiel"))
    }

    @Test("recommendation headings in German, Spanish and English open a dropped section; a heading that only starts alike stays")
    func recommendationHeadings() throws {
        for heading in [
            "Verwandte Beiträge", "Le puede interesar", "You might also like", "Mehr Themen:", "Lo más leído", "Meistgelesen",
            "Czytaj też",
        ] {
            let page = """
                <html><body><div class="article-body">\(Self.paragraphs)
                <h3>\(heading)</h3><p><a href="/a">Radweg an der Gera wird gebaut</a></p>
                <p><a href="/b">Neue Ampel am Markt</a></p></div></body></html>
                """
            let text = try extractedText(page)
            #expect(text.contains("mehr überdachte Haltestellen."), "\(heading)")
            #expect(!text.contains(heading), "\(heading)")
            #expect(!text.contains("Radweg an der Gera"), "\(heading)")
        }
        // Whole words only: "Mehr Themenvielfalt" is a section of the article, not a box.
        let page = """
            <html><body><div class="article-body">\(Self.paragraphs)
            <h3>Mehr Themenvielfalt im Kreistag</h3><p>Neben dem Nahverkehr beriet der Kreistag auch über die Schulen.</p>
            </div></body></html>
            """
        let text = try extractedText(page)
        #expect(text.contains("Mehr Themenvielfalt im Kreistag"))
        #expect(text.contains("beriet der Kreistag auch über die Schulen."))
    }

    @Test("a short caption that ends in a photo credit goes; a paragraph that names a photo in its text stays")
    func captionCredits() throws {
        let page = """
            <html><body><div class="article-body">\(Self.paragraphs)
            <div>Der neue Bus an der Haltestelle am Markt. Foto: Landratsamt/M. Muster</div>
            <p>Die Linie 3 fährt künftig bis zum Bahnhof. (Credit: Verkehrsverbund)</p>
            <p>Fahrgäste an der Haltestelle Rathaus. © Stadtwerke</p>
            <p>Titelbild: Busbahnhof am Abend, Archiv</p>
            <p>Zum Fotowettbewerb des Verbands können alle Fahrgäste ihre Bilder einreichen: Die Fotos werden im \
            Sommer an den Haltestellen ausgestellt, eine Jury vergibt drei Preise.</p>
            </div></body></html>
            """
        let text = try extractedText(page)
        #expect(text.contains("mehr überdachte Haltestellen."))
        #expect(!text.contains("Foto: Landratsamt"))
        #expect(!text.contains("Credit: Verkehrsverbund"))
        #expect(!text.contains("© Stadtwerke"))
        #expect(!text.contains("Titelbild:"))
        // "Bilder einreichen:" and "Fotos werden" are no credits: the word must stand before the colon.
        #expect(text.contains("Zum Fotowettbewerb des Verbands können alle Fahrgäste ihre Bilder einreichen"))
    }

    @Test("a short call to subscribe or follow on a channel goes; article text about a newsletter or an app stays")
    func callsToAction() throws {
        let page = """
            <html><body><div class="article-body">\(Self.paragraphs)
            <p>Never miss the latest news: sign up to our newsletter today!</p>
            <p>Síguenos en Telegram, Instagram y Twitter para recibir todas nuestras actualizaciones.</p>
            <p>Der Verkehrsverbund informiert in einem Newsletter über Fahrplanänderungen und baut seine App aus.</p>
            </div></body></html>
            """
        let text = try extractedText(page)
        #expect(text.contains("mehr überdachte Haltestellen."))
        #expect(!text.contains("sign up to our newsletter"))
        #expect(!text.contains("Síguenos en Telegram"))
        // A channel without a call to the reader is reporting.
        #expect(text.contains("Der Verkehrsverbund informiert in einem Newsletter"))
    }

    @Test("ruby annotations (furigana in <rt>) are left out; the annotated text stays in one paragraph")
    func rubyAnnotations() throws {
        let page = """
            <html><body><article><h1>ニュース</h1>
            <p><ruby>子<rt>こ</rt></ruby>どもへの<ruby>虐待<rp>(</rp><rt>ぎゃくたい</rt><rp>)</rp></ruby>をなくすための\
            <ruby>法律<rt>ほうりつ</rt></ruby>ができて、親が子どもを教育するために、たたいたり蹴ったりする体罰を禁止することになりました。\
            児童相談所などが子どもを守る仕組みも強くなります。</p>
            <p>新しい法律は来年の四月から始まります。親に専門家が子どもの育て方を教えることも決まりました。</p>
            </article></body></html>
            """
        let text = try extractedText(page)
        #expect(text.contains("子どもへの虐待をなくすための法律ができて、親が子どもを教育するために、"))
        #expect(!text.contains("ぎゃくたい"))
        #expect(!text.contains("ほうりつ"))
        // The reading aid does not split the paragraph: one blank-line break between the two.
        #expect(text.components(separatedBy: "\n\n").count == 2)
    }

    @Test("template labels (table of contents, categories, contact) go as whole blocks; a heading that contains such a word stays")
    func templateLabels() throws {
        let page = """
            <html><body><div class="article-body"><h2>Inhaltsverzeichnis</h2>\(Self.paragraphs)
            <h3>Kontakt:</h3><h3>Kategorien</h3>
            <h3>Kontaktbeschränkungen gelten weiter</h3><p>Der Landrat bat die Fahrgäste, in den Bussen weiterhin \
            Abstand zu halten und die Fenster bei längeren Fahrten zu öffnen.</p>
            </div></body></html>
            """
        let text = try extractedText(page)
        #expect(text.contains("mehr überdachte Haltestellen."))
        #expect(!text.contains("Inhaltsverzeichnis"))
        #expect(!text.contains("Kontakt:"))
        #expect(!text.contains("Kategorien"))
        #expect(text.contains("Kontaktbeschränkungen gelten weiter"))
    }

    @Test("a line that is only a date stamp goes; a line with a date and other words stays")
    func dateStampLines() throws {
        let page = """
            <html><body><div class="article-body"><p>Aktualisiert am 17.01.2021, 10:27 Uhr</p>
            <p>15. Mai 2019</p>\(Self.paragraphs)
            <p>Einsendeschluss: 03.11.2019</p>
            <p>3 : 1 : 2</p>
            </div></body></html>
            """
        let text = try extractedText(page)
        #expect(text.contains("mehr überdachte Haltestellen."))
        #expect(!text.contains("Aktualisiert am 17.01.2021"))
        #expect(!text.contains("15. Mai 2019"))
        // A deadline is information; numbers without a date are not a date stamp.
        #expect(text.contains("Einsendeschluss: 03.11.2019"))
        #expect(text.contains("3 : 1 : 2"))
    }

    @Test("a paywall or login prompt goes; a sentence about reading on or logging in stays when it is reporting")
    func accessPrompts() throws {
        let page = """
            <html><body><div class="article-body">\(Self.paragraphs)
            <p>Wählen Sie Ihren Zugang und lesen Sie weiter:</p>
            <p>Sie müssen sich einloggen, um sich an einer Diskussion beteiligen zu können.</p>
            <p>Fahrgäste können sich künftig mit ihrer Kundenkarte am Automaten anmelden und Fahrten im Voraus bezahlen.</p>
            </div></body></html>
            """
        let text = try extractedText(page)
        #expect(text.contains("mehr überdachte Haltestellen."))
        #expect(!text.contains("lesen Sie weiter"))
        #expect(!text.contains("Sie müssen sich einloggen"))
        #expect(text.contains("mit ihrer Kundenkarte am Automaten anmelden"))
    }
}
