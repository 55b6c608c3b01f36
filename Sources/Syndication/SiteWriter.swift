public import Archive
import Foundation

/// The archive's static site: `index.html` (newest stories and the list of months), one page per
/// month (`items/YYYY/MM/index.html`) and one per story (`items/YYYY/MM/<id>/index.html`: its
/// text, every place it was seen, its revisions and related stories). Plain HTML with relative
/// links only, so it works from the file system and from any web server.
public enum SiteWriter {
    static let style = """
        body{max-width:46em;margin:2em auto;padding:0 1em;font:1.05em/1.5 system-ui,sans-serif;color:#222}\
        a{color:#0645ad}ol.stories{padding-left:1.2em}ol.stories li{margin:.4em 0}\
        .meta{color:#666;font-size:.9em}.withdrawn{color:#a00;font-weight:bold}\
        table{border-collapse:collapse}td,th{padding:.2em .6em;text-align:left;border-bottom:1px solid #ddd}
        """

    static func page(title: String, body: String, root: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="de">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="generator" content="Herold">
        <title>\(title.xmlEscaped)</title>
        <link rel="alternate" type="application/atom+xml" href="\(root)feed.atom">
        <style>\(style)</style>
        </head>
        <body>
        \(body)
        </body>
        </html>

        """
    }

    static func day(_ date: Date?) -> String {
        guard let date else { return "" }
        return String(date.ISO8601Format().prefix(10))
    }

    static func listItem(_ story: StoryListing, href: String) -> String {
        var item = "<li><a href=\"\(href.xmlEscaped)\">\((story.title ?? "Untitled").xmlEscaped)</a>"
        item += " <span class=\"meta\">\(day(story.listingDate)) · \(story.sources.joined(separator: ", ").xmlEscaped)"
        if story.revisionCount > 1 { item += " · \(story.revisionCount) revisions" }
        item += "</span>"
        if story.withdrawn { item += " <span class=\"withdrawn\">withdrawn</span>" }
        return item + "</li>"
    }

    /// `index.html`: the newest stories and every month.
    public static func index(title: String, newest: [StoryListing], months: [(month: String, count: Int)], total: Int) -> String {
        var body = "<h1>\(title.xmlEscaped)</h1>\n"
        body += "<p class=\"meta\">\(total) stories · <a href=\"feed.atom\">Atom feed</a></p>\n"
        body += "<h2>Newest</h2>\n<ol class=\"stories\">\n"
        for story in newest { body += listItem(story, href: "\(story.folder)/index.html") + "\n" }
        body += "</ol>\n<h2>By month</h2>\n<ul>\n"
        for (month, count) in months {
            body += "<li><a href=\"items/\(month)/index.html\">\(month.replacingOccurrences(of: "/", with: "-"))</a> (\(count))</li>\n"
        }
        body += "</ul>\n"
        return page(title: title, body: body, root: "")
    }

    /// `items/YYYY/MM/index.html`: the stories of one month.
    public static func month(_ month: String, title: String, stories: [StoryListing]) -> String {
        let label = month.replacingOccurrences(of: "/", with: "-")
        var body = "<p><a href=\"../../../index.html\">\(title.xmlEscaped)</a></p>\n<h1>\(label)</h1>\n"
        body += "<ol class=\"stories\">\n"
        for story in stories { body += listItem(story, href: "\(story.id)/index.html") + "\n" }
        body += "</ol>\n"
        return page(title: "\(label) – \(title)", body: body, root: "../../../")
    }

    /// `items/YYYY/MM/<id>/index.html`: one story with its sources and revisions.
    /// - Parameter related: the related stories' records, to link them by title.
    public static func story(_ record: StoryRecord, html: String, title siteTitle: String, related: [StoryRecord]) -> String {
        let root = "../../../../"
        var body = "<p><a href=\"\(root)index.html\">\(siteTitle.xmlEscaped)</a> › "
        body += "<a href=\"../index.html\">\(record.month.replacingOccurrences(of: "/", with: "-"))</a></p>\n"
        body += "<article>\n<h1>\((record.title ?? "Untitled").xmlEscaped)</h1>\n<p class=\"meta\">"
        var meta: [String] = []
        if let published = record.published { meta.append("published \(day(published))") }
        meta.append("updated \(day(record.updated))")
        if let author = record.author { meta.append(author.xmlEscaped) }
        if let publisher = record.publisher, publisher != record.author { meta.append(publisher.xmlEscaped) }
        if let canonical = record.canonical {
            meta.append("<a href=\"\(canonical.absoluteString.xmlEscaped)\">original</a>")
        }
        body += meta.joined(separator: " · ") + "</p>\n"
        if let withdrawn = record.withdrawn {
            body += "<p class=\"withdrawn\">Withdrawn by its sources on \(day(withdrawn)).</p>\n"
        }
        body += html + "\n</article>\n"
        body += "<h2>Seen at</h2>\n<table>\n<tr><th>source</th><th>address</th><th>first seen</th><th>last seen</th></tr>\n"
        for sighting in record.sightings {
            body += "<tr><td>\(sighting.source.xmlEscaped)</td>"
            body += "<td><a href=\"\(sighting.url.absoluteString.xmlEscaped)\">\(sighting.url.absoluteString.xmlEscaped)</a></td>"
            body += "<td>\(day(sighting.firstSeen))</td><td>\(day(sighting.lastSeen))</td></tr>\n"
        }
        body += "</table>\n<h2>Revisions</h2>\n<ol>\n"
        for revision in record.revisions {
            body += "<li><a href=\"\(revision.number).html\">revision \(revision.number)</a> "
            body += "<span class=\"meta\">\(revision.seenAt.ISO8601Format()) · \(revision.length) characters · "
            body += "<a href=\"\(revision.number).txt\">text</a></span></li>\n"
        }
        body += "</ol>\n"
        if !related.isEmpty {
            body += "<h2>Related stories</h2>\n<ul>\n"
            for other in related {
                body += "<li><a href=\"\(root)\(other.folder)/index.html\">\((other.title ?? "Untitled").xmlEscaped)</a></li>\n"
            }
            body += "</ul>\n"
        }
        return page(title: record.title ?? "Untitled", body: body, root: root)
    }
}
