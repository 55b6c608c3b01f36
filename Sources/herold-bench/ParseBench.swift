import ArgumentParser
import FeedModel
import FeedParsing
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Generates a 20 MB RSS 2.0 and a 20 MB Atom feed of German press releases and parses each
/// with Herold, with Python feedparser and with `xmllint --stream` (raw libxml2), each in its
/// own process so that peak memory belongs to one parser alone: the process's own high-water
/// mark (`VmHWM` read by Herold's child and feedparser's script, `/usr/bin/time` for xmllint;
/// not `wait4`'s `ru_maxrss`, which counts the spawning process's memory too, see
/// `Subprocess.ownPeakKiB`).
///
/// Speed is the parse of bytes already in memory for Herold (`FeedParser.parse`: encoding,
/// repair pass, streaming read, adapter) and feedparser (`feedparser.parse(bytes)`), each
/// timed inside its process, best of `--repeat`; for xmllint it is the process's wall time
/// minus that of the same command on a tiny file (start-up), best of `--repeat`. feedparser
/// runs once (it takes seconds).
///
/// Each rate is given twice: by wall time and by CPU time (user + system: `clock_gettime` of
/// the process around Herold's parse, `wait4` rusage for xmllint, `time.process_time()` for
/// feedparser). On a shared machine the wall time includes waiting for a core, which hits the
/// three parsers unevenly; the CPU time does not.
///
/// Every process parses the feed once, as Herold and xmllint do in use: Herold runs in
/// `--repeat` child processes (not `--repeat` parses in one child, whose peak would include
/// the heap left over from earlier parses), and its peak is the highest of those children.
struct ParseBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parse",
        abstract: "Parse a 20 MB RSS and Atom feed: Herold beside feedparser and xmllint --stream.")

    @Option(help: "Items per feed.")
    var items = 10_000

    @Option(help: "Target size of each feed in bytes.")
    var bytes = 20_000_000

    @Option(help: "Timed runs of Herold and xmllint, one process each (the best time counts; peak memory is the highest).")
    var `repeat` = 3

    @Flag(help: "Skip feedparser (it takes about 15 s per feed).")
    var noFeedparser = false

    @Option(help: "Where to write the generated feeds (a temporary folder by default; kept).")
    var directory: String?

    @Option(help: .hidden)
    var heroldChild: String?

    func run() throws {
        if let heroldChild {
            try Self.child(path: heroldChild, repeat: self.repeat)
            return
        }
        let folder = directory ?? FileManager.default.temporaryDirectory.appendingPathComponent("herold-parse-bench").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let python = Subprocess.pythonExecutable()
        print("herold-bench parse: \(items) items, \(bytes / 1_000_000) MB per feed, 2 formats; \(folder)")
        print("feedparser: \(noFeedparser ? "skipped" : python ?? "python3 not found")")
        let tiny = folder + "/tiny.xml"
        try Data("<?xml version=\"1.0\"?><rss version=\"2.0\"><channel/></rss>\n".utf8).write(to: URL(fileURLWithPath: tiny))

        var rows: [String] = []
        for format in FeedGenerator.Format.allCases {
            let path = folder + "/bench-\(format).xml"
            let document = FeedGenerator(format: format, items: items, targetBytes: bytes).document()
            try Data(document).write(to: URL(fileURLWithPath: path))
            let megabytes = Double(document.count) / 1_000_000

            // Herold, in child processes of this very executable, one parse each.
            var herold = Timing()
            var heroldRSS = 0
            var heroldEntries = ""
            for _ in 0..<max(1, self.repeat) {
                let run = try Subprocess.run([Subprocess.selfExecutable, "parse", "--herold-child", path, "--repeat", "1"])
                guard run.status == 0, let line = run.output.split(separator: "\n").last?.split(separator: " "),
                    line.count == 4, let wall = Double(line[0]), let cpu = Double(line[1]), let peak = Int(line[3])
                else { throw ValidationError("the Herold child failed: \(run.output)") }
                herold.add(wall: wall, cpu: cpu)
                heroldRSS = max(heroldRSS, peak)
                heroldEntries = String(line[2])
            }

            // xmllint --stream: best time minus start-up on a tiny file (wall and CPU apart).
            var startup = Timing()
            var xmllint = Timing()
            var xmllintRSS = 0
            for _ in 0..<max(1, self.repeat) {
                let tinyRun = try Subprocess.run(["xmllint", "--stream", "--noout", tiny])
                startup.add(wall: tinyRun.seconds, cpu: tinyRun.cpuSeconds)
                let run = try Subprocess.run(["xmllint", "--stream", "--noout", path])
                guard run.status == 0 else { throw ValidationError("xmllint failed on \(path)") }
                xmllint.add(wall: run.seconds, cpu: run.cpuSeconds)
                xmllintRSS = max(xmllintRSS, try Subprocess.peakKiB(["xmllint", "--stream", "--noout", path]) ?? run.maxRSSKiB)
            }
            xmllint.wall = max(0.001, xmllint.wall - startup.wall)
            xmllint.cpu = max(0.001, xmllint.cpu - startup.cpu)

            // feedparser, once.
            var feedparser: (timing: Timing, rss: Int, entries: String)?
            if !noFeedparser, let python {
                let script = """
                    import sys, time, feedparser
                    data = open(sys.argv[1], 'rb').read()
                    t = time.perf_counter(); c = time.process_time(); d = feedparser.parse(data)
                    peak = [int(l.split()[1]) for l in open('/proc/self/status') if l.startswith('VmHWM:')]
                    print(time.perf_counter() - t, time.process_time() - c, len(d.entries), peak[0] if peak else -1)
                    """
                let run = try Subprocess.run([python, "-c", script, path])
                let fields = run.output.split(separator: "\n").last?.split(separator: " ") ?? []
                if run.status == 0, fields.count == 4, let wall = Double(fields[0]), let cpu = Double(fields[1]),
                    let peak = Int(fields[3])
                {
                    feedparser = (Timing(wall: wall, cpu: cpu), peak > 0 ? peak : run.maxRSSKiB, String(fields[2]))
                } else {
                    print("feedparser failed: \(run.output)")
                }
            }

            func f(_ value: Double, _ digits: Int = 1) -> String { String(format: "%.\(digits)f", value) }
            func mb(_ kib: Int) -> String { f(Double(kib) / 1024) }
            func rates(_ timing: Timing, _ digits: Int = 1) -> String {
                "\(f(megabytes / timing.wall, digits)) / \(f(megabytes / timing.cpu, digits))"
            }
            func ratios(_ other: Timing, _ digits: Int) -> String {
                "\(f(other.wall / herold.wall, digits))× / \(f(other.cpu / herold.cpu, digits))×"
            }
            print("")
            print("\(format): \(f(megabytes)) MB, \(items) items (MB/s by wall / by CPU time)")
            print("  herold      \(rates(herold)) MB/s  peak \(mb(heroldRSS)) MB  (\(heroldEntries) entries)")
            print("  xmllint     \(rates(xmllint)) MB/s  peak \(mb(xmllintRSS)) MB  (--stream, no tree)")
            var fpRatio = "n/a"
            var fpRate = "–"
            var fpPeak = "–"
            if let feedparser {
                print("  feedparser  \(rates(feedparser.timing, 2)) MB/s  peak \(mb(feedparser.rss)) MB  (\(feedparser.entries) entries)")
                fpRatio = ratios(feedparser.timing, 0)
                fpRate = rates(feedparser.timing, 2)
                fpPeak = mb(feedparser.rss)
            }
            let libxmlRatio = ratios(xmllint, 2)
            print("  ratios      herold/feedparser \(fpRatio) (target ≥ 50×), herold/xmllint \(libxmlRatio) (target ≥ 0.5×)")
            rows.append(
                "| \(format) | \(f(megabytes)) | \(rates(herold)) | \(fpRate) | \(rates(xmllint)) | \(fpRatio) | \(libxmlRatio) "
                    + "| \(mb(heroldRSS)) / \(fpPeak) / \(mb(xmllintRSS)) |")
        }
        print("")
        print("Rates and ratios: by wall time / by CPU time (user + system) of the parse.")
        print("| feed | MB | Herold MB/s | feedparser MB/s | xmllint --stream MB/s | ×feedparser | ×xmllint | peak MB Herold / feedparser / xmllint |")
        print("|---|---|---|---|---|---|---|---|")
        rows.forEach { print($0) }
    }

    /// Best wall and best CPU time over runs.
    struct Timing {
        var wall = Double.infinity
        var cpu = Double.infinity
        mutating func add(wall: Double, cpu: Double) {
            self.wall = min(self.wall, wall)
            self.cpu = min(self.cpu, cpu)
        }
    }

    /// The Herold part, in its own process: parse the file `repeat` times, print the best
    /// wall time and the best CPU time (this process's user + system) in seconds, and the entry count.
    static func child(path: String, repeat count: Int) throws {
        let bytes = try readFile(path)
        let url = URL(string: "https://ministerium.example/feed.xml")
        var best = Timing()
        var entries = 0
        func cpuNow() -> Double {
            var now = timespec()
            clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now)
            return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
        }
        for _ in 0..<max(1, count) {
            let start = ContinuousClock.now
            let cpuStart = cpuNow()
            let feed = try FeedParser.parse(bytes, url: url)
            let cpu = cpuNow() - cpuStart
            let elapsed = ContinuousClock.now - start
            best.add(wall: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18, cpu: cpu)
            entries = feed.entries.count
        }
        print(best.wall, best.cpu, entries, Subprocess.ownPeakKiB() ?? -1)
    }
}

