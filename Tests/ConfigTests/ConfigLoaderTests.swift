import Config
import FeedModel
import Foundation
import Testing

@Suite("feeds.yml")
struct ConfigLoaderTests {
    let file = URL(fileURLWithPath: "/srv/herold/feeds.yml")

    func parse(_ yaml: String) throws(ConfigError) -> Configuration {
        try ConfigLoader.parse(yaml: yaml, file: file, shownAs: "feeds.yml")
    }

    func issues(_ yaml: String) -> [ConfigIssue] {
        do {
            _ = try parse(yaml)
            Issue.record("expected the configuration to be rejected")
            return []
        } catch {
            return error.issues
        }
    }

    @Test("a full configuration is read with defaults applied and overridden")
    func fullConfiguration() throws {
        let configuration = try parse(
            """
            archive: data/archive
            feed:
              title: "Nachrichten"
              id: "tag:example.org,2026:herold"
              self: "https://news.example.org/feed.atom"
              entries: 50
            serve:
              listen: "127.0.0.1:8080"
            defaults:
              every: 30m
              timeout: 20s
              max_size: 5MB
              host_delay: 2s
              host_connections: 3
              user_agent: "Herold/test (+https://example.org/contact)"
            sources:
              - id: tfm
                name: "Thüringer Finanzministerium"
                url: "https://finanzen.example.org/medien?type=9818"
                kind: feed
                every: 1h30m
                full_text: true
                strip: [".news-related", "#c4735"]
                headers: { "Accept-Language": "de" }
                categories: [Finanzen, Thüringen, Finanzen]
                rights: "© Thüringer Finanzministerium"
              - id: bund-page
                url: "https://www.example.org/presse/"
                kind: page
                links: ".news-list a"
                content: "#main"
                strip: ".share"
                deny_private_networks: true
                proxy: "http://proxy.example:3128"
                tls_verify: false
            """)
        #expect(configuration.archive.path == "/srv/herold/data/archive")
        #expect(configuration.feed.title == "Nachrichten")
        #expect(configuration.feed.id == "tag:example.org,2026:herold")
        #expect(configuration.feed.selfURL?.absoluteString == "https://news.example.org/feed.atom")
        #expect(configuration.feed.entries == 50)
        #expect(configuration.listen == "127.0.0.1:8080")
        #expect(configuration.sources.map(\.id) == ["tfm", "bund-page"])

        let tfm = configuration.sources[0]
        #expect(tfm.name == "Thüringer Finanzministerium")
        #expect(tfm.kind == .feed)
        #expect(tfm.fullText)
        #expect(tfm.fetch.every == 5400)
        #expect(tfm.fetch.timeout == 20)
        #expect(tfm.fetch.maxSize == 5 * 1024 * 1024)
        #expect(tfm.fetch.hostDelay == 2)
        #expect(tfm.fetch.hostConnections == 3)
        #expect(tfm.fetch.userAgent == "Herold/test (+https://example.org/contact)")
        #expect(tfm.strip == [".news-related", "#c4735"])
        #expect(tfm.headers == ["Accept-Language": "de"])
        #expect(tfm.categories == ["Finanzen", "Thüringen"], "duplicates dropped, order kept")
        #expect(tfm.rights == "© Thüringer Finanzministerium")
        #expect(!tfm.fetch.denyPrivateNetworks)

        let page = configuration.sources[1]
        #expect(page.name == "bund-page", "the name defaults to the id")
        #expect(page.kind == .page)
        #expect(page.links == ".news-list a")
        #expect(page.content == "#main")
        #expect(page.strip == [".share"])
        #expect(page.categories.isEmpty && page.rights == nil)
        #expect(page.fetch.every == 1800, "inherits defaults.every")
        #expect(page.fetch.denyPrivateNetworks)
        #expect(!page.fullText)
        #expect(page.fetch.proxy?.absoluteString == "http://proxy.example:3128")
        #expect(!page.fetch.tlsVerify)
        #expect(tfm.fetch.tlsVerify && tfm.fetch.proxy == nil)
    }

    @Test("an absolute archive path is kept, the default is archive/ beside the file")
    func archivePaths() throws {
        let absolute = try parse("archive: /var/lib/herold\nsources: []\n")
        #expect(absolute.archive.path == "/var/lib/herold")
        let implicit = try parse("sources: []\n")
        #expect(implicit.archive.path == "/srv/herold/archive")
    }

