import Archive
import Extraction
import FeedModel
import FeedParsing
import Fetching
import Foundation
import Logging

/// What one source yielded in one poll: observations to archive, in document order.
struct Harvest: Sendable {
    var observations: [Observation] = []
    var report: SourceReport
    var feedTitle: String?
    var siteLink: URL?
    /// The places the source lists now (feed entry links, listing page links), for withdrawals.
    var listed: Set<URL> = []
    /// The publication date of the oldest item listed, if every item's date is known.
    var windowStart: Date?
    /// The source's GUID policy after this poll (feeds only).
    var guids: GUIDPolicy?
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
        let response: FetchResponse
        do {
            response = try await fetcher.fetch(request(for: source.url))
        } catch {
            harvest.report.failure = error.description
            return harvest
        }
        if response.isNotModified { return harvest }

        switch route(response) {
        case .feed:
            do {
                let feed = try FeedParser.parse(response.body, url: response.url, httpCharset: response.charset)
                harvest.feedTitle = feed.title
                harvest.siteLink = feed.link
                if feed.bozo { harvest.report.warnings.append("the feed is not well-formed: \(feed.warnings.first ?? "")") }
                await harvestFeed(feed, into: &harvest)
            } catch {
                harvest.report.failure = "not a feed: \(error.message)"
            }
        case .page:
            await harvestPage(response, into: &harvest)
        }
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
        FetchRequest(url: url, headers: source.headers, settings: source.fetch)
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
        let pages: [Int: Result<PageExtraction, FetchError>]
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
            case .success(let page)?:
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
                case .success(let extraction)?:
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

    /// Fetches and extracts article pages, a few at a time; results keyed by the caller's index.
    func fetchPages(_ links: [(Int, URL)]) async -> [Int: Result<PageExtraction, FetchError>] {
        await withTaskGroup(of: (Int, Result<PageExtraction, FetchError>).self) { group in
            var results: [Int: Result<PageExtraction, FetchError>] = [:]
            var pending = links[...]
            func start(_ group: inout TaskGroup<(Int, Result<PageExtraction, FetchError>)>) {
                guard let (index, url) = pending.popFirst() else { return }
                group.addTask {
                    do throws(FetchError) {
                        let response = try await fetcher.fetch(request(for: url))
                        let page = extractor.extract(response.body, url: response.url, httpCharset: response.charset)
                        return (index, .success(page))
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
