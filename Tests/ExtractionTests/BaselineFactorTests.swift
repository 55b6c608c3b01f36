import Extraction
import Foundation
import Testing

/// The fallback cascade's baseline (every reading block of the page) replaces the main pick
/// when it holds more than `baselineFactor` (2.5) times its text: an article scattered over
/// unnamed wrappers, of which the scoring takes one, comes back whole (2.7 times); a page
/// whose other reading blocks are a sidebar of about the same size as the article (2 times)
/// keeps the main pick.
@Suite("Fallback baseline factor")
struct BaselineFactorTests {
    @Test("an article scattered over wrappers (2.7 times the scored pick) is recovered by the baseline")
    func scatteredArticle() throws {
        let text = try extractedText(Self.scattered)
        #expect(text.contains("Der Landkreis baut in diesem Jahr elf neue Radwege"))
        #expect(text.contains("Besonders umstritten war der Abschnitt am Stausee"))
        #expect(text.contains("Wer Hinweise auf gefährliche Stellen geben möchte"))
    }

    @Test("reading blocks beside the article that hold about as much as it (2 times) do not replace it")
    func sidebarOfArticleSize() throws {
        let text = try extractedText(Self.sidebar)
        #expect(text.contains("Der Landkreis baut in diesem Jahr elf neue Radwege"))
        #expect(text.contains("wenn das Wetter mitspielt"))
        #expect(!text.contains("Unser Verlag gibt seit vielen Jahren"))
        #expect(!text.contains("Die Redaktion erreichen Sie"))
    }

    static let scattered = """
        <html><head><title>Radwege</title></head><body>
        <h1>Elf neue Radwege</h1>
        <div class="main"><div class="text">
        <p>Der Landkreis baut in diesem Jahr elf neue Radwege entlang der Kreisstraßen, die meisten davon zwischen den Dörfern im Norden und der Kreisstadt.</p>
        <p>Die Kosten von rund sechs Millionen Euro trägt zu zwei Dritteln das Land, den Rest teilen sich der Landkreis und die beteiligten Gemeinden.</p>
        <p>Die ersten Abschnitte sollen schon im Mai fertig sein, die übrigen bis zum Herbst, wenn das Wetter mitspielt und die Baufirmen genug Personal haben.</p>
        </div></div>
        <div class="block0"><div><p>Besonders umstritten war der Abschnitt am Stausee, weil dort ein Brutgebiet seltener Vögel liegt, das nun mit einer Holzbrücke überquert wird.</p></div></div>
        <div class="block1"><div><p>Die Gemeinde Oberweiler hat zusätzlich beschlossen, den Weg zur Grundschule zu beleuchten, damit Kinder auch im Winter sicher mit dem Rad fahren können.</p></div></div>
        <div class="block2"><div><p>Der Fahrradclub lobte die Pläne, forderte aber eine bessere Beschilderung und Abstellanlagen an den Bahnhöfen, an denen viele Pendler umsteigen.</p></div></div>
        <div class="block3"><div><p>Für das kommende Jahr sind weitere fünf Radwege geplant, darunter die lange geforderte Verbindung zwischen den beiden Gewerbegebieten im Süden.</p></div></div>
        <div class="block4"><div><p>Wer Hinweise auf gefährliche Stellen geben möchte, kann das bis Ende März über ein Formular auf der Internetseite des Landkreises tun, hieß es.</p></div></div>
        </body></html>
        """

    static let sidebar = """
        <html><head><title>Radwege</title></head><body>
        <h1>Elf neue Radwege</h1>
        <div class="main"><div class="text">
        <p>Der Landkreis baut in diesem Jahr elf neue Radwege entlang der Kreisstraßen, die meisten davon zwischen den Dörfern im Norden und der Kreisstadt.</p>
        <p>Die Kosten von rund sechs Millionen Euro trägt zu zwei Dritteln das Land, den Rest teilen sich der Landkreis und die beteiligten Gemeinden.</p>
        <p>Die ersten Abschnitte sollen schon im Mai fertig sein, die übrigen bis zum Herbst, wenn das Wetter mitspielt und die Baufirmen genug Personal haben.</p>
        </div></div>
        <div class="box0"><div><p>Unser Verlag gibt seit vielen Jahren die Zeitung für den Landkreis heraus und berichtet täglich aus den Gemeinden, den Vereinen und dem Kreistag.</p></div></div>
        <div class="box1"><div><p>Die Redaktion erreichen Sie werktags von acht bis achtzehn Uhr, Hinweise auf Themen nehmen wir gern auch per Post oder am Empfang entgegen.</p></div></div>
        <div class="box2"><div><p>Abonnentinnen und Abonnenten lesen alle Artikel auch in der digitalen Ausgabe, die jeden Morgen ab fünf Uhr zum Herunterladen bereitsteht.</p></div></div>
        </body></html>
        """
}
