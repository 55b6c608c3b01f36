import FeedModel
import FeedParsing
import Foundation
import Testing
import TestSupport

/// The trap corpus in `Fixtures/<format>/<trap>.*`: each document has a `<trap>.meta.json`
/// (one-line description, the URL it is pretended to come from, the HTTP charset) and a
/// `<trap>.golden.json` holding the expected `feed-norm/1` document. The goldens were written
/// by `HEROLD_UPDATE_GOLDENS=1 swift test …`, reviewed by hand and checked against
/// feedparser (scripts/feedparsing/differential.py).
@Suite struct CorpusTests {
    static let root = Fixtures.packageRoot.appendingPathComponent("Tests/FeedParsingTests/Fixtures")

    /// Paths (relative to Fixtures/) of every document with a meta file.
    static let cases: [String] = {
        guard let enumerator = FileManager.default.enumerator(atPath: root.path) else { return [] }
        return enumerator.compactMap { $0 as? String }.filter { $0.hasSuffix(".meta.json") }
            .map { String($0.dropLast(".meta.json".count)) }.sorted()
    }()

    @Test func corpusIsPresent() {
        #expect(Self.cases.count >= 40)
    }

    @Test(arguments: cases)
    func matchesGolden(_ stem: String) throws {
        let meta = try Fixtures.json(Self.root.appendingPathComponent(stem + ".meta.json"))
        let description = try #require(meta["description"] as? String)
        #expect(!description.isEmpty && !description.contains("\n"))
        let directory = Self.root.appendingPathComponent(stem).deletingLastPathComponent()
        let name = Self.root.appendingPathComponent(stem).lastPathComponent
        let document = try #require(
            try FileManager.default.contentsOfDirectory(atPath: directory.path).first {
                $0.hasPrefix(name + ".") && !$0.hasSuffix(".json") || $0 == name + ".json"
            })
        let bytes = try Fixtures.bytes(directory.appendingPathComponent(document))
        let url = (meta["url"] as? String).flatMap(URL.init(string:))
        let charset = meta["http_charset"] as? String

        let actual: String
        do {
            actual = FeedNormJSON.encode(try FeedParser.parse(bytes, url: url, httpCharset: charset))
        } catch {
            actual = #"{"error":"not a feed"}"#
        }
        let goldenURL = Self.root.appendingPathComponent(stem + ".golden.json")
        if ProcessInfo.processInfo.environment["HEROLD_UPDATE_GOLDENS"] == "1" {
            let object = try JSONSerialization.jsonObject(with: Data(actual.utf8))
            let pretty = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
            try pretty.write(to: goldenURL)
        }
        let golden = try JSONSerialization.jsonObject(with: Data(contentsOf: goldenURL)) as? NSDictionary
        let got = try JSONSerialization.jsonObject(with: Data(actual.utf8)) as? NSDictionary
        #expect(got == golden, "\(stem): \(description)\n\(actual)")
    }
}
