import Extraction
import Foundation
import Testing

/// The sanitizer's output may only hold allow-listed tags and attributes and safe URLs.
/// `check` reads the output as our serializer writes it (every `<` in text is escaped), so each
/// `<` starts a real tag.
enum SanitizedHTML {
    static let tags: Set<String> = [
        "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "dd", "del", "dfn", "div", "dl", "dt", "em",
        "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "mark", "ol",
        "p", "pre", "q", "s", "small", "span", "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead",
        "time", "tr", "u", "ul",
    ]
    static let attributes: Set<String> = [
        "alt", "cite", "colspan", "datetime", "height", "href", "rowspan", "scope", "src", "start", "title", "width",
    ]

    /// Problems found in sanitized HTML; empty when it is clean.
    static func problems(_ html: String) -> [String] {
        var problems: [String] = []
        var rest = Substring(html)
        while let open = rest.firstIndex(of: "<") {
            guard let close = rest[open...].firstIndex(of: ">") else {
                problems.append("unclosed tag")
                break
            }
            var tag = rest[rest.index(after: open)..<close]
            if tag.hasPrefix("/") { tag = tag.dropFirst() }
            let name = tag.prefix { $0.isLetter || $0.isNumber }
            if !tags.contains(String(name)) { problems.append("tag \(name)") }
            // Attributes: name="value" pairs; values contain no quotes (they are escaped).
            var attributes = tag.dropFirst(name.count)
            while let equals = attributes.firstIndex(of: "=") {
                let attribute = attributes[..<equals].trimmingCharacters(in: .whitespaces)
                if !Self.attributes.contains(attribute) { problems.append("attribute \(attribute)") }
                let afterEquals = attributes[attributes.index(after: equals)...]
                guard afterEquals.first == "\"", let end = afterEquals.dropFirst().firstIndex(of: "\"") else {
                    problems.append("unquoted attribute \(attribute)")
                    break
                }
                let value = afterEquals[afterEquals.index(after: afterEquals.startIndex)..<end]
                if ["href", "src", "cite"].contains(attribute) {
                    let lower = value.lowercased()
                    if !(lower.hasPrefix("http://") || lower.hasPrefix("https://") || lower.hasPrefix("mailto:")
                        || lower.hasPrefix("tel:") || lower.hasPrefix("ftp://"))
                    {
                        problems.append("url \(value)")
                    }
                }
                attributes = afterEquals[afterEquals.index(after: end)...]
            }
            rest = rest[rest.index(after: close)...]
        }
        return problems
    }
}

/// XSS vectors: none may survive in any form.
struct XSSVector: CustomTestStringConvertible, Sendable {
    var name: String
    var html: String
    var testDescription: String { name }