/// The file's bytes, read straight into one array (no intermediate `Data`, so that the peak
/// memory measured is the parser's and one copy of the input).
func readFile(_ path: String) throws -> [UInt8] {
    let fd = open(path, O_RDONLY)
    guard fd >= 0 else { throw ValidationError("cannot open \(path)") }
    defer { close(fd) }
    var info = stat()
    guard fstat(fd, &info) == 0 else { throw ValidationError("cannot stat \(path)") }
    let size = Int(info.st_size)
    return try [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
        var offset = 0
        while offset < size {
            let got = read(fd, buffer.baseAddress! + offset, size - offset)
            guard got > 0 else { throw ValidationError("cannot read \(path)") }
            offset += got
        }
        count = size
    }
}

/// Deterministic German-language feeds of a given size: umlauts as UTF-8, as character
/// references and as undeclared HTML entities inside escaped HTML, `content:encoded` HTML
/// (CDATA and escaped, alternating), relative links, RFC 822 and RFC 3339 dates.
struct FeedGenerator {
    enum Format: String, CaseIterable, CustomStringConvertible {
        case rss20, atom10
        var description: String { rawValue }
    }

    let format: Format
    let items: Int
    let targetBytes: Int

    static let words = """
        Landesregierung Ministerium Finanzämter Kommune Verwaltung Digitalisierung Haushaltsführung Förderprogramm \
        Bürgerämter Schule Straße Brücke Wasserstraßen Energieübergang Klimaschutz Wälder Landwirtschaft Polizei \
        Justizvollzug Gesundheit Pflegekräfte Krankenhäuser Forschung Hochschule Kultur Denkmäler Museen Theater Sport \
        Verkehr Bahnhöfe Radwege Wohnungsbau Mieterhöhung Grundsteuer Rechnungshof Servicekonto Anträge Gesetzentwurf \
        Verordnung Staatssekretärin Ministerin Minister Landtag Ausschuss Bericht Studie Konferenz Millionen Euro \
        Jahr Monat Woche heute morgen erstmals bereits außerdem größer Gemeinderäte Übergang Öffentlichkeit
        """.split(separator: " ").map(String.init)

