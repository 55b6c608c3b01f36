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
            """
        var documents = [try HTMLDocument(bytes: Array(page.utf8))]
        for page in Self.pages { documents.append(try HTMLDocument(bytes: page.bytes)) }
        var compared = 0
        for document in documents {
            document.documentNode.walk { node in
                if node.isElement || node.isText {
                    #expect(TextTools.collapsedCount(of: node) == TextTools.collapse(node.text).count, "\(node.text.debugDescription)")
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
}
