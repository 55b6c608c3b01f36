public import FeedModel
public import Foundation

/// The `feed-norm/1` JSON of a parsed feed: one object, keys in a fixed order, dates as
/// `YYYY-MM-DDTHH:MM:SSZ` (UTC), `null` for absent values and `[]` for absent lists. It is
/// what `herold parse --json` prints and what the differential test against feedparser reads.
///
/// ```
/// {"schema":"feed-norm/1","format":"rss20","bozo":false,
///  "feed":{"title":…,"link":…,"updated":…,"language":…},
///  "entries":[{"id","title","link","published","updated","author":{"name","email"},
///              "summary":{"type","value"},"content":{"type","value"},
///              "enclosures":[{"url","type","length"}],"categories":[…]}]}
/// ```
public enum FeedNormJSON {
    /// The schema name written into every document.
    public static let schema = "feed-norm/1"

    /// Encodes `feed` as one line of `feed-norm/1` JSON (UTF-8, no trailing newline).
    public static func encode(_ feed: ParsedFeed) -> String {
        var out = "{\"schema\":\"\(schema)\",\"format\":\(string(formatName(feed.format))),\"bozo\":\(feed.bozo)"
        out += ",\"feed\":{\"title\":\(string(feed.title)),\"link\":\(string(feed.link?.absoluteString))"
        out += ",\"updated\":\(date(feed.updated)),\"language\":\(string(feed.language))}"
        out += ",\"entries\":["
        for (index, entry) in feed.entries.enumerated() {
            if index > 0 { out += "," }
            out += "{\"id\":\(string(entry.id)),\"title\":\(string(entry.title))"
            out += ",\"link\":\(string(entry.link?.absoluteString))"
            out += ",\"published\":\(date(entry.published)),\"updated\":\(date(entry.updated))"
            if let author = entry.author {
                out += ",\"author\":{\"name\":\(string(author.name)),\"email\":\(string(author.email))}"
            } else {
                out += ",\"author\":null"
            }
            out += ",\"summary\":\(text(entry.summary)),\"content\":\(text(entry.content))"
            out += ",\"enclosures\":["
            for (k, enclosure) in entry.enclosures.enumerated() {
                if k > 0 { out += "," }
                out += "{\"url\":\(string(enclosure.url.absoluteString)),\"type\":\(string(enclosure.type))"
                out += ",\"length\":\(enclosure.length.map(String.init) ?? "null")}"
            }
            out += "],\"categories\":[" + entry.categories.map(string).joined(separator: ",") + "]}"
        }
        out += "]}"
        return out
    }

    /// The `format` value: `rss090`…`rss094`, `rss20`, `rss10`, `atom03`, `atom10`, `json10`, `json11`.
    public static func formatName(_ format: FeedFormat) -> String { format.rawValue }

    /// `YYYY-MM-DDTHH:MM:SSZ` in UTC.
    public static func timestamp(_ date: Date) -> String {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down))
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = seconds - days * 86_400
        // Civil date from days (H. Hinnant).
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        func pad(_ value: Int, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(secondOfDay / 3600, 2)):"
            + "\(pad(secondOfDay % 3600 / 60, 2)):\(pad(secondOfDay % 60, 2))Z"
    }

    private static func date(_ value: Date?) -> String {
        value.map { "\"" + timestamp($0) + "\"" } ?? "null"
    }

    private static func text(_ value: TextContent?) -> String {
        guard let value else { return "null" }
        return "{\"type\":\(string(value.type.rawValue)),\"value\":\(string(value.value))}"
    }

    /// A JSON string literal (or `null`).
    static func string(_ value: String?) -> String {
        value?.jsonQuoted ?? "null"
    }
}
