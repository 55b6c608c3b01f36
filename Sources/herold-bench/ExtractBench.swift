import ArgumentParser
import Extraction
import Foundation
import Markup

/// Extracts every HTML page of a directory in one process and reports pages/s and MB/s,
/// beside trafilatura over the same pages in the same run (a python3 child process that reads
/// the same files and times `trafilatura.extract` with the options the scorer uses).
///
/// Both sides time only the extraction of bytes already in memory: file reading and the
/// Python interpreter's start-up are outside the timed region. A third line times Herold's
/// HTML parsing alone, the floor under its extraction time. Single-threaded on both sides,
/// best of `--repeat` for Herold (trafilatura runs once unless `--repeat-baseline` says more).
struct ExtractBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "extract",
        abstract: "Extract every page of a directory: Herold pages/s and MB/s beside trafilatura.")

    @Argument(help: "A directory of HTML pages (searched recursively for *.html / *.htm).")
    var directory: String

    @Option(help: "Timed passes of Herold over all pages (the best counts).")
    var `repeat` = 3

    @Option(help: "Timed passes of trafilatura (the best counts).")
    var repeatBaseline = 1

    @Option(help: "Only the first N pages (sorted by path).")
    var limit: Int?

    @Flag(help: "Skip trafilatura.")
    var noTrafilatura = false

    @Option(help: "The Python interpreter with trafilatura installed.")
    var python = "python3"

    func run() throws {
        var paths = try Self.htmlFiles(in: directory)
        if let limit { paths = Array(paths.prefix(limit)) }
        guard !paths.isEmpty else { throw ValidationError("no *.html files under \(directory)") }
        let pages = try paths.map { [UInt8](try Data(contentsOf: URL(fileURLWithPath: $0))) }
        let megabytes = Double(pages.reduce(0) { $0 + $1.count }) / 1_000_000
        print("herold-bench extract: \(pages.count) pages, \(String(format: "%.1f", megabytes)) MB from \(directory)")

        // Herold: one extractor, every page, best of `repeat` passes.
        let extractor = Extractor()
        var best = Double.infinity
        var characters = 0
        var empty = 0
        for _ in 0..<max(1, self.repeat) {
            characters = 0
            empty = 0
            let start = ContinuousClock.now
            for page in pages {
                let text = extractor.extract(page, url: nil).article?.text ?? ""
                characters += text.utf8.count
                if text.isEmpty { empty += 1 }
            }
            best = min(best, Self.seconds(ContinuousClock.now - start))
        }
        let heroldRate = Double(pages.count) / best
        print(
            "  herold       \(Self.format(heroldRate)) pages/s  \(Self.format(megabytes / best)) MB/s  "
                + "(\(Self.format(best, 2)) s, \(empty) empty, \(characters / 1000) kB of text)")

        // The floor under Herold's time: libxml2 parsing (with charset sniffing) alone.
        var parseBest = Double.infinity
        for _ in 0..<max(1, self.repeat) {
            let start = ContinuousClock.now
            for page in pages { _ = try? HTMLDocument(bytes: page, url: nil, httpCharset: nil) }
            parseBest = min(parseBest, Self.seconds(ContinuousClock.now - start))
        }
        print(
            "  parse only   \(Self.format(Double(pages.count) / parseBest)) pages/s  "
                + "\(Self.format(megabytes / parseBest)) MB/s  (HTMLDocument alone: the floor under extraction)")

        guard !noTrafilatura else { return }
        guard let baseline = try trafilatura(paths: paths) else { return }
        let rate = Double(pages.count) / baseline.seconds
        print(
            "  trafilatura  \(Self.format(rate)) pages/s  \(Self.format(megabytes / baseline.seconds)) MB/s  "
                + "(\(Self.format(baseline.seconds, 2)) s, \(baseline.version))")
        print("  ratio        herold/trafilatura \(Self.format(heroldRate / rate))× (target ≥ 20×)")
    }

    /// Runs trafilatura in a python3 child over the same files; nil (with a message) when
    /// python3 or trafilatura is missing.
    private func trafilatura(paths: [String]) throws -> (seconds: Double, version: String)? {
        let script = """
            import sys, time
            try:
                import trafilatura
            except ImportError:
                print("missing"); sys.exit(0)
            paths = sys.stdin.read().split("\\n")
            pages = [open(p, "rb").read() for p in paths if p]
            best = float("inf")
            for _ in range(int(sys.argv[1])):
                t = time.perf_counter()
                for raw in pages:
                    trafilatura.extract(raw, include_comments=False, include_tables=True, output_format="txt")
                best = min(best, time.perf_counter() - t)
            print(best, trafilatura.__version__)
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [python, "-c", script, "\(max(1, repeatBaseline))"]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        input.fileHandleForWriting.write(Data(paths.joined(separator: "\n").utf8))
        try input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let line = String(decoding: data, as: UTF8.self).split(separator: "\n").last.map(String.init) ?? ""
        let fields = line.split(separator: " ")
        guard process.terminationStatus == 0, fields.count == 2, let seconds = Double(fields[0]) else {
            print("  trafilatura  not measured (\(line.isEmpty ? "python3 failed" : line)); pip install trafilatura")
            return nil
        }
        return (seconds, String(fields[1]))
    }

    /// Every *.html / *.htm file under a directory, sorted by path.
    static func htmlFiles(in directory: String) throws -> [String] {
        let root = URL(fileURLWithPath: directory)
        guard let enumerator = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil) else {
            throw ValidationError("cannot read \(directory)")
        }
        var result: [String] = []
        for case let url as URL in enumerator where ["html", "htm"].contains(url.pathExtension.lowercased()) {
            result.append(url.path)
        }
        return result.sorted()
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    static func format(_ value: Double, _ digits: Int = 1) -> String { String(format: "%.\(digits)f", value) }
}
