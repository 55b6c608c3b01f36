import Archive
import ArgumentParser
import FeedModel
import Foundation
import Glibc

/// Archives N synthetic stories and reports stories/s, index size, and the time of a dedup
/// lookup and of a search at that size; beside a baseline that writes the same bytes as plain
/// files (no fsync, no index) in the same run.
struct ArchiveBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "archive", abstract: "Archive N synthetic stories; dedup and search time at that size.")

    @Option(help: "Stories to archive.")
    var count = 100_000

    @Option(help: "Where to build the archive (a temporary folder by default; removed afterwards).")
    var directory: String?

    @Flag(help: "Skip the plain-file baseline (when only the lookups of an existing archive are wanted).")
    var noBaseline = false

    static let words = """
        Landesregierung Ministerium Finanzamt Kommune Verwaltung Digitalisierung Haushalt Förderprogramm Bürgeramt \
        Schule Straße Brücke Wasser Energie Klima Wald Landwirtschaft Polizei Justiz Gesundheit Pflege Krankenhaus \
        Forschung Hochschule Kultur Denkmal Museum Theater Sport Verkehr Bahn Bus Radweg Wohnung Miete Steuer \
        Grundsteuer Rechnung Portal Servicekonto Antrag Gesetz Verordnung Staatssekretär Ministerin Minister Landtag \
        Ausschuss Bericht Studie Konferenz Workshop Millionen Euro Jahr Monat Woche heute morgen erstmals bereits
        """.split(separator: " ").map(String.init)

    /// A deterministic pseudo-random press release of about 250 words.
    static func text(_ n: Int) -> String {
        var state = UInt64(n) &* 0x9E37_79B9_7F4A_7C15 | 1
        var paragraphs: [String] = []
        for _ in 0..<5 {
            var sentence: [String] = []
            for _ in 0..<50 {
                state ^= state << 13
                state ^= state >> 7
                state ^= state << 17
                sentence.append(words[Int(state % UInt64(words.count))])
            }
            paragraphs.append(sentence.joined(separator: " ") + " (Meldung \(n)).")
        }
        return paragraphs.joined(separator: "\n\n")
    }

    func run() async throws {
        let root = directory.map { URL(fileURLWithPath: $0) }
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("herold-archive-bench-\(UUID().uuidString)")
        defer { if directory == nil { try? FileManager.default.removeItem(at: root) } }
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        print("archiving \(count) synthetic stories into \(root.path)")

        // Baseline: the same text and HTML bytes as plain files (open, write, close: no
        // temporary file, no fsync, no index).
        let baselineRoot = root.appendingPathComponent("baseline")
        let baselineStart = ContinuousClock.now
        for n in 0..<(noBaseline ? 0 : count) {
            let folder = baselineRoot.appendingPathComponent("\(n / 1000)/\(n)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let body = Self.text(n)
            try Self.plainWrite(Array(body.utf8), to: folder.appendingPathComponent("1.txt").path)
            try Self.plainWrite(Array("<p>\(body)</p>".utf8), to: folder.appendingPathComponent("1.html").path)
        }
        let baseline = ContinuousClock.now - baselineStart
        try? FileManager.default.removeItem(at: baselineRoot)

        let archiveRoot = root.appendingPathComponent("archive")
        let store = try ArchiveStore(root: archiveRoot, feedID: "tag:bench.example,2026:bench")
        // An archive left by an interrupted run (with --directory) is continued, not rebuilt;
        // the rate is then measured over the stories added by this run.
        let existing = try await store.count()
        if existing > 0 { print("continuing an archive of \(existing) stories") }
        let start = ContinuousClock.now
        let base = Date(timeIntervalSince1970: 1_700_000_000)
        for n in existing..<max(existing, count) {
            let body = Self.text(n)
            let url = URL(string: "https://ministerium.example/presse/\(n)")!
            let article = Article(
                url: url, canonical: url, title: "Meldung \(n)", published: base.addingTimeInterval(Double(n) * 60),
                text: body, html: "<p>\(body)</p>")
            _ = try await store.ingest(
                Observation(sourceID: "bench-\(n % 50)", place: url, article: article, seenAt: base.addingTimeInterval(Double(n))))
            if n % 1000 == 999 {
                try await store.checkpoint()
                if n % 10_000 == 9_999 { Self.progress("archived \(n + 1) stories") }
            }
        }
        try await store.checkpoint()
        let added = max(0, count - existing)
        let archiving = ContinuousClock.now - start

        // A dedup lookup: an observation of a known text from another place (hash hit).
        let probe = count / 2
        let knownURL = URL(string: "https://other.example/\(probe)")!
        var lookups: [Duration] = []
        for i in 0..<50 {
            let article = Article(url: knownURL, canonical: knownURL, title: "x", text: Self.text(probe - i), html: "")
            let t = ContinuousClock.now
            _ = try await store.ingest(Observation(sourceID: "probe", place: knownURL, article: article, seenAt: Date()))
            lookups.append(ContinuousClock.now - t)
        }
        // Every word of the synthetic texts is in most stories: the searches below match nearly
        // the whole archive, the worst case for ranking.
        var searches: [Duration] = []
        var filtered: [Duration] = []
        let lastSeen = base.addingTimeInterval(Double(max(count, existing)))
        for word in ["Grundsteuer", "Förderprogramm Kommune", "foerderprogramm", "Krankenhaus Pflege Millionen"] {
            for query in [
                SearchQuery(words: [word], limit: 20),
                SearchQuery(words: [word], source: "bench-7", limit: 20),
                SearchQuery(words: [word], since: lastSeen.addingTimeInterval(-3_600), limit: 20),
            ] {
                let t = ContinuousClock.now
                let hits = try await store.search(query)
                let elapsed = ContinuousClock.now - t
                if hits.isEmpty { print("search: no hit for \(query)") }
                if query.source == nil && query.since == nil { searches.append(elapsed) } else { filtered.append(elapsed) }
            }
        }
        // A poll's listing check (withdrawals) for one source in its steady state: it lists its
        // 20 newest items, as it did last time. Baseline, same run: reading every record of the
        // source once, which is what each poll's check did before the index carried the
        // listing columns.
        let total = max(count, existing)
        let sourceItems = stride(from: 7, to: total, by: 50).map { URL(string: "https://ministerium.example/presse/\($0)")! }
        let listedNow = Set(sourceItems.suffix(20))
        let windowStart = base.addingTimeInterval(Double(sourceItems.count >= 20 ? 7 + (sourceItems.count - 20) * 50 : 0) * 60)
        var listings: [Duration] = []
        for round in 0..<7 {
            let t = ContinuousClock.now
            _ = try await store.noteListing(
                source: "bench-7", places: listedNow, windowStart: windowStart, now: base.addingTimeInterval(Double(total + round)),
                grace: 3 * 86_400)
            listings.append(ContinuousClock.now - t)
        }
        var readAll: [Duration] = []
        for _ in 0..<3 {
            let t = ContinuousClock.now
            for url in sourceItems { _ = try await store.story(forIdentity: "url:\(url.normalizedForIdentity?.absoluteString ?? "")") }
            readAll.append(ContinuousClock.now - t)
        }

        let indexBytes = ["herold.sqlite", "herold.sqlite-wal"].reduce(Int64(0)) { total, name in
            let size = (try? FileManager.default.attributesOfItem(atPath: archiveRoot.appendingPathComponent(name).path)[.size]) as? Int64
            return total + (size ?? 0)
        }

        func ms(_ d: Duration) -> Double { Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15 }
        func median(_ values: [Duration]) -> Double { values.map(ms).sorted()[values.count / 2] }
        let rate = Double(added) / (ms(archiving) / 1000)
        let baselineRate = Double(count) / (ms(baseline) / 1000)
        if added > 0 {
            print(String(format: "archive:   %.0f stories/s (%.1f s for %d; %d stories in the archive)", rate, ms(archiving) / 1000, added, try await store.count()))
        } else {
            print("archive:   \(try await store.count()) stories in the archive, none added")
        }
        if !noBaseline {
            print(String(format: "baseline:  %.0f stories/s plain files, no fsync, no index", baselineRate))
            print(String(format: "ratio:     archive at %.2f× the plain-file baseline", rate / baselineRate))
        }
        print(String(format: "index:     %.1f MB (%.0f bytes per story)", Double(indexBytes) / 1e6, Double(indexBytes) / Double(count)))
        print(String(format: "dedup:     median %.2f ms per known-text observation (hash lookup + provenance write)", median(lookups)))
        print(String(format: "listing:   median %.2f ms per poll's withdrawal check, a source of %d stories listing its 20 newest; reading each of its records (the check before): median %.2f ms", median(listings), sourceItems.count, median(readAll)))
        print(String(format: "search:    median %.2f ms (FTS5, 20 results) over %d stories; with --source or --since: median %.2f ms, max %.2f ms", median(searches), count, median(filtered), filtered.map(ms).max() ?? 0))
    }

    /// A plain write: open, write, close; no temporary file, no fsync.
    static func plainWrite(_ bytes: [UInt8], to path: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw CocoaError(.fileWriteUnknown) }
        defer { close(fd) }
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + written, bytes.count - written) }
            guard n > 0 else { throw CocoaError(.fileWriteUnknown) }
            written += n
        }
    }

    /// A progress line on stderr (unbuffered, unlike print's stdout when redirected).
    static func progress(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
