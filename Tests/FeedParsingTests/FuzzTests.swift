import FeedModel
import FeedParsing
import Foundation
import Testing
import TestSupport

/// A bounded, seeded random-mutation fuzzer over `FeedParser.parse` and `DateParser.parse`:
/// every mutant must return or throw `NotAFeedError` (a crash or a hang fails the run).
///
/// Bounded by iteration count, not by time (no timing assertion): 3,000 feed mutants and
/// 20,000 date mutants per `swift test`, the same every run (fixed seeds). For a longer run set
/// `HEROLD_FUZZ_ITERATIONS` (feed mutants; dates get 7× as many) and optionally
/// `HEROLD_FUZZ_SEED`; a failure names the seed and iteration to reproduce it.
@Suite struct FuzzTests {
    /// SplitMix64: deterministic, so a failure reproduces from the printed seed.
    typealias Random = SplitMix64

    static let tokens: [[UInt8]] = [
        "<", ">", "&", ";", "</item>", "<item>", "<![CDATA[", "]]>", "&amp;", "&auml;", "&#x", "\"", "xml:base=\"..\"",
        "<!DOCTYPE x [<!ENTITY a \"&a;\">]>", "&a;", "\u{0}", "\u{FEFF}", "<entry>", "</entry>", "<title type=\"xhtml\">",
    ].map { Array($0.utf8) }

    static func mutate(_ input: [UInt8], _ random: inout Random) -> [UInt8] {
        var bytes = input
        for _ in 0..<Int.random(in: 1...8, using: &random) {
            guard !bytes.isEmpty else { break }
            let position = Int.random(in: 0..<bytes.count, using: &random)
            switch Int.random(in: 0..<5, using: &random) {
            case 0: bytes[position] = UInt8.random(in: 0...255, using: &random)
            case 1: bytes.remove(at: position)
            case 2: bytes.insert(contentsOf: tokens.randomElement(using: &random)!, at: position)
            case 3:
                let end = min(bytes.count, position + Int.random(in: 1...64, using: &random))
                bytes.removeSubrange(position..<end)
            default:
                let end = min(bytes.count, position + Int.random(in: 1...32, using: &random))
                bytes.insert(contentsOf: bytes[position..<end], at: position)
            }
        }
        return bytes
    }

    @Test func feedParserSurvivesMutants() throws {
        let seeds = try CorpusTests.cases.compactMap { stem -> [UInt8]? in
            let directory = CorpusTests.root.appendingPathComponent(stem).deletingLastPathComponent()
            let name = CorpusTests.root.appendingPathComponent(stem).lastPathComponent
            let file = try FileManager.default.contentsOfDirectory(atPath: directory.path).first {
                ($0.hasPrefix(name + ".") && !$0.hasSuffix(".json")) || $0 == name + ".json"
            }
            return try file.map { try Fixtures.bytes(directory.appendingPathComponent($0)) }
        }
        try #require(seeds.count >= 40)
        let seed = Self.seed ?? 0x4845_524F_4C44
        var random = Random(state: seed)
        let iterations = Self.iterations ?? 3000
        var parsed = 0
        for iteration in 0..<iterations {
            let mutant = Self.mutate(seeds.randomElement(using: &random)!, &random)
            if let feed = try? FeedParser.parse(mutant, url: URL(string: "https://example.org/f")) {
                parsed += 1
                // Output must always be encodable and valid UTF-8 JSON.
                let json = FeedNormJSON.encode(feed)
                #expect(
                    (try? JSONSerialization.jsonObject(with: Data(json.utf8))) != nil,
                    "seed \(seed), iteration \(iteration)")
            }
            _ = FeedParser.looksLikeFeed(mutant)
        }
        // Most mutants still parse: the mutator does not merely produce garbage.
        #expect(parsed > iterations / 2)
    }

    static var iterations: Int? { ProcessInfo.processInfo.environment["HEROLD_FUZZ_ITERATIONS"].flatMap { Int($0) } }
    static var seed: UInt64? { ProcessInfo.processInfo.environment["HEROLD_FUZZ_SEED"].flatMap { UInt64($0) } }

    @Test func dateParserSurvivesMutants() {
        var random = Random(state: Self.seed ?? 0xDA7E)
        let seeds = DateParserTests.table.map { Array($0.0.utf8) }
        for _ in 0..<(Self.iterations.map { $0 * 7 } ?? 20_000) {
            let mutant = Self.mutate(seeds.randomElement(using: &random)!, &random)
            let text = String(decoding: mutant, as: UTF8.self)
            if let date = DateParser.parse(text, defaultTimeZone: DateParser.berlin) {
                #expect(date.timeIntervalSince1970.isFinite)
            }
        }
    }
}