    static let all: [XSSVector] = [
        XSSVector(name: "script element", html: "<p>ok</p><script>alert(1)</script>"),
        XSSVector(name: "script in img onerror", html: "<img src=x onerror=alert(1)>"),
        XSSVector(name: "event handler on p", html: "<p onclick=\"alert(1)\" onmouseover='alert(2)'>text</p>"),
        XSSVector(name: "javascript: href", html: "<a href=\"javascript:alert(1)\">x</a>"),
        XSSVector(name: "mixed case scheme", html: "<a href=\"JaVaScRiPt:alert(1)\">x</a>"),
        XSSVector(name: "tab inside scheme", html: "<a href=\"java\tscript:alert(1)\">x</a>"),
        XSSVector(name: "entity-encoded tab", html: "<a href=\"java&#x09;script:alert(1)\">x</a>"),
        XSSVector(name: "entity-encoded newline", html: "<a href=\"jav&#x0A;ascript:alert(1)\">x</a>"),
        XSSVector(name: "decimal entities", html: "<a href=\"&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)\">x</a>"),
        XSSVector(name: "padded decimal entities", html: "<a href=\"&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112&#0000116&#0000058alert(1)\">x</a>"),
        XSSVector(name: "hex entities", html: "<a href=\"&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;&#x3A;alert(1)\">x</a>"),
        XSSVector(name: "leading space and control", html: "<a href=\" \u{01}javascript:alert(1)\">x</a>"),
        XSSVector(name: "vbscript:", html: "<a href=\"vbscript:msgbox(1)\">x</a>"),
        XSSVector(name: "data: href", html: "<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">x</a>"),
        XSSVector(name: "data: img", html: "<img src=\"data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+\">"),
        XSSVector(name: "javascript: img", html: "<img src=\"javascript:alert(1)\">"),
        XSSVector(name: "javascript: in blockquote cite", html: "<blockquote cite=\"javascript:alert(1)\">q</blockquote>"),
        XSSVector(name: "javascript: in q cite", html: "<q cite=\"javascript:alert(1)\">q</q>"),
        XSSVector(name: "svg onload", html: "<svg onload=alert(1)><circle r=1></circle></svg>"),
        XSSVector(name: "svg script", html: "<svg><script>alert(1)</script></svg>"),
        XSSVector(name: "svg a xlink:href", html: "<svg><a xlink:href=\"javascript:alert(1)\"><text>x</text></a></svg>"),
        XSSVector(name: "mathml", html: "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph></table></mtext></math>"),
        XSSVector(name: "mathml href", html: "<math href=\"javascript:alert(1)\">CLICK</math>"),
        XSSVector(name: "iframe", html: "<iframe src=\"javascript:alert(1)\"></iframe>"),
        XSSVector(name: "iframe srcdoc", html: "<iframe srcdoc=\"&lt;script&gt;alert(1)&lt;/script&gt;\"></iframe>"),
        XSSVector(name: "object and embed", html: "<object data=\"x.swf\"></object><embed src=\"x.swf\">"),
        XSSVector(name: "form with formaction", html: "<form action=\"javascript:alert(1)\"><button formaction=\"javascript:alert(1)\">x</button></form>"),
        XSSVector(name: "style attribute", html: "<div style=\"background:url(javascript:alert(1))\">x</div>"),
        XSSVector(name: "style element", html: "<style>body{background:url(javascript:alert(1))}</style><p>x</p>"),
        XSSVector(name: "unclosed img", html: "<img src=x onerror=alert(1)//"),
        XSSVector(name: "unclosed tags", html: "<p><b>unclosed <a href=\"javascript:alert(1)\">link"),
        XSSVector(name: "split script tag", html: "<scr<script>ipt>alert(1)</script>"),
        XSSVector(name: "comment with markup", html: "<!--<img src=x onerror=alert(1)>--><p>ok</p>"),
        XSSVector(name: "noscript attribute trick", html: "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\"></noscript>"),
        XSSVector(name: "meta refresh", html: "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">"),
        XSSVector(name: "base href", html: "<base href=\"javascript:alert(1)//\"><a href=\"x\">x</a>"),
        XSSVector(name: "link import", html: "<link rel=\"import\" href=\"https://evil.example/x.html\">"),
        XSSVector(name: "attribute breaking quote", html: "<a href=\"https://ok.example/\" title='\"><script>alert(1)</script>'>x</a>"),
        XSSVector(name: "template", html: "<template><img src=x onerror=alert(1)></template>"),
        XSSVector(name: "video poster", html: "<video poster=\"javascript:alert(1)\"><source src=\"x\"></video>"),
    ]
}

@Suite("Sanitizer")
struct SanitizerTests {
    let base = URL(string: "https://news.example/a/b.html")

    @Test("no XSS vector survives extractFragment", arguments: XSSVector.all)
    func vector(_ vector: XSSVector) {
        let (html, _) = Extractor().extractFragment(html: vector.html, baseURL: base)
        #expect(SanitizedHTML.problems(html).isEmpty, "\(html)")
        let lower = html.lowercased()
        for marker in ["javascript:", "vbscript:", "data:", "onerror", "onload", "onclick", "<script", "<svg", "<math", "<iframe", "style="] {
            #expect(!lower.contains(marker), "\(marker) in \(html)")
        }
    }

    @Test("no XSS vector survives a page extraction either")
    func page() {
        let body = XSSVector.all.map(\.html).joined(separator: "\n")
        let paragraphs = (1...6).map { "<p>Ein ganz normaler Absatz Nummer \($0) mit genug Text, damit die Seite als Artikel gilt, und mit Kommas, Punkten und allem.</p>" }
        let page = "<html><body><article><h1>Titel</h1>" + paragraphs.joined() + body + "</article></body></html>"
        let result = Extractor().extract(Array(page.utf8), url: base, httpCharset: "utf-8")
        let html = result.article?.html ?? ""
        #expect(!html.isEmpty)
        #expect(SanitizedHTML.problems(html).isEmpty, "\(SanitizedHTML.problems(html))")
    }

    @Test("relative URLs become absolute; allowed markup is kept")
    func relative() {
        let (html, text) = Extractor().extractFragment(
            html: "<p>See <a href=\"../c/d.html\" class=\"x\" title=\"T\">this</a> and <img src=\"/img/e.png\" alt=\"E\" onerror=\"x\"></p><ul><li>one</li><li>two</li></ul>",
            baseURL: base)
        #expect(html.contains("href=\"https://news.example/c/d.html\""))
        #expect(html.contains("src=\"https://news.example/img/e.png\""))
        #expect(html.contains("title=\"T\""))
        #expect(!html.contains("class="))
        #expect(html.contains("<ul><li>one</li><li>two</li></ul>"))
        #expect(text == "See this and\n\none\n\ntwo")
    }

    @Test("text is escaped, mailto and https survive")
    func escaping() {
        let (html, _) = Extractor().extractFragment(
            html: "<p>a &lt;b&gt; &amp; c <a href=\"mailto:x@example.org\">m</a> <a href=\"https://ok.example/?a=1&amp;b=2\">o</a></p>",
            baseURL: nil)
        #expect(html.contains("a &lt;b&gt; &amp; c"))
        #expect(html.contains("href=\"mailto:x@example.org\""))
        #expect(html.contains("href=\"https://ok.example/?a=1&amp;b=2\""))
    }
}
