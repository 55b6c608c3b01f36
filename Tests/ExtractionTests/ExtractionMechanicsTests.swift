@testable import Extraction
import Foundation
import Markup
import Testing
import TestSupport

/// The shortcuts of the extraction mechanics give what the general code they replace gives:
/// one walk for the semantic selectors against libxml2's XPath, the kept scoring walk against
/// a fresh one, and the fallback cascade (which skips filtering candidates that cannot win)
/// against the cascade that filters every candidate.
@Suite("Extraction mechanics")
struct ExtractionMechanicsTests {
    /// The repository's own pages and, when `../shared` is beside it, the ministry pages.
    static var pages: [(name: String, bytes: [UInt8])] {
        var result: [(String, [UInt8])] = []
        let local = Fixtures.local("ExtractionTests", "generic")
        for directory in [local, Fixtures.local("ExtractionTests", "")] + (Fixtures.ministryDirectory.map { [$0] } ?? []) {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
            for name in names.sorted() where name.hasSuffix(".html") {
                if let bytes = try? Fixtures.bytes(directory.appendingPathComponent(name)) { result.append((name, bytes)) }
            }
        }
        return result
    }

    @Test("semantic selectors matched in one walk are libxml2's matches, in document order")
    func semanticMatches() throws {
        let page = """
            <html><head><meta itemprop="articleBody"></head><body>
            <div class="entry-content">a</div><div class=" entry-content\tpost-body\n">b</div>
            <div class="entry-contents">c</div><div class="xentry-content">d</div><div class="Entry-Content">e</div>
            <div class="a\r\nentry-content  b"><article class="post-body"><p class="entry-content">f</p></article></div>
            <section itemprop="articleBody">g</section><section itemprop="articlebody">h</section>
            <section itemprop=" articleBody">i</section><span class="größe entry-content">j</span><ARTICLE>k</ARTICLE>
            <div class="entry-content" class="post-body">l</div><div id="entry-content">m</div>
            </body></html>
            """
        let unsupported = [".größe", "div > p", "#entry-content", "div.post-body"]
        let selectors = ContentFinder.semanticSelectors + unsupported
        var documents = [try HTMLDocument(bytes: Array(page.utf8))]
        for page in Self.pages { documents.append(try HTMLDocument(bytes: page.bytes)) }
        var hits = 0
        for document in documents {
            let matches = SemanticMatches(selectors, in: document).matches
            for (index, selector) in selectors.enumerated() {
                if unsupported.contains(selector) {
                    #expect(matches[index] == nil, "\(selector) is not one of the simple forms")
                    continue
                }
                let expected = try document.select(selector)
                #expect(matches[index] == expected, "\(selector)")
                hits += expected.count
            }
        }
        // The hand-made page alone: entry-content 4 (a, b, the CR LF one, f; l's second class
        // attribute is dropped by the parser, j is a span), post-body 2, itemprop 2, article 2.
        #expect(hits >= 10)
    }

    @Test("collapsedCount equals counting the collapsed text, for every element and text node")
    func collapsedCount() throws {
        let page = """
            <p>a  b\t\r\nc <b> d </b>\u{0B}e\u{1}f</p><p>\r\n</p><p></p><p>Grüße\u{A0} aus\u{200B} Köln</p>
            <p>x<!-- comment -->y<br>z</p><div> one <span>two<i>three</i></span> four </div><p>e\u{301} ,</p>
            <p>a\u{AD}b ©\u{2010}x\u{2027}\u{2028}y\u{202F}z\u{205E}\u{205F}w €\u{20BF}\u{20C0}, \u{2FF}, </p>
            <p>\u{2FF}\u{300}, „Zitat“ – ‼\u{200D}😀 ,\u{85}\u{A0}\u{1} x\u{2009}y ü\u{308}, 中文，、</p><p>ä,ö, ß; „a“ 5 €</p>
            """
        var documents = [try HTMLDocument(bytes: Array(page.utf8))]
        for page in Self.pages { documents.append(try HTMLDocument(bytes: page.bytes)) }
        var compared = 0
        var fastPaths = 0
        for document in documents {
            document.documentNode.walk { node in
                if node.isElement || node.isText {
                    let collapsed = TextTools.collapse(node.text)
                    #expect(TextTools.collapsedCount(of: node) == collapsed.count, "\(node.text.debugDescription)")
                    if let counts = TextTools.collapsedCounts(of: node) {
                        #expect(counts.characters == collapsed.count, "\(node.text.debugDescription)")
                        #expect(counts.commas == TextTools.count([",", "，", "、", "،"], in: collapsed), "\(node.text.debugDescription)")
                        fastPaths += 1
                    }
                    var pieces = ""
                    node.forEachTextChunk { bytes in
                        pieces += String(decoding: bytes, as: UTF8.self)
                        return true
                    }
                    #expect(pieces == node.text)
                    compared += 1
                }
                return true
            }
        }
        #expect(compared > 100)
        #expect(fastPaths > 50)
    }

