public import Foundation

/// Renders JSON Feed 1.1 (https://jsonfeed.org/version/1.1) with the same entries as the Atom
/// document it accompanies. JSON Feed has no tombstones: a withdrawn story is left out.
public enum JSONFeedWriter {
    /// The JSON Feed version URL.
    public static let version = "https://jsonfeed.org/version/1.1"

    struct Feed: Encodable {
        var version: String
        var title: String
        var home_page_url: String?
        var feed_url: String?
        var description: String?
        var authors: [Author]
        var items: [Item]
    }

    struct Author: Encodable {
        var name: String
    }

    struct Item: Encodable {
        var id: String
        var url: String?
        var title: String
        var content_html: String
        var summary: String?
        var date_published: String?
        var date_modified: String
        var authors: [Author]
        var tags: [String]
        var language: String?
        var _herold: Extension
    }

    /// Herold's extension object (JSON Feed §"Extensions": keys starting with an underscore).
    struct Extension: Encodable {
        var story: String
        var via: [String]
    }

    /// The JSON Feed document for `stories`, in the given order.
    /// - Parameters:
    ///   - homePage: the HTML index of the archive, if its public URL is known.
    ///   - feedURL: the public URL of this feed.json, if known.
    public static func render(
        stories: [SyndicatedStory], sources: [String: SourceInfo], title: String, homePage: URL?, feedURL: URL?
    ) -> String {
        let items = stories.filter { $0.record.withdrawn == nil }.map { story -> Item in
            let record = story.record
            let origin = sources[record.origin]
            let author = record.author ?? record.publisher ?? origin?.title ?? record.origin
            let summary = AtomFeedWriter.summaryText(story.text)
            var tags = AtomFeedWriter.sourceIDs(record)
            for id in tags {
                for category in sources[id]?.categories ?? [] where !tags.contains(category) { tags.append(category) }
            }
            return Item(
                id: record.atomID, url: AtomFeedWriter.alternate(record)?.absoluteString,
                title: record.title ?? "Untitled", content_html: story.html, summary: summary.isEmpty ? nil : summary,
                date_published: record.published.map(AtomFeedWriter.timestamp),
                date_modified: AtomFeedWriter.timestamp(record.updated), authors: [Author(name: author)], tags: tags,
                language: record.language, _herold: Extension(story: record.id, via: AtomFeedWriter.vias(record).map(\.absoluteString)))
        }
        let feed = Feed(
            version: version, title: title, home_page_url: homePage?.absoluteString, feed_url: feedURL?.absoluteString,
            description: nil, authors: [Author(name: title)], items: items)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(feed)) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