    struct Random {
        var state: UInt64
        mutating func next() -> Int {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return Int(truncatingIfNeeded: state >> 1)
        }
        mutating func word() -> String { FeedGenerator.words[next() % FeedGenerator.words.count] }
        mutating func words(_ n: Int) -> String { (0..<n).map { _ in word() }.joined(separator: " ") }
    }

    func document() -> [UInt8] {
        var out = ""
        out.reserveCapacity(targetBytes + targetBytes / 10)
        switch format {
        case .rss20:
            out += """
                <?xml version="1.0" encoding="UTF-8"?>
                <rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" \
                xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom">
                <channel>
                <title>Pressemitteilungen des Ministeriums für Verkehr &amp; Digitales</title>
                <link>https://ministerium.example/presse/</link>
                <description>Aktuelle Meldungen</description>
                <language>de-de</language>
                <lastBuildDate>Tue, 10 Sep 2019 13:30:00 +0200</lastBuildDate>
                <atom:link href="https://ministerium.example/feed.xml" rel="self" type="application/rss+xml"/>

                """
        case .atom10:
            out += """
                <?xml version="1.0" encoding="UTF-8"?>
                <feed xmlns="http://www.w3.org/2005/Atom" xml:lang="de">
                <title>Pressemitteilungen des Ministeriums für Verkehr &amp; Digitales</title>
                <link rel="alternate" href="https://ministerium.example/presse/"/>
                <link rel="self" href="https://ministerium.example/atom.xml"/>
                <id>tag:ministerium.example,2019:presse</id>
                <updated>2019-09-10T13:30:00+02:00</updated>

                """
        }
        let perItem = max(600, (targetBytes - out.utf8.count) / max(1, items))
        for n in 0..<items {
            out += item(n, size: perItem)
        }
        out += format == .rss20 ? "</channel>\n</rss>\n" : "</feed>\n"
        return Array(out.utf8)
    }

