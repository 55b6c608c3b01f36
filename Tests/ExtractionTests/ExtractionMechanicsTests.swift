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
}
