import ArgumentParser
import Extraction
import Foundation
import Markup
import Synchronization

/// Extracts every HTML page of a directory in one process and reports pages/s and MB/s,
/// beside trafilatura over the same pages in the same run (a python3 child process that reads
/// the same files and times `trafilatura.extract` with the options the scorer uses).
///
/// Both sides time only the extraction of bytes already in memory: file reading and the
/// Python interpreter's start-up are outside the timed region. A third line times Herold's
/// HTML parsing alone, the floor under its extraction time. Single-threaded on both sides,
/// best of `--repeat` for Herold (trafilatura runs once unless `--repeat-baseline` says more).
/// `--threads N` (N > 1) adds a line for N worker threads in this one process over the same
/// page list; the single-threaded line stays the like-for-like comparison with trafilatura,
/// which runs in one Python process on one core. After every Herold pass the process's
/// resident memory is printed, to show that it does not grow from pass to pass.
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

    @Option(help: "Also time N worker threads in this process (each with its own documents; N > 1).")
    var threads = 1

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
        var memory: [String] = []
        for _ in 0..<max(1, self.repeat) {
            let start = ContinuousClock.now
            (characters, empty) = Self.extractAll(pages, extractor: extractor, threads: 1)
            best = min(best, Self.seconds(ContinuousClock.now - start))
            memory.append(Self.residentMemory())
        }
        let heroldRate = Double(pages.count) / best
        print(
            "  herold       \(Self.format(heroldRate)) pages/s  \(Self.format(megabytes / best)) MB/s  "
                + "(1 thread, \(Self.format(best, 2)) s, \(empty) empty, \(characters / 1000) kB of text)")
        print("               resident memory after each pass: \(memory.joined(separator: ", "))")

        var threadedRate: Double?
        if threads > 1 {
            var threadedBest = Double.infinity
            memory = []
            var threadedCharacters = 0
            for _ in 0..<max(1, self.repeat) {
                let start = ContinuousClock.now
                threadedCharacters = Self.extractAll(pages, extractor: extractor, threads: threads).characters
                threadedBest = min(threadedBest, Self.seconds(ContinuousClock.now - start))
                memory.append(Self.residentMemory())
            }
            threadedRate = Double(pages.count) / threadedBest
            print(
                "  herold ×\(threads)    \(Self.format(threadedRate!)) pages/s  \(Self.format(megabytes / threadedBest)) MB/s  "
                    + "(\(threads) threads in one process, \(Self.format(threadedBest, 2)) s, "
                    + "\(threadedCharacters == characters ? "same" : "DIFFERENT") text length as 1 thread)")
            print("               resident memory after each pass: \(memory.joined(separator: ", "))")
        }

        // The floor under Herold's time: libxml2 parsing (with charset sniffing) alone, as the
        // extractor parses (script and style contents skipped).
        var parseBest = Double.infinity
        for _ in 0..<max(1, self.repeat) {
            let start = ContinuousClock.now
            for page in pages { _ = try? HTMLDocument(bytes: page, url: nil, httpCharset: nil, skipsScriptText: true) }
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
        print("  ratio        herold/trafilatura \(Self.format(heroldRate / rate))× single-threaded, like for like (target ≥ 20×)")
        if let threadedRate {
            print("               herold ×\(threads) threads/trafilatura (one process) \(Self.format(threadedRate / rate))×")
        }
    }

    /// Extracts every page, on `threads` worker threads that take the next page from a shared
    /// counter; returns the bytes of text and the pages with no text.
    static func extractAll(_ pages: [[UInt8]], extractor: Extractor, threads: Int) -> (characters: Int, empty: Int) {
        if threads <= 1 {
            var characters = 0
            var empty = 0
            for page in pages {
                let text = extractor.extract(page, url: nil).article?.text ?? ""
                characters += text.utf8.count
                if text.isEmpty { empty += 1 }
            }
            return (characters, empty)
        }
        let next = Atomic<Int>(0)
        let characters = Atomic<Int>(0)
        let empty = Atomic<Int>(0)
        DispatchQueue.concurrentPerform(iterations: threads) { _ in
            while true {
                let index = next.add(1, ordering: .relaxed).oldValue
                guard index < pages.count else { return }
                let text = extractor.extract(pages[index], url: nil).article?.text ?? ""
                characters.add(text.utf8.count, ordering: .relaxed)
                if text.isEmpty { empty.add(1, ordering: .relaxed) }
            }
        }
        return (characters.load(ordering: .relaxed), empty.load(ordering: .relaxed))
    }

    /// This process's resident memory (all / anonymous) from /proc, as "N MB (anon M MB)".
    static func residentMemory() -> String {
        guard let sample = SoakBench.read(getpid(), start: Date()) else { return "?" }
        return "\(sample.rssKB / 1024) MB (anon \(sample.anonKB / 1024) MB)"
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
