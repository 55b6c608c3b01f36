@testable import Extraction
import Foundation
import Markup
import Testing

/// Blocks in which the site talks about itself or points elsewhere, kept at the end (or in the
/// middle) of an article: inline related links, next/previous-post links, image credits of
/// stock agencies, calls to get the app or join a channel, appeals to support the site, rights
/// notices and disclaimers, advertising disclosures, rating prompts, reading-time lines and
/// source lines. Each test has a negative side: article text that looks alike stays.
@Suite("Site notice rules")
struct SiteNoticeRuleTests {
    func text(_ body: String) throws -> String {
        let page = "<html><body><div class=\"article-body\">\(RecallRuleTests.paragraphs)\(body)</div></body></html>"
        let text = try extractedText(page)
        #expect(text.contains("Der Kreistag hat am Dienstag"))
        #expect(text.contains("mehr überdachte Haltestellen."))
        return text
    }

    @Test("a related heading with a colon and a link goes as one block; the same words before plain text stay")
    func inlineRelatedLinks() throws {
        let text = try text("""
            <p>Lesen Sie auch: <a href="/a">Neue Radwege im Landkreis geplant</a></p>
            <p>Le puede interesar: <a href="/b">El gobierno anuncia nuevas medidas</a></p>
            <p>Zum Thema: Der Landrat will die Haltestellen bis zum Herbst barrierefrei umbauen lassen.</p>
            <p>Tags: <a href="/t/bus">Bus</a>, <a href="/t/bahn">Bahn</a>, <a href="/t/kreistag">Kreistag</a>, \
            <a href="/t/nahverkehr">Nahverkehr</a>, <a href="/t/haltestellen">Haltestellen</a></p>
            """)
        #expect(!text.contains("Neue Radwege im Landkreis"))
        #expect(!text.contains("El gobierno anuncia"))
        #expect(!text.contains("Tags:"))
        // Without a link the colon introduces text.
        #expect(text.contains("Zum Thema: Der Landrat will die Haltestellen"))
    }

    @Test("a link to the next or previous post goes; a sentence that starts alike stays")
    func postNavigation() throws {
        let text = try text("""
            <p>Nächster Eintrag <a href="/b">Der Kreistag tagt wieder</a></p>
            <p>Article suivant <a href="/c">Les bus du soir arrivent</a></p>
            <p>Vorschau auf den nächsten Artikel</p>
            <p>Nächster Eintragungstermin für die Schülertickets ist der 1. August im Bürgerbüro.</p>
            """)
        #expect(!text.contains("Der Kreistag tagt wieder"))
        #expect(!text.contains("Les bus du soir"))
        #expect(!text.contains("Vorschau auf den nächsten Artikel"))
        #expect(text.contains("Nächster Eintragungstermin für die Schülertickets"))
    }

    @Test("a caption that ends in a stock agency, a symbolic-picture mark or (c) goes; an (a)–(c) enumeration stays")
    func stockCredits() throws {
        let text = try text("""
            <p>Ein Linienbus im Winter an der Haltestelle. (mlharing / iStock.com)</p>
            <p>Ein Busfahrer bei der Arbeit (Symbolbild).</p>
            <p>Die Haltestelle am Rathaus / (C) Max Muster</p>
            <p>Der Plan regelt (a) den Takt, (b) die Tarife und (c) den Ausbau der Haltestellen.</p>
            """)
        #expect(!text.contains("mlharing"))
        #expect(!text.contains("Ein Busfahrer bei der Arbeit"))
        #expect(!text.contains("Max Muster"))
        #expect(text.contains("Der Plan regelt (a) den Takt, (b) die Tarife und (c) den Ausbau"))
    }

    @Test("a call to get the site's app or join its channel goes; reporting about an app stays")
    func appCalls() throws {
        let text = try text("""
            <p>For the latest stories and breaking news updates download the Example apps for iOS and Android.</p>
            <p>¿Ya sabías que tenemos canal de Telegram? Únete desde tu celular en este enlace.</p>
            <p>Die App des Verkehrsverbunds zeigt ab Januar die Abfahrten in Echtzeit, für iOS und Android.</p>
            """)
        #expect(!text.contains("download the Example apps"))
        #expect(!text.contains("Únete desde tu celular"))
        #expect(text.contains("Die App des Verkehrsverbunds zeigt ab Januar"))
    }

    @Test("an appeal to support or join the site goes; a quoted appeal in the article stays")
    func appeals() throws {
        let text = try text("""
            <p>Wenn Ihnen unser Artikel gefallen hat: Unterstützen Sie diese Form des Journalismus.</p>
            <p>If you enjoyed reading this post – would you consider supporting our work? Just click here.</p>
            <p>„Werden Sie Mitglied im Fahrgastverband“, rief der Vorsitzende den Zuhörern im Saal zu.</p>
            """)
        #expect(!text.contains("Unterstützen Sie diese Form"))
        #expect(!text.contains("supporting our work"))
        #expect(text.contains("„Werden Sie Mitglied im Fahrgastverband“, rief der Vorsitzende"))
    }