    /// The HTML body of item `n`, about `size` bytes.
    private func html(_ n: Int, random: inout Random, size: Int) -> String {
        var body = "<p><strong>\(random.words(3))</strong> – \(random.words(12)) (Meldung \(n)).</p>"
        var paragraph = 0
        while body.utf8.count < size {
            paragraph += 1
            switch paragraph % 4 {
            case 1:
                body += "<p>\(random.words(20)) <a href=\"/presse/\(n)/anhang-\(paragraph).pdf\">Anhang (PDF)</a>.</p>"
            case 2:
                body += "<ul><li>\(random.words(5))</li><li>\(random.words(6)) &amp; \(random.words(2))</li></ul>"
            case 3:
                body += "<p>\(random.words(18)) &bdquo;Zitat&ldquo; &ndash; \(random.words(6)) &auml;&ouml;&uuml;&szlig;.</p>"
            default:
                body += "<p><img src=\"bilder/\(n)-\(paragraph).jpg\" alt=\"\(random.word())\"> \(random.words(16))</p>"
            }
        }
        return body
    }

    private func escaped(_ html: String) -> String {
        html.xmlEscaped
    }

    private func item(_ n: Int, size: Int) -> String {
        var random = Random(state: UInt64(n + 1) &* 0x9E37_79B9_7F4A_7C15 | 1)
        let title = "\(random.words(4)) &amp; \(random.word()): Straßenbau in Köln (Nr. \(n))"
        let day = 1 + n % 28
        let hour = n % 24
        let summary = "\(random.words(14)) &#228;&#246;&#252; \(random.words(6))"
        let category = random.word()
        // What is left for the HTML body, roughly (the escaped form is ~15% larger).
        let overhead = 700
        let htmlSize = max(100, (size - overhead) * (n % 2 == 0 ? 100 : 87) / 100)
        let body = html(n, random: &random, size: htmlSize)
        switch format {
        case .rss20:
            let content = n % 2 == 0 ? "<![CDATA[\(body)]]>" : escaped(body)
            return """
                <item>
                <title>\(title)</title>
                <link>https://ministerium.example/presse/\(n)</link>
                <guid isPermaLink="false">ministerium-presse-\(n)</guid>
                <pubDate>\(["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"][n % 7]), \(day) Sep 2019 \
                \(String(format: "%02d", hour)):30:00 +0200</pubDate>
                <dc:creator>Pressestelle Ministerium für Verkehr</dc:creator>
                <category>\(category)</category>
                <enclosure url="/presse/\(n)/bild.jpg" type="image/jpeg" length="\(10_000 + n)"/>
                <description>\(summary)</description>
                <content:encoded>\(content)</content:encoded>
                </item>

                """
        case .atom10:
            return """
                <entry>
                <title type="html">\(title)</title>
                <link rel="alternate" type="text/html" href="https://ministerium.example/presse/\(n)"/>
                <link rel="enclosure" type="image/jpeg" length="\(10_000 + n)" href="/presse/\(n)/bild.jpg"/>
                <id>tag:ministerium.example,2019:presse-\(n)</id>
                <published>2019-09-\(String(format: "%02d", day))T\(String(format: "%02d", hour)):30:00+02:00</published>
                <updated>2019-09-\(String(format: "%02d", day))T\(String(format: "%02d", hour)):45:00+02:00</updated>
                <author><name>Pressestelle</name><email>presse@ministerium.example</email></author>
                <category term="\(category)"/>
                <summary type="html">\(summary)</summary>
                <content type="html" xml:base="https://ministerium.example/presse/\(n)/">\(escaped(body))</content>
                </entry>

                """
        }
    }
}

