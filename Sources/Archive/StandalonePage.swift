import FeedModel
import Foundation

/// Renders a revision as a standalone, readable HTML page (`<n>.html`).
enum StandalonePage {
    static func render(article: Article, revision: Int) -> String {
        let title = (article.title ?? "Untitled").xmlEscaped
        var head = "<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        head += "<meta name=\"generator\" content=\"Herold\">\n<title>\(title)</title>\n"
        if let canonical = article.canonical ?? article.url {
            head += "<link rel=\"canonical\" href=\"\(canonical.absoluteString.xmlEscaped)\">\n"
        }
        head += "<style>body{max-width:42em;margin:2em auto;padding:0 1em;font:1.05em/1.5 sans-serif}</style>\n"
        var byline: [String] = []
        if let published = article.published {
            byline.append("<time datetime=\"\(published.ISO8601Format())\">\(published.ISO8601Format())</time>")
        }
        if let author = article.author { byline.append(author.xmlEscaped) }
        if let publisher = article.publisher, publisher != article.author { byline.append(publisher.xmlEscaped) }
        let lang = (article.language ?? "").xmlEscaped
        return """
            <!DOCTYPE html>
            <html\(lang.isEmpty ? "" : " lang=\"\(lang)\"")>
            <head>
            \(head)</head>
            <body>
            <article>
            <h1>\(title)</h1>
            <p class="byline">\(byline.joined(separator: " · ")) · revision \(revision)</p>
            \(article.html)
            </article>
            </body>
            </html>

            """
    }
}