    @Test("escaping and collapsing on bytes give what the scalar-by-scalar versions give")
    func byteLevelText() {
        func reference(_ text: String, _ table: [Unicode.Scalar: String]) -> String {
            var out = ""
            for scalar in text.unicodeScalars {
                if let entity = table[scalar] { out += entity } else { out.unicodeScalars.append(scalar) }
            }
            return out
        }
        let textTable: [Unicode.Scalar: String] = ["&": "&amp;", "<": "&lt;", ">": "&gt;"]
        var attributeTable = textTable
        attributeTable["\""] = "&quot;"
        attributeTable["'"] = "&#39;"
        attributeTable["`"] = "&#96;"
        for text in [
            "", "plain", "a & b < c > d", "\"quoted\" 'single' `tick`", "Grüße & Küsse <3", "中文&amp;", "e\u{301}<", "&&&",
            "😀>😀", " \t\n  spaced \u{A0}\u{200B} out  ", "x\u{2003}y\u{3000}z",
        ] {
            #expect(Sanitizer.escapeText(text) == reference(text, textTable), "\(text.debugDescription)")
            #expect(Sanitizer.escapeAttribute(text) == reference(text, attributeTable), "\(text.debugDescription)")
            #expect(TextTools.collapse(utf8: Array(text.utf8)) == TextTools.collapse(text), "\(text.debugDescription)")
        }
    }

    @Test("class/id token matching that skips short tokens matches what searching every part matches")
    func tokenMatching() throws {
        let page = """
            <div class="nav x"><div id="gdpr"><div class="a-sidebar-b"><div class="promo1 teaser"><div class="author">
            <div class="widget tags"><div class="my-slider"><div class="col md-4"><div class="totop"></div></div></div>
            </div></div></div></div></div></div>
            """
        var documents = [try HTMLDocument(bytes: Array(page.utf8))]
        for page in Self.pages { documents.append(try HTMLDocument(bytes: page.bytes)) }
        var matched = 0
        for document in documents {
            for node in document.documentNode.descendantElements {
                let tokens = TokenMatcher.tokens(of: node)
                let template = tokens.contains { token in
                    Rules.templateTokensExact.contains(String(token))
                        || Rules.templateTokenParts.contains { ByteSearch.contains(token, $0) }
                }
                #expect(TokenMatcher.matchesTemplate(node) == template)
                var content = TokenMatcher.TokenMatch.none
                for token in tokens {
                    let text = String(token)
                    guard Rules.contentTokensExact.contains(text) || Rules.contentTokenParts.contains(where: { ByteSearch.contains(token, $0) })
                    else { continue }
                    if Rules.weakContentTokens.contains(text) {
                        content = .weak
                    } else {
                        content = .strong
                        break
                    }
                }
                #expect(TokenMatcher.contentBoilerplateMatch(node) == content)
                if template || content != .none { matched += 1 }
            }
        }
        #expect(matched >= 8)
    }

