import Markup

/// The article text a page declares in its JSON-LD, as a fallback for pages whose visible DOM
/// holds little of it (script-rendered pages ship the text in `<script>` data and render it
/// in the browser). schema.org's `articleBody` (Article, NewsArticle, BlogPosting, ...) is the
/// article's full text by definition; it replaces the DOM result only when that result holds
/// less than `maximumShare` of it, so a page whose DOM extraction worked is never touched, and
/// a declared body that is only a teaser (shorter than `minimumText`) is never used.
struct StructuredBody {
    /// A declared body shorter than this is a teaser, not the article.
    static let minimumText = 250
    /// The DOM result must hold less than this share of the declared body's characters.
    static let maximumShare = 0.5

    /// The JSON-LD objects of the page.
    let objects: [[String: Any]]

    /// The declared body's blocks when they should replace `blocks`, else nil.
    func replacement(for blocks: [Block]) -> [Block]? {
        guard let body = declaredBody() else { return nil }
        let paragraphs = Self.paragraphs(of: body)
        let length = paragraphs.reduce(0) { $0 + $1.count }
        guard length >= Self.minimumText else { return nil }
        let extracted = blocks.reduce(0) { $0 + $1.text.count }
        guard Double(extracted) < Self.maximumShare * Double(length) else { return nil }
        let html = paragraphs.map { "<p>" + Sanitizer.escapeText($0) + "</p>" }.joined()
        guard let document = try? HTMLDocument(fragment: html), let root = document.body else { return nil }
        let result = BlockBuilder().blocks(in: [root])
        return result.isEmpty ? nil : result
    }

    /// The longest `articleBody` string among the page's JSON-LD objects.
    func declaredBody() -> String? {
        var best: String?
        for object in objects {
            guard let body = object["articleBody"] as? String else { continue }
            if body.count > (best?.count ?? 0) { best = body }
        }
        return best
    }

    /// The body's paragraphs: split at line breaks; markup in the string (some sites put their
    /// HTML in it) is reduced to its text, block elements ending a paragraph.
    static func paragraphs(of body: String) -> [String] {
        if body.contains("</") || body.contains("<br"), let document = try? HTMLDocument(fragment: body),
            let root = document.body
        {
            for node in root.descendantElements where Rules.removedTags.contains(node.name) { node.remove() }
            return BlockBuilder().blocks(in: [root]).map(\.text)
        }
        let text = body.replacingOccurrences(of: "\r", with: "\n")
        return text.split(separator: "\n").map { TextTools.collapse(String($0)) }.filter { !$0.isEmpty }
    }
}
