import Archive
import Config
import Foundation
import Logging
import Pipeline
import TestSupport
import Testing

/// The fault server lies about the charset in `Content-Type`; what Herold archives must still be
/// the right characters (umlauts, ß, the euro sign, typographic quotes and dashes).
@Suite("Wrong charset header", .serialized)
struct CharsetFaultTests {
    static let title = "Grüße aus Görlitz"
    static let text = "Die Brücke über die Neiße kostet 5 € – „endlich fertig“, sagt die Bürgermeisterin. „Mit freundlichem Gruß“, schließt sie."

    /// Windows-1252 bytes of a string (every character of the texts above has one).
    static func windows1252(_ string: String) -> [UInt8] {
        let high: [Character: UInt8] = ["€": 0x80, "„": 0x84, "“": 0x93, "”": 0x94, "–": 0x96, "—": 0x97]
        return string.flatMap { character -> [UInt8] in
            if let byte = high[character] { return [byte] }
            let value = character.unicodeScalars.first!.value
            precondition(value < 0x100 && character.unicodeScalars.count == 1, "not in windows-1252: \(character)")
            return [UInt8(value)]
        }
    }

    static func rss(host: String, encoding: String, item: String) -> String {
        "<?xml version=\"1.0\" encoding=\"\(encoding)\"?><rss version=\"2.0\"><channel><title>Presse</title>"
            + "<item><title>\(title)</title><link>http://\(host)/\(item)</link><guid>\(item)</guid>"
            + "<description>\(text) Meldung \(item).</description></item></channel></rss>"
    }

    /// `item` keeps the four stories apart (the same text from four sources would be one story).
    static func page(charset: String, item: String) -> String {
        """
        <!DOCTYPE html><html lang="de"><head><meta charset="\(charset)"><title>\(title)</title></head><body>
        <main><article><h1>\(title)</h1><p>\(text) Meldung \(item).</p>
        <p>Der Neubau ersetzt die alte Brücke aus dem Jahr 1953, die seit Jahren für Lastwagen gesperrt war.</p>
        <p>Die Arbeiten dauerten zwei Jahre; die Kosten trugen das Land und die Stadt gemeinsam.</p>
        </article></main></body></html>
        """
    }

    @Test("ISO-8859-1 on UTF-8 bytes and utf-8 on windows-1252 bytes both archive the right characters")
    func lyingCharsetHeaders() async throws {
        let server = try LoopbackHTTPServer { request in
            let host = request.headers["host"] ?? ""
            switch request.path {
            case "/utf8-labelled-latin1.xml":
                // UTF-8 bytes and an XML declaration saying UTF-8; the header claims ISO-8859-1.
                return TestHTTPResponse(
                    status: 200, headers: [("Content-Type", "application/rss+xml; charset=ISO-8859-1")],
                    body: Array(Self.rss(host: host, encoding: "UTF-8", item: "a").utf8))
            case "/cp1252-labelled-utf8.xml":
                // windows-1252 bytes (the declaration says so); the header claims utf-8.
                return TestHTTPResponse(
                    status: 200, headers: [("Content-Type", "application/rss+xml; charset=utf-8")],
                    body: Self.windows1252(Self.rss(host: host, encoding: "windows-1252", item: "b")))
            case "/utf8-labelled-latin1.html":
                return TestHTTPResponse(
                    status: 200, headers: [("Content-Type", "text/html; charset=ISO-8859-1")],
                    body: Array(Self.page(charset: "utf-8", item: "c").utf8))
            case "/cp1252-labelled-utf8.html":
                return TestHTTPResponse(
                    status: 200, headers: [("Content-Type", "text/html; charset=utf-8")],
                    body: Self.windows1252(Self.page(charset: "windows-1252", item: "d")))
            default:
                return .text("no", status: 404)
            }
        }
        defer { server.stop() }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("herold-charset-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        var yaml = "feed:\n  id: \"tag:herold.test,2026:charset\"\ndefaults:\n  host_delay: 0s\nsources:\n"
        for (id, path, kind) in [
            ("feed-utf8", "/utf8-labelled-latin1.xml", "feed"), ("feed-cp1252", "/cp1252-labelled-utf8.xml", "feed"),
            ("page-utf8", "/utf8-labelled-latin1.html", "page"), ("page-cp1252", "/cp1252-labelled-utf8.html", "page"),
        ] {
            yaml += "  - id: \(id)\n    url: \"\(server.url(path))\"\n    kind: \(kind)\n"
        }
        try yaml.write(to: folder.appendingPathComponent("feeds.yml"), atomically: true, encoding: .utf8)
        let configuration = try ConfigLoader.load(from: folder.appendingPathComponent("feeds.yml"))
        let logger = Logger(label: "charset")
        let report = await FetchRun(configuration: configuration, fetcher: try makeTestFetcher(logger: logger), logger: logger).run()
        for source in report.sources { #expect(source.succeeded && source.new == 1, "\(source.line)") }

        let stories = try await AcceptanceTests.snapshot(configuration)
        let bySource = Dictionary(stories.map { ($0.record.origin, $0) }, uniquingKeysWith: { a, _ in a })
        for id in ["feed-utf8", "feed-cp1252", "page-utf8", "page-cp1252"] {
            let story = try #require(bySource[id], "no story archived for \(id)")
            #expect(story.record.title == Self.title, "\(id): title \(story.record.title ?? "nil")")
            #expect(story.text.contains(AcceptanceTests.normalized(Self.text)), "\(id): \(story.text)")
            #expect(!story.text.contains("\u{FFFD}") && !story.text.contains("Ã"), "\(id): \(story.text)")
        }
    }
}
