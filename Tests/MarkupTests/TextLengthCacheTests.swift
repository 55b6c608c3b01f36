import Markup
import Testing

/// `Node.textLength` keeps each element's count in the element until the tree changes: these
/// tests hold every cached count against a count made afresh from `text`, before and after
/// removals and unwraps, so a stale count anywhere in the tree fails them.
@Suite("Cached text lengths")
struct TextLengthCacheTests {
    /// The documented measure, from the built string: scalars that are not ASCII white space
    /// (space, LF, TAB, CR, FF).
    static func fresh(_ node: Node) -> Int {
        node.text.unicodeScalars.filter { ![0x20, 0x0A, 0x09, 0x0D, 0x0C].contains($0.value) }.count
    }

    static let page = """
        <html><body><div id=outer> Vorwort <section><h2>Titel</h2><p>Erster Absatz mit <a href=/x>einem Link</a>, \
        Umlauten äöü und\tTab.</p><p>Zweiter <b>fetter <i>kursiver</i></b> Text.</p><!-- Kommentar zählt nicht --></section>\
        <ul><li>eins</li><li>zwei <span>drei</span></li></ul><div class=box><p>Kasten 😀</p><script>var x = 1;</script>\
        </div></div><footer>Fuß</footer></body></html>
        """

    func expectAllFresh(_ document: HTMLDocument) throws {
        let root = try #require(document.root)
        #expect(root.textLength == Self.fresh(root))
        for element in root.descendantElements {
            #expect(element.textLength == Self.fresh(element), "\(element.name)")
        }
    }

    @Test("every element's count equals a fresh one, asked root first or leaves first")
    func consistent() throws {
        let top = try HTMLDocument(bytes: Array(Self.page.utf8))
        try expectAllFresh(top)
        let bottom = try HTMLDocument(bytes: Array(Self.page.utf8))
        for element in try #require(bottom.root).descendantElements.reversed() {
            #expect(element.textLength == Self.fresh(element))
        }
        try expectAllFresh(bottom)
        #expect(try #require(top.root).textLength > 50)
    }

    @Test("counts follow removals and unwraps, in ancestors and in removed subtrees")
    func invalidation() throws {
        let document = try HTMLDocument(bytes: Array(Self.page.utf8))
        let root = try #require(document.root)
        let before = root.textLength
        let section = try #require(document.first("section"))
        let sectionLength = section.textLength
        let firstParagraph = try #require(section.first("p"))
        let removed = firstParagraph.textLength
        #expect(removed > 0)
        firstParagraph.remove()
        #expect(root.textLength == before - removed)
        #expect(section.textLength == sectionLength - removed)
        #expect(firstParagraph.textLength == removed)
        try expectAllFresh(document)

        // Unwrapping keeps the text: every count stays what a fresh count says.
        try #require(document.first("b")).unwrap()
        #expect(root.textLength == before - removed)
        try expectAllFresh(document)

        // Remove elements one by one, checking the whole tree after each.
        while let element = root.descendantElements.first(where: { !$0.hasName("body") }) {
            element.remove()
            try expectAllFresh(document)
        }
        #expect(root.textLength == 0)
    }
}