/// Runs a command in a child process (`posix_spawnp`) and reaps it with `wait4`, so that the
/// peak memory reported is that child's alone.
enum Subprocess {
    struct Result {
        /// Wall time from spawn to exit.
        var seconds: Double
        /// CPU time (user + system) of the child, from `wait4`.
        var cpuSeconds: Double
        /// `ru_maxrss` of the child, KiB.
        var maxRSSKiB: Int
        /// The exit status (or 128 + signal).
        var status: Int32
        /// What the child wrote to standard output.
        var output: String
    }

    static func run(_ arguments: [String], environment: [String: String]? = nil) throws -> Result {
        let outputPath = FileManager.default.temporaryDirectory.appendingPathComponent("herold-bench-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).out").path
        defer { unlink(outputPath) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        let env = (environment ?? ProcessInfo.processInfo.environment).map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            env.forEach { free($0) }
        }
        var pid: pid_t = 0
        let start = ContinuousClock.now
        let spawned = posix_spawnp(&pid, arguments[0], &actions, nil, argv, env)
        guard spawned == 0 else { throw ValidationError("cannot start \(arguments[0]): error \(spawned)") }
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 {
            guard errno == EINTR else { throw ValidationError("wait4 failed: \(errno)") }
        }
        let elapsed = ContinuousClock.now - start
        let exited = (status & 0x7F) == 0
        let code = exited ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
        let output = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        return Result(
            seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18,
            cpuSeconds: Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
                + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6,
            maxRSSKiB: Int(usage.ru_maxrss), status: code, output: output)
    }

    /// This process's peak resident memory (`VmHWM`, KiB) from /proc/self/status: the high-water
    /// mark of its own address space only. (`ru_maxrss` of a child from `wait4` is no measure of
    /// the child alone on Linux: the address space it had before `exec` — with posix_spawn, the
    /// spawning process's — counts too, so every child read at least the bench's own 73-100 MB.)
    static func ownPeakKiB() -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            return line.split(whereSeparator: { $0 == " " || $0 == "\t" }).dropFirst().first.flatMap { Int($0) }
        }
        return nil
    }

    /// The peak resident memory (KiB) of `arguments` run under `/usr/bin/time`, which starts it
    /// from its own small address space (see ``ownPeakKiB()``); nil without /usr/bin/time.
    static func peakKiB(_ arguments: [String]) throws -> Int? {
        try runMeasuringPeak(arguments).peakKiB
    }

    /// Runs `arguments` under `/usr/bin/time` (see ``peakKiB(_:)``) and gives back the run with
    /// the command's own peak resident memory (KiB); without /usr/bin/time, the plain run and nil.
    static func runMeasuringPeak(_ arguments: [String]) throws -> (run: Result, peakKiB: Int?) {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/time") else { return (try run(arguments), nil) }
        let report = FileManager.default.temporaryDirectory.appendingPathComponent("herold-bench-\(getpid())-peak").path
        defer { unlink(report) }
        let run = try run(["/usr/bin/time", "-f", "%M", "-o", report] + arguments)
        guard run.status == 0, let text = try? String(contentsOfFile: report, encoding: .utf8) else { return (run, nil) }
        return (run, text.split(separator: "\n").last.flatMap { Int($0.trimmingCharacters(in: .whitespaces)) })
    }

    /// This executable's path (for re-running it as a child).
    static var selfExecutable: String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }

    /// The real Python interpreter (not a pyenv shim), if there is one.
    static func pythonExecutable() -> String? {
        guard let run = try? run(["python3", "-c", "import sys, feedparser; print(sys.executable)"]), run.status == 0
        else { return nil }
        return run.output.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
