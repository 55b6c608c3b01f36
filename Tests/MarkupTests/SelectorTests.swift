import Markup
import Testing

@Suite("CSS selectors")
struct SelectorTests {
    @Test("compilation to XPath", arguments: [
        ("div", "descendant::div"),
        ("#main", "descendant::*[@id='main']"),
        (".news", "descendant::*[contains(concat(' ', normalize-space(@class), ' '), ' news ')]"),
        ("a[href]", "descendant::a[@href]"),
        ("a[rel=alternate]", "descendant::a[@rel='alternate']"),
        ("div > p", "descendant::div/p"),
        ("div p", "descendant::div/descendant::p"),
        ("h1, h2", "descendant::h1 | descendant::h2"),
        ("DIV.a.b", "descendant::div[contains(concat(' ', normalize-space(@class), ' '), ' a ')][contains(concat(' ', normalize-space(@class), ' '), ' b ')]"),
    ])
    func compile(_ pair: (String, String)) throws {
        #expect(try CSSSelector(pair.0).xpath == pair.1)
    }

    @Test("unsupported selectors are errors", arguments: ["a:hover", "a + b", "p ~ q", "[", "a[x=\"y]", ""])
    func unsupported(_ source: String) {
        #expect(throws: MarkupError.self) { try CSSSelector(source) }
    }

    @Test("quotes in attribute values")
    func quotes() throws {
        let doc = try HTMLDocument(bytes: Array("<p title=\"it's &quot;x&quot;\">a</p><p title='b'>b</p>".utf8))
        let matched = try doc.select("p[title='it\\'s \"x\"']")
        #expect(matched.count <= 1)
        #expect(try doc.select("p[title=\"b\"]").map(\.text) == ["b"])
    }

    static let page = """
        <html><body><div id="main" class="content wide"><h1>T</h1><p class="lead">L</p>
        <div class="box"><p>A</p><section><p>B</p></section></div></div>
        <ul><li><a href="/x" rel="alternate">x</a></li><li><a>y</a></li></ul>
        <div class="contentx"><p>C</p></div></body></html>
        """

    @Test("matching: tag, id, class, attribute, combinators, lists")
    func matching() throws {
        let doc = try HTMLDocument(bytes: Array(Self.page.utf8))
        #expect(try doc.select("#main p").map(\.text) == ["L", "A", "B"])
        #expect(try doc.select("#main > p").map(\.text) == ["L"])
        #expect(try doc.select(".box > p").map(\.text) == ["A"])
        #expect(try doc.select(".content").count == 1)  // not .contentx
        #expect(try doc.select("a[href]").map(\.text) == ["x"])
        #expect(try doc.select("a[href^='/']").count == 1)
        #expect(try doc.select("a[rel~=alternate]").count == 1)
        #expect(try doc.select("h1, .lead").map(\.text) == ["T", "L"])  // document order
        let box = try #require(doc.first(".box"))
        #expect(try box.select("p").map(\.text) == ["A", "B"])
        #expect(box.matches("div.box"))
        #expect(!box.matches("section"))
    }
}
