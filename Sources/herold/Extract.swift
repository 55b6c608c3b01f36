import ArgumentParser
import Extraction
import FeedModel
import Foundation

extension Herold {
    /// `herold extract`: what the extractor finds on one page.
    struct Extract: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the article the extractor finds on one page (a file or an http(s) URL).")

        enum Format: String, EnumerableFlag {
            case text, json, html

            static func help(for value: Format) -> ArgumentHelp? {
                switch value {
                case .text: "Only the article body as plain text, paragraphs separated by blank lines (default)."
                case .json: "Every field as one JSON object."
                case .html: "The article body as sanitized HTML."
                }
            }
        }

        @Argument(help: "An HTML file, or an http(s) URL to fetch.")
        var input: String

        @Option(help: "The page's address when reading a file (for relative links and the canonical URL).")
        var url: String?

        @Flag var format: Format = .text

        @Option(help: "CSS selector of the article body.")
        var content: String?

        @Option(help: "CSS selector of blocks to drop (repeatable).")
        var strip: [String] = []

        @Option(help: "CSS selector of the article links on a listing page.")
        var links: String?

        /// For checking that a change leaves every output as it was: INPUT is then a directory
        /// (with a dev-set `manifest.json`, whose `url` of each page is passed as `--url`, or
        /// just *.html files), and each page's `--json` object is written to DIR/<name>.json.
        @Option(name: .customLong("dump-to"), help: .hidden)
        var dumpDirectory: String?

        func run() async throws {
            if let dumpDirectory {
                try dump(into: dumpDirectory)
                return
            }
            let page = try await Input.load(input, url: url, logger: makeLogger(verbose: false))
            let extractor = Extractor(options: ExtractionOptions(links: links, content: content, strip: strip))
            let result = extractor.extract(page.bytes, url: page.url, httpCharset: page.charset)
            switch format {
            case .text:
                if let text = result.article?.text, !text.isEmpty { print(text) }
            case .html:
                if let html = result.article?.html, !html.isEmpty { print(html) }
            case .json:
                print(Self.json(result, url: page.url).rendered())
            }
        }

        /// `--dump-to`: every page of the directory `input`, one extractor, one process.
        private func dump(into output: String) throws {
            let root = URL(fileURLWithPath: input)
            var pages: [(file: URL, url: URL?)] = []
            if let data = try? Data(contentsOf: root.appendingPathComponent("manifest.json")),
                let manifest = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                let entries = manifest["pages"] as? [[String: Any]]
            {
                for entry in entries {
                    guard let file = entry["file"] as? String else { continue }
                    // As `--url` would take it: absolute URLs only.
                    let url = (entry["url"] as? String).flatMap(URL.init(string:)).flatMap { $0.scheme == nil ? nil : $0 }
                    pages.append((root.appendingPathComponent(file), url))
                }
            } else {
                let files = (try? FileManager.default.contentsOfDirectory(atPath: input)) ?? []
                for name in files.sorted() where name.hasSuffix(".html") || name.hasSuffix(".htm") {
                    pages.append((root.appendingPathComponent(name), nil))
                }
            }
            guard !pages.isEmpty else {
                printError("error: \(input): no manifest.json pages and no *.html files")
                throw Exit.noInput
            }
            try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
            let extractor = Extractor(options: ExtractionOptions(links: links, content: content, strip: strip))
            for page in pages {
                guard let data = try? Data(contentsOf: page.file) else {
                    printError("error: \(page.file.path): cannot read the file")
                    continue
                }
                let result = extractor.extract([UInt8](data), url: page.url, httpCharset: nil)
                let name = page.file.deletingPathExtension().lastPathComponent + ".json"
                let rendered = Self.json(result, url: page.url).rendered() + "\n"
                try Data(rendered.utf8).write(to: URL(fileURLWithPath: output).appendingPathComponent(name))
            }
            print("\(pages.count) pages written to \(output)")
        }

        static func json(_ page: PageExtraction, url: URL?) -> JSONValue {
            let article = page.article
            return .object([
                ("kind", .string(page.kind.rawValue)),
                ("url", .url(article?.url ?? url)),
                ("canonical", .url(article?.canonical)),
                ("title", .string(article?.title)),
                ("published", .date(article?.published)),
                ("updated", .date(article?.updated)),
                ("author", .string(article?.author)),
                ("publisher", .string(article?.publisher)),
                ("language", .string(article?.language)),
                ("text", .string(article?.text)),
                ("html", .string(article?.html)),
                (
                    "images",
                    .array(
                        (article?.images ?? []).map {
                            .object([("src", .url($0.src)), ("alt", .string($0.alt)), ("caption", .string($0.caption))])
                        })
                ),
                (
                    "attachments",
                    .array(
                        (article?.attachments ?? []).map {
                            .object([("url", .url($0.url)), ("type", .string($0.type)), ("label", .string($0.label))])
                        })
                ),
                ("confidence", article.map { .number($0.confidence) } ?? .null),
                ("cms", .string(article?.cms)),
                ("links", .array(page.links.map { .url($0) })),
                ("feeds", .array(page.feeds.map { .url($0) })),
            ])
        }
    }
}