    @Test("every error names file, line, key and what was expected")
    func errorsNameLineAndKey() {
        let found = issues(
            """
            feed:
              entries: many
            sources:
              - id: ok-source
                url: "https://example.org/feed"
                every: often
              - id: Bad_ID
                url: "ftp://example.org/x"
                kind: rss
              - id: ok-source
                url: "https://example.org/other"
                ful_text: true
            """)
        let byKey = Dictionary(found.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
        #expect(byKey["feed.entries"]?.line == 2)
        #expect(byKey["feed.entries"]?.message.contains("whole number") == true)
        #expect(byKey["sources[0].every"]?.line == 6)
        #expect(byKey["sources[0].every"]?.message.contains("duration") == true)
        #expect(byKey["sources[1].id"]?.line == 7)
        #expect(byKey["sources[1].url"]?.line == 8)
        #expect(byKey["sources[1].url"]?.message.contains("http://") == true)
        #expect(byKey["sources[1].kind"]?.message.contains("auto, feed, page") == true)
        #expect(byKey["sources[2].ful_text"]?.line == 12)
        #expect(byKey["sources[2].ful_text"]?.message.contains("did you mean \"full_text\"") == true)
        #expect(found.allSatisfy { $0.file == "feeds.yml" && $0.line > 0 && $0.column > 0 })
        let rendered = byKey["sources[0].every"]!.description
        #expect(rendered.hasPrefix("feeds.yml:6:"))
        #expect(rendered.contains("sources[0].every: expected a duration"))
    }

    @Test("a duplicate id is an error naming both places")
    func duplicateID() {
        let found = issues(
            """
            sources:
              - id: a
                url: "https://example.org/1"
              - id: a
                url: "https://example.org/2"
            """)
        #expect(found.count == 1)
        #expect(found.first?.key == "sources[1].id")
        #expect(found.first?.line == 4)
        #expect(found.first?.message.contains("sources[0]") == true)
    }

    @Test("missing required keys and unknown top-level keys are errors")
    func missingAndUnknown() {
        let found = issues(
            """
            archiv: x
            sources:
              - name: "no id, no url"
            """)
        let keys = Set(found.map(\.key))
        #expect(keys.contains("archiv"))
        #expect(keys.contains("sources[0].id"))
        #expect(keys.contains("sources[0].url"))
        #expect(found.first { $0.key == "archiv" }?.message.contains("did you mean \"archive\"") == true)
    }

    @Test("broken YAML is reported with its position")
    func brokenYAML() {
        let found = issues("sources:\n  - id: a\n    url: [unclosed\n")
        #expect(found.count == 1)
        #expect(found.first?.line ?? 0 > 0)
        #expect(found.first?.message.contains("not valid YAML") == true)
    }

    @Test("wrong types are named", arguments: [
        ("sources: {}\n", "sources", "a list of sources"),
        ("sources:\n  - id: a\n    url: \"https://e.org\"\n    full_text: maybe\n", "sources[0].full_text", "true or false"),
        ("sources:\n  - id: a\n    url: \"https://e.org\"\n    max_size: huge\n", "sources[0].max_size", "size"),
        ("sources:\n  - id: a\n    url: \"https://e.org\"\n    headers: [x]\n", "sources[0].headers", "mapping"),
        ("serve:\n  listen: nowhere\nsources: []\n", "serve.listen", "HOST:PORT"),
        ("sources:\n  - id: a\n    url: \"https://e.org\"\n    categories: {a: b}\n", "sources[0].categories", "list"),
        ("sources:\n  - id: a\n    url: \"https://e.org\"\n    categories: [ok, \"\"]\n", "sources[0].categories[1]", "non-empty"),
        ("sources:\n  - id: a\n    url: \"https://e.org\"\n    rights: \"  \"\n", "sources[0].rights", "non-empty"),
        ("feed:\n  id: \"not an iri\"\nsources: []\n", "feed.id", "IRI"),
    ])
    func wrongTypes(yaml: String, key: String, expected: String) {
        let found = issues(yaml)
        #expect(found.contains { $0.key == key && $0.message.contains(expected) }, "\(found)")
    }

    @Test("permanent_redirect_polls: default 3, overridable in defaults and per source, errors name file:line")
    func permanentRedirectPolls() throws {
        let configuration = try parse(
            """
            defaults:
              permanent_redirect_polls: 5
            sources:
              - id: a
                url: "https://example.org/a"
              - id: b
                url: "https://example.org/b"
                permanent_redirect_polls: 0
            """)
        #expect(FetchSettings().permanentRedirectPolls == 3)
        #expect(configuration.sources.map(\.fetch.permanentRedirectPolls) == [5, 0])
        let found = issues(
            """
            sources:
              - id: a
                url: "https://example.org/a"
                permanent_redirect_polls: often
              - id: b
                url: "https://example.org/b"
                permanent_redirect_polls: -2
            """)
        let byKey = Dictionary(found.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
        #expect(byKey["sources[0].permanent_redirect_polls"]?.description.hasPrefix("feeds.yml:4:") == true)
        #expect(byKey["sources[0].permanent_redirect_polls"]?.message.contains("whole number") == true)
        #expect(byKey["sources[1].permanent_redirect_polls"]?.line == 7)
        #expect(byKey["sources[1].permanent_redirect_polls"]?.message.contains("from 0 to 1000") == true)
    }

    @Test("an empty file and a missing file are clear errors")
    func emptyAndMissing() throws {
        #expect(issues("").first?.message.contains("empty") == true)
        let missing = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("no-such-\(UUID()).yml")
        #expect {
            try ConfigLoader.load(from: missing)
        } throws: { error in
            (error as? ConfigError)?.issues.first?.message.contains("cannot read the file") == true
        }
    }

    @Test("the repository's feeds.yml is valid")
    func repositoryConfiguration() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("feeds.yml")
        let configuration = try ConfigLoader.load(from: url)
        #expect(configuration.sources.count >= 3)
        #expect(configuration.sources.allSatisfy { $0.url.scheme == "https" })
    }
}
