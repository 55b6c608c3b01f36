import Markup
import Testing

@Suite("Documents and nodes")
struct DocumentTests {
    /// Returns a node whose document is no longer referenced by any variable.
    func orphanNode() throws -> Node {
        let doc = try HTMLDocument(bytes: Array("<html><body><p id=a>alive <b>and</b> well</p></body></html>".utf8))
        return try #require(doc.first("#a"))
    }

    @Test("a node keeps its document alive")
    func lifetime() throws {
        let node = try orphanNode()
        // Churn the allocator a little: a freed document would show here (and under ASan).
        for _ in 0..<50 { _ = try HTMLDocument(bytes: Array("<p>other</p>".utf8)) }
        #expect(node.text == "alive and well")
        #expect(node.parent?.name == "body")
    }

    @Test("removed nodes stay readable, the tree no longer has them; walking survives removal")
    func remove() throws {
        let doc = try HTMLDocument(bytes: Array("<body><div><p>1</p><script>x</script><p>2</p><p>3</p></div></body>".utf8))
        let div = try #require(doc.first("div"))
        var visited: [String] = []
        div.walk { node in
            if node.hasName("script") || (node.hasName("p") && node.text == "2") {
                node.remove()
                return false
            }
            if node.isElement { visited.append(node.text) }
            return true
        }
        #expect(visited == ["1", "3"])
        #expect(div.text == "13")
        let script = try doc.select("script")
        #expect(script.isEmpty)
    }

    @Test("attributes: read, set, remove, class list")
    func attributes() throws {
        let doc = try HTMLDocument(bytes: Array("<a href='/x' class=' a  b ' data-x=1>t</a>".utf8))
        let a = try #require(doc.first("a"))
        #expect(a.attribute("href") == "/x")
        #expect(a.classList == ["a", "b"])
        #expect(a.attributes.map(\.name) == ["href", "class", "data-x"])
        a.setAttribute("href", "/y")
        a.removeAttribute("data-x")
        #expect(a.attribute("href") == "/y")
        #expect(a.attribute("data-x") == nil)
        #expect(a.outerHTML == "<a href=\"/y\" class=\" a  b \">t</a>")
    }

    @Test("XPath queries and errors")
    func xpath() throws {
        let doc = try HTMLDocument(bytes: Array("<ul><li>a</li><li>b</li></ul>".utf8))
        #expect(try doc.xpath("//li[2]").map(\.text) == ["b"])
        #expect(throws: MarkupError.self) { try doc.xpath("//li[") }
        #expect(try doc.xpath("count(//li)").isEmpty)
    }

    @Test("text is collected from text and CDATA nodes, not comments")
    func text() throws {
        let xml = try XMLDocument(bytes: Array("<r><a>x<!-- c --><![CDATA[<y>]]>z</a></r>".utf8))
        #expect(xml.root?.text == "x<y>z")
        let html = try HTMLDocument(bytes: Array("<p>a<!-- hidden -->b &amp; c</p>".utf8))
        #expect(html.first("p")?.text == "ab & c")
    }

    @Test("XML: external entities and entity expansion are refused")
    func xxe() throws {
        let xxe = """
            <?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>
            """
        let doc = try XMLDocument(bytes: Array(xxe.utf8))
        let text = doc.root?.text ?? ""
        #expect(!text.contains("root:"))
        let laughs = """
            <?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]><r>&d;</r>
            """
        let bomb = try XMLDocument(bytes: Array(laughs.utf8))
        #expect((bomb.root?.text.count ?? 0) < 1000)
    }

    @Test("serialization to HTML")
    func serialize() throws {
        let doc = try HTMLDocument(bytes: Array("<div><p>a<br>b</p><img src=x></div>".utf8))
        let div = try #require(doc.first("div"))
        #expect(div.innerHTML == "<p>a<br>b</p><img src=\"x\">")
        #expect(div.outerHTML == "<div><p>a<br>b</p><img src=\"x\"></div>")
        let umlaut = try HTMLDocument(bytes: Array("<p>Grüße</p>".utf8))
        #expect(umlaut.first("p")?.outerHTML == "<p>Grüße</p>")
    }

    @Test("fragments parse into body")
    func fragment() throws {
        let doc = try HTMLDocument(fragment: "<p>one</p>two")
        #expect(doc.body?.text == "onetwo")
    }
}
