import Markup

/// The ingredient list of a recipe page when the content container left it out. A page that
/// declares a schema.org Recipe names its ingredients in its JSON-LD (`recipeIngredient`);
/// recipe sites set the list in a box beside the preparation steps, which the container pick
/// often misses. When the extracted blocks hold fewer than `presentShare` of the declared
/// ingredients, the smallest element of the page whose text holds at least `listShare` of them
/// (compared lower-cased without white space) is the visible list, and its blocks come first.
/// Only text visible on the page is added, never the declaration itself.
struct RecipeIngredients {
    /// Fewer declared ingredients than this are no list to look for.
    static let minimumCount = 3
    /// The extracted text already holds the list when it holds this share of the ingredients.
    static let presentShare = 0.5
    /// An element is the list when it holds this share of the ingredients ...
    static let listShare = 0.6
    /// ... and at most this multiple of their characters (group headings, amounts, labels).
    static let maximumFactor = 3.0
    static let slack = 200

    /// The JSON-LD objects of the page.
    let objects: [[String: Any]]

    /// The declared ingredients (the longest list among the page's objects), normalized.
    func ingredients() -> [String] {
        var best: [String] = []
        for object in objects {
            guard let list = object["recipeIngredient"] as? [Any] else { continue }
            let names = list.compactMap { $0 as? String }.map(Self.normalize).filter { !$0.isEmpty }
            if names.count > best.count { best = names }
        }
        return best
    }

    /// The list's blocks to put before `blocks` (filtered, without blocks `blocks` holds), or none.
    func list(body: Node, blocks: [Block], filter: BlockFilter) -> [Block] {
        let names = ingredients()
        guard names.count >= Self.minimumCount else { return [] }
        let extracted = Self.normalize(blocks.map(\.text).joined(separator: " "))
        let present = names.filter { extracted.contains($0) }.count
        guard Double(present) < Self.presentShare * Double(names.count) else { return [] }
        let total = names.reduce(0) { $0 + $1.count }
        let needed = Int((Self.listShare * Double(names.count)).rounded(.up))
        let limit = Self.maximumFactor * Double(total) + Double(Self.slack)
        var best: (node: Node, length: Int)?
        body.walk { node in
            guard node.isElement else { return false }
            let length = node.textLength
            // Too little text to hold the list: nothing below holds it either.
            if Double(length) < Self.listShare * Double(total) * 0.5 { return false }
            if Double(length) > limit { return true }
            let text = Self.normalize(node.text)
            let hits = names.filter { text.contains($0) }.count
            guard hits >= needed else { return false }
            if best.map({ length < $0.length }) ?? true { best = (node, length) }
            return true
        }
        guard let list = best?.node else { return [] }
        let keys = Set(blocks.map { TextTools.key($0.text) })
        return filter.filter(BlockBuilder().blocks(in: [list])).filter { !keys.contains(TextTools.key($0.text)) }
    }

    /// Lower-cased, without white space ("125 g Mehl" in the declaration and "125 g" and "Mehl"
    /// in two table cells compare alike).
    static func normalize(_ text: String) -> String {
        String(TextTools.key(text).filter { !$0.isWhitespace })
    }
}