    @Test("the second scoring pass reuses the first walk only while the tree is unchanged")
    func scoringMemo() throws {
        var compared = 0
        for page in Self.pages {
            let document = try HTMLDocument(bytes: page.bytes)
            let body = try #require(document.body)
            Cleaner().removeTemplate(from: body)
            let finder = ContentFinder()
            let weighted = finder.score(body)
            let unweighted = finder.score(body, classWeights: false)
            #expect(weighted == ContentFinder().score(body), "\(page.name)")
            #expect(unweighted == ContentFinder().score(body, classWeights: false), "\(page.name)")
            // Remove the chosen container: the finder must score the changed tree, not answer
            // from the walk it kept.
            guard let chosen = unweighted?.first else { continue }
            chosen.remove()
            let after = finder.score(body, classWeights: false)
            #expect(after == ContentFinder().score(body, classWeights: false), "\(page.name)")
            #expect(after?.contains(chosen) != true, "\(page.name)")
            compared += 1
        }
        #expect(compared >= 4)
    }

    /// The cascade as it was before it skipped candidates: every candidate built and filtered.
    static func referenceCascade(
        _ cascade: FallbackCascade, main: (roots: [Node], method: ContentFinder.Method), body: Node
    ) -> FallbackCascade.Result {
        func extract(_ roots: [Node], method: ContentFinder.Method) -> FallbackCascade.Result {
            let live = roots.filter { $0.parent != nil }
            let excluded = cascade.cleaner.contentBoilerplate(in: live)
            let blocks = cascade.filter.filter(BlockBuilder(excluded: excluded).blocks(in: live))
            return FallbackCascade.Result(blocks: blocks, method: method, excluded: excluded)
        }
        var best = extract(main.roots, method: main.method)
        if main.method == .selector { return best }
        if main.method != .cms || best.length < FallbackCascade.minimumText,
            let roots = ContentFinder().score(body, classWeights: false), Set(roots) != Set(main.roots)
        {
            let second = extract(roots, method: .scoring)
            if Double(second.length) > FallbackCascade.secondOpinionFactor * Double(best.length) { best = second }
        }
        let needed = best.length < FallbackCascade.minimumText ? best.length : Int(FallbackCascade.baselineFactor * Double(best.length))
        if Double(body.textLength) * 1.5 > Double(needed) {
            let baseline = cascade.baseline(body)
            if baseline.length > needed { best = baseline }
        }
        return best
    }

    @Test("the cascade chooses what filtering every candidate chooses, on pages where each candidate wins")
    func cascadeSkips() throws {
        var methods: Set<String> = []
        var pages = Self.pages
        // A page without paragraph elements (nothing to score): with an empty main pass, the
        // baseline wins.
        let sentence = "This sentence is long enough to count as reading text on its own, with a few words more."
        let loose = "<html><body>" + (0..<6).map { "\($0). " + sentence + "<br><br><a href=/x>x</a><br><br>" }.joined()
            + "</body></html>"
        pages.append(("text and breaks", Array(loose.utf8)))
        for page in pages {
            let document = try HTMLDocument(bytes: page.bytes)
            let body = try #require(document.body)
            Cleaner().removeTemplate(from: body)
            let finder = ContentFinder()
            let mains: [(roots: [Node], method: ContentFinder.Method)] = [
                finder.findGeneric(in: body, document: document), ([body], .cms), ([], .semantic),
            ]
            for main in mains {
                let cascade = FallbackCascade(cleaner: Cleaner(), filter: BlockFilter(title: nil, frequencies: [:]), finder: finder)
                let result = cascade.run(main: main, body: body)
                let expected = Self.referenceCascade(cascade, main: main, body: body)
                #expect(result.method == expected.method, "\(page.name)")
                #expect(result.blocks.map(\.text) == expected.blocks.map(\.text), "\(page.name)")
                #expect(result.excluded == expected.excluded, "\(page.name)")
                methods.insert(result.method.rawValue)
            }
        }
        // Both the main pass and the baseline won somewhere.
        #expect(methods.contains("baseline"))
        #expect(methods.count >= 3, "\(methods)")
    }
}
