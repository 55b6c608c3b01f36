import Extraction
import Foundation
import Testing

/// An article whose body a CMS splits into sibling sections (`ContentFinder.withParts`): the
/// scoring and the semantic pick see one section; its siblings of the same tag and class
/// (through wrappers that hold nothing else) are the other parts. Each test has a must-go
/// side: a sibling with a linked heading (another article's teaser), a comment block, and a
/// sibling that shares only a layout class ("row") are not parts.
@Suite("Article parts")
struct ArticlePartsTests {
    @Test("three `articleBody` sections, each in its own wrapper, are one article; a teaser and comments beside them go")
    func semanticSections() throws {
        let text = try extractedText(Self.sections)
        #expect(text.contains("Der Kreistag hat am Dienstag"))
        #expect(text.contains("Kritik vom Fahrgastverband"))
        #expect(text.contains("Ob der Plan aufgeht"))
        #expect(text.contains("Für die Schülerinnen und Schüler"))
        #expect(!text.contains("Radweg an der Gera"))
        #expect(!text.contains("Nach jahrelangem Streit"))
        #expect(!text.contains("Leserkommentar"))
        #expect(!text.contains("Anzeige"))
    }

    @Test("scored sections of one class (one with an extra class) are one article, with their headings")
    func scoredSections() throws {
        let text = try extractedText(Self.scored)
        #expect(text.contains("Wer räumen muss"))
        #expect(text.contains("Hausbesitzer sind gesetzlich dazu verpflichtet"))
        #expect(text.contains("Wenn sich ein Passant"))
        #expect(text.contains("Fitnesstraining an der frischen Luft"))
        #expect(!text.contains("Unser Magazin berichtet"))
    }

    @Test("a sibling that shares only a layout class (`row`) is not a part")
    func layoutSibling() throws {
        let text = try extractedText(Self.layout)
        #expect(text.contains("Der Kreistag hat am Dienstag"))
        #expect(text.contains("Ob der Plan aufgeht"))
        #expect(!text.contains("Unser Magazin berichtet"))
    }

    @Test("a related box that is most of one part, but not of the article, goes; the part's own text stays")
    func relatedBoxInPart() throws {
        let text = try extractedText(Self.relatedInPart)
        #expect(text.contains("Mit einem alten Balgengerät"))
        #expect(text.contains("Wer tiefer einsteigen will"))
        #expect(!text.contains("Relevantes aus dem Archiv"))
        #expect(!text.contains("Und zuletzt im Archiv"))
    }

    static let relatedInPart = """
        <html><head><title>Makrofotos</title></head><body>
        <div class="page"><div class="content">
        <div class="post-part" itemprop="articleBody"><h1>Makrofotos von Insekten</h1>
        <p>Mit einem alten Balgengerät und einem Objektiv aus den Siebzigern lassen sich erstaunlich scharfe Bilder von Fliegen, Käfern und Spinnen machen, wenn man geduldig ist.</p>
        <p>Am besten gelingen die Aufnahmen am frühen Morgen, wenn die Tiere noch klamm und unbeweglich sind und der Tau auf ihren Flügeln liegt, der das Licht bricht.</p>
        <p>Ein kleiner Blitz mit einem Diffusor aus Backpapier sorgt dafür, dass auch bei geschlossener Blende genug Licht auf das Motiv fällt, ohne harte Schatten zu werfen.</p>
        </div>
        <div class="post-part" itemprop="articleBody">
        <p>Wer tiefer einsteigen will, findet im Fachhandel gebrauchte Balgengeräte schon für wenige Euro, oft zusammen mit passenden Zwischenringen und Adaptern.</p>
        <div class="related-posts"><p>Relevantes aus dem Archiv: Im vergangenen Sommer haben wir gezeigt, wie man mit einem umgedrehten Objektiv Schneeflocken fotografiert und welche Adapter es dafür gibt.</p>
        <p>Außerdem im Archiv: ein Bericht über die Fotoausstellung im Naturkundemuseum, bei der Aufnahmen von Libellen und Schmetterlingen aus der ganzen Region zu sehen waren.</p>
        <p>Und zuletzt im Archiv: eine Anleitung für ein Lichtzelt aus Pappe und Transparentpapier, in dem sich auch glänzende Käfer ohne Spiegelungen fotografieren lassen.</p></div>
        </div>
        </div></div></body></html>
        """

