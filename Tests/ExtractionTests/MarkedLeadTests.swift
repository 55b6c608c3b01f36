import Extraction
import Foundation
import Testing

/// A lead the page marks by class (`lead`, `intro`, `standfirst`, ...) just before the content
/// container, missing from it, is put first even when the description meta paraphrases it
/// (`LeadRecovery.markedLead`); a link teaser marked `intro` before the content is not a lead.
@Suite("Marked lead")
struct MarkedLeadTests {
    @Test("a `p.lead` in the header before the article body is put first; the teaser before it is not")
    func leadBeforeBody() throws {
        let text = try extractedText(Self.withLead)
        #expect(text.hasPrefix("Der Kunststoffhersteller will seine Kompetenzen"))
        #expect(text.contains("Die Gruppe mit zunächst zwölf Beschäftigten"))
        #expect(!text.contains("Chemiepark wächst"))
    }

    @Test("a link teaser marked `intro` before the content is not taken for a lead")
    func linkTeaserIsNoLead() throws {
        let text = try extractedText(Self.withoutLead)
        #expect(text.hasPrefix("Die Gruppe mit zunächst zwölf Beschäftigten"))
        #expect(!text.contains("Chemiepark wächst"))
    }

    static let withLead = """
        <html><head><title>Forschungsgruppe</title>
        <meta name="description" content="Um das Potenzial der Biotechnologie besser zu nutzen, startet das Unternehmen eine neue Gruppe.">
        </head><body>
        <div class="reader">
        <div class="teaser-intro"><a href="/a">Chemiepark wächst: Drei neue Anlagen in Betrieb genommen und weitere geplant</a></div>
        <div class="article-header"><h1>Neue Forschungsgruppe für Biotechnologie</h1>
        <p class="lead">Der Kunststoffhersteller will seine Kompetenzen in der industriellen Biotechnologie ausbauen und hat dafür eine neue Forschungsgruppe gegründet.</p></div>
        <article class="article-body">
        <p>Die Gruppe mit zunächst zwölf Beschäftigten arbeitet im Labor in Leverkusen an Verfahren, mit denen sich Grundstoffe für Kunststoffe aus Zucker und Pflanzenresten gewinnen lassen.</p>
        <p>Erste Ergebnisse gibt es bereits: Ein Bakterienstamm stellt einen Baustein für Schaumstoffe her, der bisher nur aus Erdöl gewonnen wurde, und das in Mengen, die für eine Pilotanlage reichen.</p>
        <p>Bis zur industriellen Produktion werde es aber noch einige Jahre dauern, sagte die Leiterin der Gruppe, denn die Verfahren müssten erst im größeren Maßstab erprobt werden.</p>
        </article></div></body></html>
        """

    static let withoutLead = """
        <html><head><title>Forschungsgruppe</title>
        <meta name="description" content="Um das Potenzial der Biotechnologie besser zu nutzen, startet das Unternehmen eine neue Gruppe.">
        </head><body>
        <div class="reader">
        <div class="teaser-intro"><a href="/a">Chemiepark wächst: Drei neue Anlagen in Betrieb genommen und weitere geplant</a></div>
        <div class="article-header"><h1>Neue Forschungsgruppe für Biotechnologie</h1>
        </div>
        <article class="article-body">
        <p>Die Gruppe mit zunächst zwölf Beschäftigten arbeitet im Labor in Leverkusen an Verfahren, mit denen sich Grundstoffe für Kunststoffe aus Zucker und Pflanzenresten gewinnen lassen.</p>
        <p>Erste Ergebnisse gibt es bereits: Ein Bakterienstamm stellt einen Baustein für Schaumstoffe her, der bisher nur aus Erdöl gewonnen wurde, und das in Mengen, die für eine Pilotanlage reichen.</p>
        <p>Bis zur industriellen Produktion werde es aber noch einige Jahre dauern, sagte die Leiterin der Gruppe, denn die Verfahren müssten erst im größeren Maßstab erprobt werden.</p>
        </article></div></body></html>
        """
}
