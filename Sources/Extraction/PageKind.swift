import Markup

/// Listing or article: decides whether the page's best repeated item structure (a group of
/// article links) *is* the page, or only sits beside an article (related news, a slider,
/// comments). The decision compares the reading text of the chosen content outside the items
/// with the items' own reading text ("reading text" = characters outside links, whatever the
/// markup: pages without `<p>` count as much as pages with it).
struct PageKindDecision {
    /// A listing has at least this many distinct article links.
    static let minimumLinks = 4
    /// Content outside the items below this many reading characters never makes an article.
    static let minimumArticleText = 300
    /// Content outside the items must exceed this share of the items' reading text.
    static let articleShare = 0.25
    /// Content outside the items of at least this many reading characters always makes an
    /// article: listing pages do not carry that much prose beside their items.
    static let decisiveArticleText = 1_500
    /// Items whose average reading text is above this are posts, answers or comments in full,
    /// not teasers: a page of them is not a listing of article links.
    static let maximumTeaserText = 1_000
    /// A content root inside one item (a forum's first post, a question) is the article when
    /// it holds this multiple of the median item's reading text.
    static let dominantItemFactor = 2.0

    /// Whether the page is a listing of `group`'s links, given the chosen content roots.
    func isListing(group: LinkDiscovery.Group, contentRoots roots: [Node]) -> Bool {
        guard group.links.count >= Self.minimumLinks else { return false }
        let itemTexts = group.items.map(Self.readingText)
        let itemText = itemTexts.reduce(0, +)
        guard !itemTexts.isEmpty, itemText / itemTexts.count <= Self.maximumTeaserText else { return false }
        let median = itemTexts.sorted()[itemTexts.count / 2]

        var outside = 0
        for root in roots {
            if group.items.contains(where: { $0.contains(root) }) {
                // The content sits inside one item: it is the article when it stands out.
                let own = Self.readingText(root)
                if own >= Self.minimumArticleText, Double(own) >= Self.dominantItemFactor * Double(median) { outside += own }
                continue
            }
            var inside = 0
            for item in group.items where root.contains(item) { inside += Self.readingText(item) }
            outside += max(0, Self.readingText(root) - inside)
        }
        if outside >= Self.decisiveArticleText { return false }
        return Double(outside) < max(Double(Self.minimumArticleText), Double(itemText) * Self.articleShare)
    }

    /// Characters of a subtree's text outside links (whitespace not counted).
    static func readingText(_ node: Node) -> Int {
        max(0, TextMetrics.textLength(of: node) - TextMetrics.linkTextLength(of: node))
    }
}