    static let sections = """
        <html><head><title>Neuer Nahverkehrsplan</title></head><body>
        <header><nav><a href="/">Start</a> <a href="/politik">Politik</a></nav></header>
        <main><article class="story"><h1>Neuer Nahverkehrsplan beschlossen</h1>
        <div class="story-wrap"><section class="story-section" itemprop="articleBody">
        <p>Der Kreistag hat am Dienstag den neuen Nahverkehrsplan beschlossen, der ab dem kommenden Jahr dichtere Takte auf den Buslinien zwischen den Dörfern und der Kreisstadt vorsieht.</p>
        <p>Die Kosten von rund vier Millionen Euro im Jahr teilen sich der Landkreis und das Land, die Gemeinden beteiligen sich über die Kreisumlage an den zusätzlichen Fahrten am Abend.</p>
        </section></div>
        <div class="ad-slot">Anzeige</div>
        <div class="story-wrap"><section class="story-section" itemprop="articleBody">
        <h2>Kritik vom Fahrgastverband</h2>
        <p>Der Fahrgastverband begrüßte den Beschluss, forderte aber zusätzlich bessere Anschlüsse an die Züge in Richtung der Landeshauptstadt und mehr überdachte Haltestellen.</p>
        <p>Im Frühjahr sollen außerdem zwei neue Rufbuslinien den Norden des Landkreises erschließen, wo bisher nur Schulbusse am Morgen und am Mittag fahren. Die Verkehrsgesellschaft sucht dafür zwölf zusätzliche Fahrerinnen und Fahrer, die sie ab dem Herbst in der eigenen Werkstatt selbst ausbildet, und sie will die Fahrzeuge mit Rampen für Rollstühle und Kinderwagen ausstatten.</p>
        <p>Ob der Plan aufgeht, will der Kreistag nach zwei Jahren anhand der Fahrgastzahlen und einer Umfrage unter den Fahrgästen auf allen Linien überprüfen lassen, bevor er über weitere Linien entscheidet.</p>
        </section></div>
        <div class="story-wrap"><section class="story-section" itemprop="articleBody">
        <p>Für die Schülerinnen und Schüler ändert sich zunächst wenig: Die Schulbusse fahren weiter zu den gewohnten Zeiten, nur die Haltestellen in den Neubaugebieten kommen hinzu.</p>
        </section></div>
        <div class="story-wrap"><section class="story-section">
        <h2><a href="/politik/radweg">Radweg an der Gera wird gebaut</a></h2>
        <p>Nach jahrelangem Streit um die Trasse beginnt im Sommer der Bau des Radwegs zwischen Arnstadt und Plaue, den das Land zu drei Vierteln bezahlt und der vor allem Pendlern dienen soll.</p>
        </section></div>
        <div class="story-wrap comments"><section class="story-section">
        <p>Leserkommentar: Endlich fährt abends wieder ein Bus in unser Dorf, das haben wir uns seit Jahren gewünscht, und hoffentlich bleibt es auch nach den zwei Probejahren dabei.</p>
        </section></div>
        </article></main></body></html>
        """

    static let scored = """
        <html><head><title>Schneeräumpflicht</title></head><body>
        <div class="page"><div class="row">
        <div class="col-md-8"><div class="content-body">
        <div class="cssSection"><h2>Wer räumen muss</h2><div class="cssSectionBody">
        <p>Hausbesitzer sind gesetzlich dazu verpflichtet, die Gehwege vor ihrem Grundstück von Schnee und Eis zu befreien, meist werktags ab sieben Uhr und am Wochenende etwas später.</p>
        <p>Die Gemeinden regeln in ihren Satzungen, wie breit der geräumte Streifen sein muss und wann gestreut werden muss; oft reicht ein Meter, damit zwei Fußgänger aneinander vorbeikommen.</p>
        </div></div>
        <div class="cssSection cssItemLast"><h2>Wer haftet</h2><div class="cssSectionBody">
        <p>Wenn sich ein Passant auf einem nicht geräumten Gehweg verletzt, haftet in der Regel der Eigentümer, der die Pflicht aber an Mieter oder einen Winterdienst übertragen kann, sofern das im Vertrag steht.</p>
        <p>Wer die Arbeit an einen Dienstleister vergibt, muss trotzdem stichprobenartig prüfen, ob tatsächlich geräumt wurde, sonst bleibt er für Unfälle verantwortlich, auch wenn er die Rechnung bezahlt hat.</p>
        <p>Manche Versicherungen decken solche Schäden über die Haus- und Grundbesitzerhaftpflicht ab, die Privathaftpflicht dagegen nur bei selbst bewohnten Einfamilienhäusern, was viele Eigentümer nicht wissen.</p>
        <p>Schneeschippen ist übrigens auch ein Fitnesstraining an der frischen Luft, bei dem man in einer halben Stunde so viel Energie verbraucht wie bei einem zügigen Spaziergang von einer Stunde.</p>
        </div></div>
        </div></div>
        <div class="col-md-4"><div class="about">
        <p>Unser Magazin berichtet seit vielen Jahren über das Bauen, Wohnen und Renovieren, mit Ratgebern, Reportagen und Tipps von Fachleuten aus Handwerk und Architektur für Eigentümer und Mieter.</p>
        <p>Die Redaktion sitzt in München und arbeitet mit freien Autorinnen und Autoren aus dem ganzen Land zusammen, die über Baustellen, Förderprogramme und neue Vorschriften schreiben.</p>
        </div></div>
        </div></div></body></html>
        """

    static let layout = """
        <html><head><title>Nahverkehr</title></head><body>
        <div class="page">
        <div class="row post"><div class="col-md-12 text">
        <p>Der Kreistag hat am Dienstag den neuen Nahverkehrsplan beschlossen, der ab dem kommenden Jahr dichtere Takte auf den Buslinien zwischen den Dörfern und der Kreisstadt vorsieht.</p>
        <p>Die Kosten von rund vier Millionen Euro im Jahr teilen sich der Landkreis und das Land, die Gemeinden beteiligen sich über die Kreisumlage an den zusätzlichen Fahrten am Abend.</p>
        <p>Der Fahrgastverband begrüßte den Beschluss, forderte aber zusätzlich bessere Anschlüsse an die Züge in Richtung der Landeshauptstadt und mehr überdachte Haltestellen.</p>
        <p>Ob der Plan aufgeht, will der Kreistag nach zwei Jahren anhand der Fahrgastzahlen und einer Umfrage unter den Fahrgästen auf allen Linien überprüfen lassen, bevor er über weitere Linien entscheidet.</p>
        </div></div>
        <div class="row"><div class="col-md-12">
        <p>Unser Magazin berichtet seit vielen Jahren über den Landkreis und seine Gemeinden, mit Reportagen aus den Dörfern und Berichten aus dem Kreistag.</p>
        </div></div>
        </div></body></html>
        """
}
