import Extraction
import Foundation
import Testing

/// A content-level boilerplate element that holds most (more than half) of the content's
/// paragraph text is kept (a class name is weak evidence against the bulk of the page), unless
/// it is a list: a `<ul>`/`<ol>` named related, comments or teasers is its items, however long
/// their excerpts. A comment box with less than half of the text goes.
@Suite("Boilerplate lists and the bulk of the content")
struct BoilerplateListTests {
    @Test("a related-posts list with long excerpts goes even when it holds most of the text; a plain list stays")
    func relatedList() throws {
        let text = try extractedText(Self.related)
        #expect(text.contains("Von der Presse kaum gewürdigt"))
        #expect(text.contains("Der Film läuft ab Donnerstag"))
        #expect(text.contains("Die neue Verfassung wurde von fünfundzwanzig"))
        #expect(!text.contains("Der Streit um den Rettungsschirm"))
        #expect(!text.contains("Immobilienblasen verloren Millionen"))
        #expect(!text.contains("Die hiesigen Medien schwören"))
    }

    @Test("a block with a boilerplate class that holds most of the text is still kept")
    func bulkBlockStays() throws {
        let text = try extractedText(Self.bulk)
        #expect(text.contains("Von der Presse kaum gewürdigt"))
        #expect(text.contains("Ein Dokumentarfilm begleitet"))
        #expect(text.contains("Der Film läuft ab Donnerstag"))
    }

    @Test("a comment box with 45 % of the paragraph text goes; the article stays")
    func commentBox() throws {
        let text = try extractedText(Self.comments)
        #expect(text.contains("Die Verkehrsgesellschaft meldet"))
        #expect(text.contains("Begleitpersonal in den Nachtstunden"))
        #expect(!text.contains("Hausregeln für Kommentare"))
        #expect(!text.contains("Kommentare werden moderiert"))
    }

    static let comments = """
        <html><head><title>Angriffe</title></head><body>
        <article class="story"><h1>Angriffe auf Busfahrer nehmen zu</h1>
        <p>Die Verkehrsgesellschaft meldet für das vergangene Jahr doppelt so viele Angriffe auf ihre Fahrerinnen und Fahrer wie im Jahr davor.</p>
        <p>Im Schnitt wurde damit an jedem dritten Tag ein Fahrer beleidigt, bedroht oder geschlagen.</p>
        <p>Die meisten Übergriffe geschehen am späten Abend auf den Linien in die Außenbezirke, oft nach Streit um Fahrscheine oder Masken.</p>
        <p>Das Unternehmen will nun Kameras in allen Bussen einbauen und die Fahrerkabinen mit Scheiben schützen, die Gewerkschaft fordert zusätzlich Begleitpersonal in den Nachtstunden.</p>
        <div class="comments-box"><p>Hausregeln für Kommentare</p>
        <p>Wir freuen uns über Kommentare zu unseren Artikeln. Einzelne Kommentare können auf der Website oder in der Zeitung veröffentlicht werden.</p>
        <p>Kommentare werden moderiert, und nicht jeder eingesandte Kommentar kann erscheinen. Bitte bleiben Sie sachlich und beim Thema.</p>
        <p>Schreiben Sie bitte nicht in Großbuchstaben, und nutzen Sie die Kommentare nicht für Werbung oder für Hinweise in eigener Sache.</p>
        </div>
        </article></body></html>
        """

    static let related = """
        <html><head><title>Island</title></head><body>
        <div id="content"><div class="post"><h1>Ein Volk befreit sich</h1><div class="entry">
        <p>Von der Presse kaum gewürdigt, haben die Isländer den Zusammenbruch ihrer Banken genutzt, um sich neu aufzustellen.</p>
        <p>Ein Dokumentarfilm begleitet die Bürgerversammlungen, in denen eine neue Verfassung entworfen wurde, und spricht mit den Menschen, die dort mitgeschrieben haben.</p>
        <p>Der Film läuft ab Donnerstag in ausgewählten Kinos und ist danach in der Mediathek zu sehen.</p>
        <ul class="related-posts">
        <li><a href="/a">Der Streit um den Rettungsschirm</a><br><small>Vor dem Urteil des Verfassungsgerichts demonstrieren Tausende in Karlsruhe gegen den Rettungsschirm und fordern eine Volksabstimmung über die Verträge, die den Haushalt auf Jahrzehnte binden würden.</small></li>
        <li><a href="/b">Wie Immobilienblasen entstehen</a><br><small>In den von Banken befeuerten Immobilienblasen verloren Millionen Familien ihre Häuser, während die Verantwortlichen mit Boni aus der Krise gingen, zeigt eine neue Studie aus drei Ländern.</small></li>
        <li><a href="/c">Medien in der Krise</a><br><small>Die hiesigen Medien schwören die Bevölkerung auf Gedeih und Verderb auf den Euro ein, kritisiert ein Medienforscher, und sie ließen Gegenstimmen kaum zu Wort kommen, auch nicht in den Talkshows.</small></li>
        </ul>
        <ul class="facts">
        <li>Die neue Verfassung wurde von fünfundzwanzig gewählten Bürgerinnen und Bürgern entworfen, die keiner Partei angehören durften.</li>
        <li>Über den Entwurf stimmten zwei Drittel der Wählerinnen und Wähler in einem Referendum mit Ja.</li>
        </ul>
        </div></div></div></body></html>
        """

    static let bulk = """
        <html><head><title>Island</title></head><body>
        <div id="content"><div class="post"><h1>Ein Volk befreit sich</h1><div class="entry">
        <p>Kurz vorab: Der Film ist Teil unserer Reihe über Bürgerbeteiligung in Europa.</p>
        <div class="promo-story">
        <p>Von der Presse kaum gewürdigt, haben die Isländer den Zusammenbruch ihrer Banken genutzt, um sich neu aufzustellen.</p>
        <p>Ein Dokumentarfilm begleitet die Bürgerversammlungen, in denen eine neue Verfassung entworfen wurde, und spricht mit den Menschen, die dort mitgeschrieben haben.</p>
        <p>Der Film läuft ab Donnerstag in ausgewählten Kinos und ist danach in der Mediathek zu sehen.</p>
        </div>
        </div></div></div></body></html>
        """
}
