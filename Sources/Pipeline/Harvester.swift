import Archive
import Extraction
import FeedModel
import FeedParsing
import Fetching
import Foundation
import Logging

/// What one source yielded in one poll: observations to archive (in document order), the
/// report so far, and what the archive should remember. Produced by `FetchRun.harvest`, consumed
/// by `FetchRun.commit`.
public struct Harvest: Sendable {
    var observations: [Observation] = []
    /// The source's report so far (the archive adds new/known/revised counts on commit).
    public internal(set) var report: SourceReport
    var feedTitle: String?
    var siteLink: URL?
    /// The places the source lists now (feed entry links, listing page links), for withdrawals.
    var listed: Set<URL> = []
    /// The publication date of the oldest item listed, if every item's date is known.
    var windowStart: Date?
    /// The source's GUID policy after this poll (feeds only).
    var guids: GUIDPolicy?
    /// Validators of every URL answered 200 in this poll, to store once its stories are
    /// archived (nil values clear stored ones: a 200 without an ETag must not keep an old one).
    var validators: [URL: Validators] = [:]
    /// The source answered 304: nothing changed since the last poll.
    var notModified = false
    /// When the poll started (the next poll is planned from here: `every` is start to start).
    var startedAt: Date?
    /// The failure, when the source failed (for its kind and Retry-After).
    var error: FetchError?
    /// Caching headers of the source's answer (Cache-Control max-age, Expires) as the earliest
    /// sensible next poll, in seconds from now.
    var cacheLifetime: TimeInterval?
    /// The URL polled (the configured one, or where it permanently moved).
    var polledURL: URL?
    /// Whether the source's URL answered (2xx or 304, possibly after redirects).
    var answered = false
    /// Where the polled URL redirected permanently (301/308) in this poll, if it did.
    var permanentTarget: URL?
    /// The feed's `<ttl>` in seconds, when the feed was parsed and has one.
    var ttl: TimeInterval?
}

/// HTTP validators of one URL.
struct Validators: Sendable, Equatable {
    var etag: String?
    var lastModified: String?
}

/// Fetches one source and turns it into observations (DESIGN.md §1, the router): a feed is
/// parsed into entries (each completed from its page with `full_text`), a listing page is
/// followed to its articles, an article page is extracted.
struct Harvester: Sendable {
    var source: Source
    var fetcher: any PageFetching
    var logger: Logger
    var now: @Sendable () -> Date
    /// The GUID policy from the previous poll.
    var guids: GUIDPolicy?
    /// Where stored validators are looked up (nil: unconditional GETs).
    var store: ArchiveStore?
    /// The URL to poll when the source has permanently moved (nil: `source.url`).
    var pollURL: URL?
    /// How many linked article pages of one source are fetched at once (the fetcher's per-host
    /// politeness still applies).
    var parallelPages = 4
    /// Article links followed from one listing page per poll.
    var maxLinksPerListing = 50

    var extractor: Extractor {
        Extractor(options: ExtractionOptions(links: source.links, content: source.content, strip: source.strip))
    }

    func harvest() async -> Harvest {
        var harvest = Harvest(report: SourceReport(sourceID: source.id))
        harvest.startedAt = now()
        let url = pollURL ?? source.url
        harvest.polledURL = url
        let response: FetchResponse
        do {
            response = try await fetcher.fetch(await conditionalRequest(for: url))
        } catch {
            harvest.report.failure = error.description
            harvest.error = error
            return harvest
        }
        harvest.answered = true
        harvest.permanentTarget = response.permanentTarget
        harvest.cacheLifetime = Self.cacheLifetime(response.headers, now: now())
        if response.isNotModified {
            harvest.notModified = true
            harvest.report.notModified = true
            return harvest
        }
        harvest.validators[url] = Validators(response)
        // The validators describe the redirect target's representation: kept under its URL
        // too, so the first poll after the source moves there is conditional as well.
        if let target = response.permanentTarget { harvest.validators[target] = Validators(response) }

        switch route(response) {
        case .feed:
            do {
                let feed = try FeedParser.parse(response.body, url: response.url, httpCharset: response.charset)
                harvest.feedTitle = feed.title
                harvest.siteLink = feed.link
                harvest.ttl = feed.ttl
                if feed.bozo { harvest.report.warnings.append("the feed is not well-formed: \(feed.warnings.first ?? "")") }
                await harvestFeed(feed, into: &harvest)
            } catch {
                harvest.report.failure = "not a feed: \(error.message)"
            }
        case .page:
            await harvestPage(response, into: &harvest)
        }
        let confidences = harvest.observations.map(\.article.confidence)
        if !confidences.isEmpty { harvest.report.meanConfidence = confidences.reduce(0, +) / Double(confidences.count) }
        return harvest
    }

