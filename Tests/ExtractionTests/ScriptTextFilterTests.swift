@testable import Extraction
import Foundation
@testable import Markup
import Testing
import TestSupport

/// The script-text filter in front of libxml2 (`HTMLDocument(skipsScriptText:)`): the tree it
/// gives is the tree of the whole page without the text of scripts (JSON-LD kept) and styles,
/// and the extraction of a page is the same with it and without it.
@Suite("Script text filter")
struct ScriptTextFilterTests {
    /// The tree as lines: every node with its depth, elements with their attributes; the
    /// children of script and style elements are left out (compared separately).
    static func dump(_ document: HTMLDocument) -> [String] {
        var lines: [String] = []
        func visit(_ node: Node, depth: Int) {
            for child in node.children {
                switch child.kind {
                case .element:
                    let attributes = child.attributes.map { "\($0.name)=\($0.value.debugDescription)" }.joined(separator: " ")
                    lines.append("\(depth) <\(child.name) \(attributes)>")
                    if child.hasName("script") || child.hasName("style") { continue }
                    visit(child, depth: depth + 1)
                case .text, .cdata: lines.append("\(depth) text \(child.content.debugDescription)")
                case .comment: lines.append("\(depth) comment \(child.content.debugDescription)")
                default: lines.append("\(depth) other \(child.content.debugDescription)")
                }
            }
        }
        visit(document.documentNode, depth: 0)
        return lines
    }

    /// The texts of the scripts the extractor reads (`type` with ld+json), in document order, as
    /// it reads them (the script's own text children).
    static func jsonLD(_ document: HTMLDocument) -> [String] {
        document.documentNode.elements(named: "script").filter {
            ($0.attribute("type") ?? "").lowercased().contains("ld+json")
        }.map(PageMetadata.ownText)
    }

    /// Parses a page both ways and checks that the trees agree; returns whether the filter cut
    /// anything.
    @discardableResult
    static func compare(_ bytes: [UInt8], _ label: String) throws -> Bool {
        let whole = try HTMLDocument(bytes: bytes)
        let filtered = try HTMLDocument(bytes: bytes, skipsScriptText: true)
        #expect(dump(filtered) == dump(whole), "\(label)")
        #expect(jsonLD(filtered) == jsonLD(whole), "\(label)")
        // (The decoding warnings are not compared: on a UTF-8 page, the only kind filtered, they
        // hold libxml2's parser messages, such as "Element script embeds close tag" from inside a
        // script, with line numbers that shift when script text is left out.)
        #expect(filtered.encoding == whole.encoding, "\(label)")
        return scriptTextLength(filtered) < scriptTextLength(whole)
    }

    /// The bytes of text in the script and style elements of a document.
    static func scriptTextLength(_ document: HTMLDocument) -> Int {
        (document.documentNode.elements(named: "script") + document.documentNode.elements(named: "style")).reduce(0) {
            $0 + $1.text.utf8.count
        }
    }

    @Test("tricky markup around scripts parses to the same tree with and without the filter")
    func trickyMarkup() throws {
        let cases: [String] = [
            "<p>a < b <script>if (a < b && c > d) x = '</p>';</script>y</p>",
            "<p><?php echo \"<script>\" ?>x<script>s</script></p>",
            "<?xml version=\"1.0\"?><!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Strict//EN\" \"http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd\"><html><body><script>x</script></body></html>",
            "<p><!foo <script>s</script>z</p>", "<p></ 3 <script>s</script>z</p>", "<p></a <script>s</script>z</p>",
            "<p><![CDATA[ <script>s</script> ]]>z</p>", "<p><!-- a --!> <script>s</script> --> z</p>",
            "<p><!--> <script>s</script> --> z</p>", "<p><!---> <script>s</script> --> z</p>",
            "<p><!-- a ----!> <script>s</script> --> c</p>", "<p><!-- <script>s</script> --><script>t</script></p>",
            "<p><a title=\"x<script>y\">l</a><script>s</script></p>", "<p><a b='x\"y' c=\"z'<script>\">l</a><script>s</script></p>",
            "<p><a =\"x<script>y\">l</a><script>s</script></p>", "<p><a @click=\"x <script>y\">l</a><script>s</script></p>",
            "<p><a b = \"<script>\">l</a><script>s</script></p>", "<p><a b=x/><script>s</script></p>",
            "<p><script src=x/>a</script>b</p>", "<p><script>a<!--</script>-->b</script>c</p>",
            "<p><script type=\"application/ld+json\">{\"@type\":\"NewsArticle\",\"headline\":\"</b>\"}</SCRIPT >x</p>",
            "<p><script type='application/ld&#43;json'>{\"a\":1}</script><script type=module>import x</script></p>",
            "<head><style>p { color: red } a:after { content: \"</p>\" }</style><STYLE type=text/css>b{}</STYLE></head>",
            "<svg><style>.a{}</style><script>s()</script><path d=\"M0 0\"/></svg><p>after</p>",
            "<textarea><script>s</script></textarea><title><script>t</script></title><noscript><script>n</script></noscript>",
            "<div><script>document.write('<div class=\"x\">');</script>text</div>", "<script></script><style></style>",
            "<p>Caf\u{E9} <script>var s = \"\u{2603}\";</script>ü</p>", "<scripts>a</scripts><script-x>b</script-x><script\tdefer>c</script\n>",
            "<!DOCTYPE html><html><head><script async src=\"a.js\"></script></head><body><p>x</p></body></html>",
            "<p><!DOCTYPE html><!DOCTYPE html><script>s</script>", "<!DOCTYPE html><!-- c --><html><script>s</script></html>",
            "<p><script type=\"text/template\"><div class=\"a\">{{x}}</div></script><script><body>b</script><style><noscript>n</style></p>",
            "<p><script><noscripts>x</script><style><bodyx>y</style><script><head>h</script><script><html>t</script></p>",
            "<p><!DOCTYPE html><!-- c --><script>s</script><!DOCTYPE html><?pi x><style>t</style></p>",
        ]
        var cuts = 0
        for page in cases {
            if try Self.compare(Array(page.utf8), page) { cuts += 1 }
        }
        #expect(cuts >= 20)
    }

