import Archive
import Config
import FeedModel
import Foundation
import Markup
import Pipeline
import Testing

/// What feeds.yml says about a source beyond where to fetch it reaches the output documents.
@Suite("Output renderer")
struct OutputRendererTests {
    let atom = "http://www.w3.org/2005/Atom"

    @Test("a source's categories and rights from feeds.yml reach feed.atom, feed.json and its source feed")
    func categoriesAndRights() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("herold-render-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let yaml = """
            feed:
              id: "tag:herold.test,2026:render"
            sources:
              - id: finanzen
                url: "https://finanzen.example/presse.xml"
                categories: [Finanzen, Haushalt]
                rights: "© Finanzministerium, CC BY 4.0"
              - id: kultur
                url: "https://kultur.example/presse.xml"
            """
        let file = folder.appendingPathComponent("feeds.yml")
        try yaml.write(to: file, atomically: true, encoding: .utf8)
        let configuration = try ConfigLoader.load(from: file)

        let store = try ArchiveStore(root: configuration.archive, feedID: configuration.feed.id)
        let seen = Date(timeIntervalSince1970: 1_780_000_000)
        var ids: [String: String] = [:]
        for (n, source) in ["finanzen", "kultur"].enumerated() {
            let url = URL(string: "https://\(source).example/presse/\(n)")!
            let text = "Meldung \(n) aus \(source): der Haushalt wird beraten, die Kultur gefördert."
            let article = Article(url: url, canonical: url, title: "Meldung \(source)", text: text, html: "<p>\(text)</p>")
            let outcome = try await store.ingest(Observation(sourceID: source, place: url, article: article, seenAt: seen + Double(n)))
            guard case .new(let id) = outcome else {
                Issue.record("expected a new story, got \(outcome)")
                return
            }
            ids[source] = id
        }
        try await store.checkpoint()
        var states: [String: SourceState] = [:]
        for source in configuration.sources {
            states[source.id] = SourceState(id: source.id, title: source.name, url: source.url, lastSuccess: seen)
        }
        try await OutputRenderer(configuration: configuration, now: { seen + 60 }).render(
            store: store, states: states, touched: Set(ids.values))

        func entries(_ path: String) throws -> [String: Node] {
            let bytes = try [UInt8](Data(contentsOf: configuration.archive.appendingPathComponent(path)))
            let feed = try #require(try XMLDocument(bytes: bytes).root)
            var found: [String: Node] = [:]
            for entry in feed.elementChildren where entry.name == "entry" && entry.namespaceURI == atom {
                let title = entry.elementChildren.first { $0.name == "title" }?.text ?? ""
                found[title] = entry
            }
            return found
        }
        func terms(_ entry: Node?) -> [String] {
            entry?.elementChildren.filter { $0.name == "category" }.compactMap { $0.attribute("term") } ?? []
        }
        func rights(_ entry: Node?) -> String? {
            entry?.elementChildren.first { $0.name == "rights" }?.text
        }

        let unified = try entries("feed.atom")
        #expect(terms(unified["Meldung finanzen"]) == ["finanzen", "Finanzen", "Haushalt"])
        #expect(rights(unified["Meldung finanzen"]) == "© Finanzministerium, CC BY 4.0")
        let source = unified["Meldung finanzen"]?.elementChildren.first { $0.name == "source" }
        #expect(rights(source) == "© Finanzministerium, CC BY 4.0", "the entry's atom:source carries the origin's rights")
        #expect(terms(unified["Meldung kultur"]) == ["kultur"], "a source without categories adds only its id")
        #expect(rights(unified["Meldung kultur"]) == nil, "no rights are invented")

        let perSource = try entries("sources/finanzen.atom")
        #expect(terms(perSource["Meldung finanzen"]) == ["finanzen", "Finanzen", "Haushalt"])

        let json = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: configuration.archive.appendingPathComponent("feed.json")))
                as? [String: Any])
        let items = json["items"] as? [[String: Any]] ?? []
        let finanzen = items.first { $0["title"] as? String == "Meldung finanzen" }
        let tags = Set(finanzen?["tags"] as? [String] ?? [])
        #expect(tags.isSuperset(of: ["Finanzen", "Haushalt"]), "\(tags)")
    }
}