    enum Route { case feed, page }

    func route(_ response: FetchResponse) -> Route {
        switch source.kind {
        case .feed: return .feed
        case .page: return .page
        case .auto: return FeedParser.looksLikeFeed(response.body) ? .feed : .page
        }
    }

    func request(for url: URL) -> FetchRequest {
        var request = FetchRequest(url: url, headers: source.headers, settings: source.fetch)
        request.proxy = source.fetch.proxy
        request.verifiesTLS = source.fetch.tlsVerify
        return request
    }

    /// A GET made conditional with the validators stored for the URL, if any.
    func conditionalRequest(for url: URL) async -> FetchRequest {
        var request = request(for: url)
        if let stored = try? await store?.validators(for: url) {
            request.etag = stored.etag
            request.lastModified = stored.lastModified
        }
        return request
    }

    /// Seconds until the answer goes stale by `Cache-Control: max-age` (or `s-maxage`), else by
    /// `Expires`; nil without either, or with `no-cache`/`no-store`.
    static func cacheLifetime(_ headers: [String: String], now: Date) -> TimeInterval? {
        if let control = headers["cache-control"]?.lowercased() {
            let directives = control.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            if directives.contains(where: { $0 == "no-cache" || $0 == "no-store" }) { return nil }
            for name in ["s-maxage=", "max-age="] {
                if let directive = directives.first(where: { $0.hasPrefix(name) }),
                    let seconds = TimeInterval(directive.dropFirst(name.count).trimmingCharacters(in: CharacterSet(charactersIn: "\"")))
                {
                    return max(0, seconds)
                }
            }
        }
        if let expires = headers["expires"], let date = Self.httpDate(expires) {
            return max(0, date.timeIntervalSince(now))
        }
        return nil
    }