    @Test("a rights notice or publisher disclaimer goes; an article that quotes the formula stays")
    func rightsNotices() throws {
        let text = try text("""
            <p>© 2022, Example News. This article is the copyrighted property of Example News.</p>
            <p>Dieser Beitrag gibt die Meinung des Autors wieder, nicht notwendigerweise die der Redaktion.</p>
            <p>(Alle Angaben ohne Gewähr)</p>
            <p>Zwischen dem klassischen Urheberrecht (all rights reserved) und der Gemeinfreiheit stehen die \
            freien Lizenzen, die der Verkehrsverbund für seine Fahrplandaten nutzt.</p>
            <p>No part of this site may be reproduced without written permission.</p>
            <p>Sofern nicht anders angegeben, stehen die Texte unter der Lizenz CC BY 4.0.</p>
            <p>The suspect entered the depot without permission, the police said on Monday.</p>
            <p>Sofern nicht anders vereinbart, fahren die Busse ab Montag wieder nach dem Winterfahrplan.</p>
            """)
        #expect(!text.contains("copyrighted property"))
        #expect(!text.contains("die Meinung des Autors"))
        #expect(!text.contains("ohne Gewähr"))
        #expect(!text.contains("reproduced without written permission"))
        #expect(!text.contains("Lizenz CC BY"))
        #expect(text.contains("Zwischen dem klassischen Urheberrecht (all rights reserved)"))
        #expect(text.contains("entered the depot without permission"), "prose, no word of rights or licences")
        #expect(text.contains("Sofern nicht anders vereinbart, fahren die Busse"))
    }

    @Test("an advertising or affiliate disclosure goes; article text about advertising stays")
    func advertisingDisclosures() throws {
        let text = try text("""
            <p>*Werbung. Dieser Beitrag enthält Werbung für eine Fahrradmarke.</p>
            <p>ANZEIGE - Heute mal ausgehen? Wie wäre es mit:</p>
            <p>This post contains affiliate links to products we like.</p>
            <p>Werbung an den Bussen bringt dem Verkehrsverbund jedes Jahr rund 200.000 Euro ein.</p>
            """)
        #expect(!text.contains("enthält Werbung"))
        #expect(!text.contains("Heute mal ausgehen"))
        #expect(!text.contains("affiliate links"))
        #expect(text.contains("Werbung an den Bussen bringt dem Verkehrsverbund"))
    }

    @Test("rating prompts, reading-time lines and source lines (also in parentheses) go; a duration or a sentence about a source stays")
    func promptsAndMetaLines() throws {
        let text = try text("""
            <p>War der Artikel nützlich? (95 Stimmen: 4,7 von 5)</p>
            <p>4 Min Read</p>
            <p>Lesezeit: 2 Minuten</p>
            <p>Źródło: ISBnews</p>
            <p>(Quelle: Foto Max Muster)</p>
            <p>Die Fahrt dauert 25 Minuten.</p>
            <p>(Quelle der Fahrgastzahlen ist die Zählung des Verkehrsverbunds im Herbst.)</p>
            """)
        #expect(!text.contains("War der Artikel nützlich"))
        #expect(!text.contains("4 Min Read"))
        #expect(!text.contains("Lesezeit"))
        #expect(!text.contains("ISBnews"))
        #expect(!text.contains("Foto Max Muster"))
        #expect(text.contains("(Quelle der Fahrgastzahlen ist die Zählung"))
        #expect(text.contains("Die Fahrt dauert 25 Minuten."))
    }

    @Test("a byline with the date goes; a period or a sentence that opens with \"Von\" and a date stays")
    func bylineDates() throws {
        let text = try text("""
            <p>von Anja Muster am 14. Mai 2014, 15:40 Uhr</p>
            <p>Von Felix Beispiel // 1. November 2023</p>
            <p>Von März 2020 bis Mai 2021</p>
            <p>Von Montag an fahren die Busse ab dem 14. Mai 2014 auch am Abend.</p>
            """)
        #expect(!text.contains("Anja Muster"))
        #expect(!text.contains("Felix Beispiel"))
        #expect(text.contains("Von März 2020 bis Mai 2021"))
        #expect(text.contains("Von Montag an fahren die Busse"))
    }

    @Test("an opinion piece styled `commentary` is no comment thread for the token rules and the scoring; `comment` still is")
    func commentaryIsArticle() throws {
        let extra = "<p>Ein Leser schreibt, er warte abends oft eine Stunde auf den letzten Bus, und fragt, warum die Linie "
            + "am Sonntag gar nicht fährt, obwohl dann viele Ausflügler kommen.</p>"
        let page = """
            <html><body><div class="sect commentary" id="a">\(RecallRuleTests.paragraphs)</div>
            <div class="comment-list" id="b">\(RecallRuleTests.paragraphs)\(extra)</div></body></html>
            """
        let document = try HTMLDocument(bytes: Array(page.utf8))
        let commentary = try #require(document.first("#a"))
        let comments = try #require(document.first("#b"))
        #expect(TokenMatcher.contentBoilerplateMatch(commentary) == .none)
        #expect(TokenMatcher.contentBoilerplateMatch(comments) == .strong)
        // The comment list holds a paragraph more; without the negative hint on the
        // commentary, the article still scores first and the comments stay out.
        let body = try #require(document.body)
        let roots = try #require(ContentFinder().score(body))
        #expect(roots.contains(commentary))
        #expect(!roots.contains(comments))
    }
}