    @Test("generated markup soups of tags, quotes, comments and raw text parse to the same tree either way")
    func generatedSoups() throws {
        let pieces = [
            "<script>", "<script type=\"application/ld+json\">", "<SCRIPT src=x/>", "</script>", "</SCRIPT >", "<style>",
            "</style>", "<p>", "</p>", "<a href=\"", "\"", "'", ">", "<", "</", "<!--", "-->", "--!>", "<!", "<?xml ", "?>",
            "<!DOCTYPE html>", " ", "\n", "text", "&amp;", "=", "/>", "<div class=x", "</scriptx>", "ü", "{\"a\":1}", "</a",
            "<br/>", "<_", "\t", "<img alt='<script>'>", "<html>", "<body>", "<head>", "</html>", "<title>", "<textarea>", "<![CDATA[", "]]>", "<?php echo 1 ?>", "<Script>", "</sCrIpT>", "<style/>", "<script\n", "<!doctype html>", "<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0//EN\" \"x.dtd\">", "\u{1}", "&#60;", "<a title=x>", "<noscript>", "</div>", "<div>",
        ]
        var random = SplitMix64(state: UInt64(ProcessInfo.processInfo.environment["SOUP_SEED"].flatMap { UInt64($0) } ?? 7))
        var cuts = 0
        for round in 0..<20000 {
            var page = ""
            for _ in 0..<(2 + Int(random.next() % 30)) { page += pieces[Int(random.next() % UInt64(pieces.count))] }
            if try Self.compare(Array(page.utf8), "soup \(round): \(page.debugDescription)") { cuts += 1 }
        }
        #expect(cuts > 150, "\(cuts) soups with script or style text left out")
    }

    @Test("constructs the filter does not follow leave the page as it is")
    func declined() {
        let declined = [
            "<p><script/>a</p>", "<p><script>a</scriptx>b</script>c</p>", "<p><style>a</styleX>b</style>c</p>",
            "<p><!-- unterminated <script>s</script>", "<p><script>never closed", "<p><a title=\"open <script>s</script>",
            "<p><a\u{1} <script>y>l</a><script>s</script></p>", "<!DOCTYPE html \"a>b\"><script>s</script>",
            "<!DOCTYPE html PUBLIC 'x'><script>s</script>", "<_x><script>s</script>", "<p><?_x <script>s</script></p>",
            "<p><script></p>x</script>", "<p><script></a&amp;</script>x</p>", "<script>a</script>t<script>b</script>",
            "<!-- c --><style>a</style><p>x</p>", "<p><script><noscript>x</script></p>", "<p><!DOCTYPE html></a <script>s</script>",
            "<p><style><BODY>x</style>", "<p><style><frameset>x</style>", "<p><script><NoScript>x</script>",
        ]
        for page in declined {
            #expect(ScriptTextFilter.filter(Array(page.utf8)) == nil, "\(page)")
        }
        #expect(ScriptTextFilter.filter(Array("<p>no scripts</p>".utf8)) == nil)
        #expect(ScriptTextFilter.filter(Array("<script type=\"application/ld+json\">{}</script>".utf8)) == nil)
        let cut = ScriptTextFilter.filter(Array("<p>a<script>x()</script><style>p{}</style>b</p>".utf8))
        #expect(cut.map { String(decoding: $0, as: UTF8.self) } == "<p>a<script></script><style></style>b</p>")
    }

    @Test("the filter is byte for byte libxml2's reading on the repository's pages and ministry pages, and extraction agrees")
    func pages() throws {
        var cut = 0
        for page in ExtractionMechanicsTests.pages {
            if try Self.compare(page.bytes, page.name) { cut += 1 }
            let url = URL(string: "https://example.org/\(page.name)")
            let whole = try HTMLDocument(bytes: page.bytes, url: url?.absoluteString)
            let filtered = try HTMLDocument(bytes: page.bytes, url: url?.absoluteString, skipsScriptText: true)
            let rawPrefix = ByteSearch.asciiLowercased(page.bytes.prefix(200_000))
            let a = PagePipeline(options: ExtractionOptions(), document: whole, url: url, rawPrefix: rawPrefix).run()
            let b = PagePipeline(options: ExtractionOptions(), document: filtered, url: url, rawPrefix: rawPrefix).run()
            #expect(a == b, "\(page.name)")
        }
        #expect(cut >= 3)
    }

    /// A directory of many more pages (the extraction dev set's `html` folder), when
    /// `HEROLD_TREE_CHECK_DIR` names one: the same tree comparison on each.
    @Test("the filter keeps the tree on every page of HEROLD_TREE_CHECK_DIR, if set")
    func directory() throws {
        guard let path = ProcessInfo.processInfo.environment["HEROLD_TREE_CHECK_DIR"] else { return }
        let names = try FileManager.default.contentsOfDirectory(atPath: path).filter { $0.hasSuffix(".html") }.sorted()
        var cut = 0
        for name in names {
            let bytes = try Fixtures.bytes(URL(fileURLWithPath: path).appendingPathComponent(name))
            if try Self.compare(bytes, name) { cut += 1 }
        }
        print("tree check: \(names.count) pages, \(cut) with script or style text left out")
    }
}