    /// An IMF-fixdate (RFC 9110 §5.6.7), the only form servers may send.
    static func httpDate(_ text: String) -> Date? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        return formatter.date(from: text.trimmingCharacters(in: .whitespaces))
    }

    // MARK: Feeds

    func harvestFeed(_ feed: ParsedFeed, into harvest: inout Harvest) async {
        harvest.report.items = feed.entries.count
        var policy = guids ?? GUIDPolicy()
        let usableIDs = policy.evaluate(feed.entries.map { ($0.id, $0.link) })
        if !usableIDs, !(guids?.unusable ?? false) {
            harvest.report.warnings.append("entry ids are unusable (\(policy.reason ?? "")); using URLs as identities")
        }
        harvest.guids = policy
        let dates = feed.entries.map { $0.published ?? $0.updated }
        harvest.windowStart = dates.contains(nil) ? nil : dates.compactMap { $0 }.min()
        let pages: [Int: Result<FetchedPage, FetchError>]
        if source.fullText {
            let links = feed.entries.enumerated().compactMap { index, entry in entry.link.map { (index, $0) } }
            pages = await fetchPages(links)
        } else {
            pages = [:]
        }
        let seenAt = now()
        for (index, entry) in feed.entries.enumerated() {
            var article: Article?
            switch pages[index] {
            case .success(.unchanged)?:
                // The page is as it was when its story was archived: nothing to do (a 304 costs no parsing).
                harvest.report.unchanged += 1
                if let link = entry.link { harvest.listed.insert(link) }
                continue
            case .success(.page(let page, let validators))?:
                harvest.validators[entry.link!] = validators
                if let extracted = page.article, !extracted.text.isEmpty {
                    article = extracted
                } else {
                    harvest.report.pageFailures.append(.init(url: entry.link!, reason: "no article found on the page"))
                }
            case .failure(let error)?:
                harvest.report.pageFailures.append(.init(url: entry.link!, reason: error.description))
            case nil:
                break
            }
            let merged = merge(entry: entry, article: article, feed: feed)
            guard !merged.text.isEmpty else {
                harvest.report.empty += 1
                continue
            }
            let place = entry.link ?? merged.canonical ?? source.url
            harvest.listed.insert(place)
            harvest.observations.append(
                Observation(
                    sourceID: source.id, place: place, guid: usableIDs ? entry.id : nil, article: merged, seenAt: seenAt))
        }
    }

    /// The article of a feed entry: the extracted page where there is one (the feed's own
    /// title and dates win, they are the publisher's metadata), else the entry's own content.
    func merge(entry: FeedEntry, article: Article?, feed: ParsedFeed) -> Article {
        var result: Article
        if let article {
            result = article
        } else {
            let body = entry.content ?? entry.summary
            var html = ""
            var text = ""
            if let body {
                switch body.type {
                case .html, .xhtml:
                    (html, text) = extractor.extractFragment(html: body.value, baseURL: entry.link ?? feed.link)
                case .text:
                    text = body.value.trimmingCharacters(in: .whitespacesAndNewlines)
                    html = text.components(separatedBy: "\n\n").map { "<p>\($0.xmlEscaped)</p>" }.joined(separator: "\n")
                }
            }
            result = Article(url: entry.link, canonical: entry.link, text: text, html: html, confidence: 0.3)
            result.language = feed.language
        }
        if let title = entry.title, !title.isEmpty { result.title = title }
        result.published = entry.published ?? result.published
        result.updated = entry.updated ?? result.updated
        if result.author == nil, let name = entry.author?.name { result.author = name }
        if result.canonical == nil { result.canonical = entry.link }
        return result
    }

    // MARK: Pages

    func harvestPage(_ response: FetchResponse, into harvest: inout Harvest) async {
        // Note: the page's validators are already recorded by `harvest()`.
        let page = extractor.extract(response.body, url: response.url, httpCharset: response.charset)
        let seenAt = now()
        switch page.kind {
        case .article:
            harvest.report.items = 1
            guard let article = page.article, !article.text.isEmpty else {
                harvest.report.empty = 1
                return
            }
            harvest.observations.append(
                Observation(sourceID: source.id, place: response.url, article: article, seenAt: seenAt))
        case .listing:
            let links = Array(page.links.prefix(maxLinksPerListing))
            harvest.report.items = links.count
            if page.links.count > links.count {
                harvest.report.warnings.append("only the first \(links.count) of \(page.links.count) links were followed")
            }
            let pages = await fetchPages(Array(links.enumerated()))
            harvest.listed = Set(links)
            var dates: [Date?] = []
            for (index, link) in links.enumerated() {
                switch pages[index] {
                case .success(.unchanged)?:
                    dates.append(await archivedPublication(of: link))
                    harvest.report.unchanged += 1
                case .success(.page(let extraction, let validators))?:
                    harvest.validators[link] = validators
                    dates.append(extraction.article?.published)
                    if let article = extraction.article, !article.text.isEmpty {
                        harvest.observations.append(
                            Observation(sourceID: source.id, place: link, article: article, seenAt: seenAt))
                    } else {
                        harvest.report.empty += 1
                    }
                case .failure(let error)?:
                    dates.append(nil)
                    harvest.report.pageFailures.append(.init(url: link, reason: error.description))
                case nil:
                    dates.append(nil)
                }
            }
            harvest.windowStart = dates.contains(nil) ? nil : dates.compactMap { $0 }.min()
        }
    }

    /// An article page as fetched: unchanged since it was archived (304), or extracted.
    enum FetchedPage: Sendable {
        case unchanged
        case page(PageExtraction, Validators)
    }

    /// The publication date of the story archived for a page, for a listing's window.
    func archivedPublication(of url: URL) async -> Date? {
        guard let store, let key = url.normalizedForIdentity?.absoluteString else { return nil }
        return try? await store.story(forIdentity: "url:\(key)")?.published
    }

    /// Fetches and extracts article pages (conditionally), a few at a time; results keyed by
    /// the caller's index.
    func fetchPages(_ links: [(Int, URL)]) async -> [Int: Result<FetchedPage, FetchError>] {
        await withTaskGroup(of: (Int, Result<FetchedPage, FetchError>).self) { group in
            var results: [Int: Result<FetchedPage, FetchError>] = [:]
            var pending = links[...]
            func start(_ group: inout TaskGroup<(Int, Result<FetchedPage, FetchError>)>) {
                guard let (index, url) = pending.popFirst() else { return }
                group.addTask {
                    do throws(FetchError) {
                        let response = try await fetcher.fetch(await conditionalRequest(for: url))
                        if response.isNotModified { return (index, .success(.unchanged)) }
                        let page = extractor.extract(response.body, url: response.url, httpCharset: response.charset)
                        return (index, .success(.page(page, Validators(response))))
                    } catch {
                        return (index, .failure(error))
                    }
                }
            }
            for _ in 0..<parallelPages { start(&group) }
            while let (index, result) = await group.next() {
                results[index] = result
                start(&group)
            }
            return results
        }
    }
}

extension Validators {
    /// The validators a response carries (both nil when it has none).
    init(_ response: FetchResponse) {
        self.init(etag: response.headers["etag"], lastModified: response.headers["last-modified"])
    }
}
