import Markup

/// One text block of the article body: a paragraph, heading, list item, quote, preformatted
/// text or table row, with the node it came from (for the HTML rendering).
struct Block {
    enum Kind: Equatable {
        case paragraph
        case heading(Int)
        case listItem(ordered: Bool)
        case quote
        case preformatted
        case tableRow
    }

    var kind: Kind
    /// The block's text, whitespace collapsed, trimmed.
    var text: String { didSet { characterCount = text.count } }
    /// The Characters of `text`, counted once (the filter and the cascade ask often).
    private(set) var characterCount: Int
    /// The nodes whose content make up the block (one element, or an inline run).
    var nodes: [Node]
    /// Characters inside links.
    var linkTextLength: Int
    /// The list element a list item belongs to (to group items when rendering).
    var list: Node?

    init(kind: Kind, text: String, nodes: [Node], linkTextLength: Int, list: Node? = nil) {
        self.kind = kind
        self.text = text
        self.characterCount = text.count
        self.nodes = nodes
        self.linkTextLength = linkTextLength
        self.list = list
    }

    /// Link characters over all characters.
    var linkDensity: Double {
        let total = characterCount
        return total == 0 ? 0 : Double(linkTextLength) / Double(total)
    }
}

/// Turns content roots into blocks, in document order: the small internal vocabulary the
/// later stages work on (trafilatura's idea: few kinds, one dispatch).
struct BlockBuilder {
    /// Elements left out with their content (content-level boilerplate).
    var excluded: Set<Node> = []

    /// Elements that make one block each.
    private static let blockTags: [String: Block.Kind] = [
        "address": .paragraph, "dd": .paragraph, "dt": .paragraph, "h1": .heading(1), "h2": .heading(2),
        "h3": .heading(3), "h4": .heading(4), "h5": .heading(5), "h6": .heading(6), "p": .paragraph,
        "pre": .preformatted, "summary": .paragraph,
    ]

    /// Elements skipped entirely by the body text (images are collected separately; `rt`/`rp`
    /// are ruby annotations, the reading aids printed above East Asian text, not the text).
    private static let skippedTags: Set<String> = ["figcaption", "head", "img", "picture", "rp", "rt", "title"]

    func blocks(in roots: [Node]) -> [Block] {
        var result: [Block] = []
        for root in roots where !excluded.contains(root) {
            if root.isElement, let kind = Self.blockTags[root.name] {
                append(kind: kind, nodes: [root], to: &result)
            } else {
                visitContainer(root, into: &result)
            }
        }
        return result
    }

    private func visitContainer(_ container: Node, into result: inout [Block]) {
        var run: [Node] = []
        func flush() {
            if !run.isEmpty {
                append(kind: .paragraph, nodes: run, to: &result)
                run.removeAll()
            }
        }
        // Two <br> in a row (whitespace between them aside) end a paragraph: pages without
        // <p> separate their paragraphs that way.
        var lastWasBreak = false
        for child in container.children {
            if child.isElement, child.hasName("br") {
                if lastWasBreak {
                    flush()
                    continue
                }
                lastWasBreak = true
                run.append(child)
                continue
            }
            if !(child.isText && TextTools.isBlank(child.content)) { lastWasBreak = false }
            switch child.kind {
            case .text, .cdata:
                run.append(child)
            case .element:
                let name = child.name
                if Self.skippedTags.contains(name) || excluded.contains(child) { continue }
                if Rules.inlineTags.contains(name) && !containsBlock(child) {
                    run.append(child)
                    continue
                }
                flush()
                visitBlock(child, into: &result)
            default:
                continue
            }
        }
        flush()
    }

    private func visitBlock(_ node: Node, into result: inout [Block]) {
        let name = node.name
        if let kind = Self.blockTags[name] {
            if name == "p" || name.first == "h" || !containsBlock(node) {
                append(kind: kind, nodes: [node], to: &result)
            } else {
                visitContainer(node, into: &result)
            }
            return
        }
        switch name {
        case "li":
            let ordered = node.parentElement?.hasName("ol") ?? false
            if containsBlock(node) {
                // The item's own inline text is one block, nested blocks follow.
                var inline: [Node] = []
                var nested: [Node] = []
                for child in node.children where !excluded.contains(child) {
                    if child.isElement, !Rules.inlineTags.contains(child.name) || containsBlock(child) {
                        nested.append(child)
                    } else if !child.isElement || !Self.skippedTags.contains(child.name) {
                        inline.append(child)
                    }
                }
                append(kind: .listItem(ordered: ordered), nodes: inline, list: node.parentElement, to: &result)
                for child in nested {
                    if Self.skippedTags.contains(child.name) { continue }
                    visitBlock(child, into: &result)
                }
            } else {
                append(kind: .listItem(ordered: ordered), nodes: [node], list: node.parentElement, to: &result)
            }
        case "blockquote":
            if containsBlock(node) {
                visitContainer(node, into: &result)
            } else {
                append(kind: .quote, nodes: [node], to: &result)
            }
        case "tr":
            append(kind: .tableRow, nodes: [node], to: &result)
        case "figure":
            visitContainer(node, into: &result)
        default:
            visitContainer(node, into: &result)
        }
    }

    private func containsBlock(_ node: Node) -> Bool {
        var found = false
        node.walk { child in
            if found { return false }
            if child.isElement, !Rules.inlineTags.contains(child.name) {
                found = true
                return false
            }
            return true
        }
        return found
    }

    private func append(kind: Block.Kind, nodes: [Node], list: Node? = nil, to result: inout [Block]) {
        // The raw text as UTF-8 bytes, made a string once, collapsed.
        var raw: [UInt8] = []
        var linkLength = 0
        for node in nodes {
            if node.isElement {
                collectText(node, into: &raw, linkLength: &linkLength, inLink: node.hasName("a"))
            } else if node.isText {
                node.forEachTextChunk { bytes in
                    raw.append(contentsOf: bytes)
                    return true
                }
            } else {
                raw.append(contentsOf: node.content.utf8)
            }
        }
        let text = TextTools.collapse(utf8: raw)
        guard !text.isEmpty else { return }
        result.append(Block(kind: kind, text: text, nodes: nodes, linkTextLength: linkLength, list: list))
    }

    /// Text of a block, with cell and line separators as spaces and link characters counted.
    private func collectText(_ node: Node, into text: inout [UInt8], linkLength: inout Int, inLink: Bool) {
        if excluded.contains(node) { return }
        if inLink { linkLength += TextTools.collapsedCount(of: node) }
        node.walk { child in
            if child.isText {
                child.forEachTextChunk { bytes in
                    text.append(contentsOf: bytes)
                    return true
                }
                return false
            }
            guard child.isElement else { return false }
            let name = child.name
            if Self.skippedTags.contains(name) || excluded.contains(child) { return false }
            if name == "br" || name == "td" || name == "th" || name == "li" || name == "p" || name == "div" { text.append(0x20) }
            if name == "a" && !inLink { linkLength += TextTools.collapsedCount(of: child) }
            return true
        }
    }
}

/// Whitespace and comparison helpers.
enum TextTools {
    /// Collapses every run of whitespace (including no-break spaces) to one space and trims;
    /// zero-width spaces are dropped. Soft hyphens stay: they are part of the published text
    /// (the content hash drops them). Works on UTF-8 bytes (ASCII fast path).
    static func collapse(_ text: String) -> String {
        var text = text
        // Most texts asked for are collapsed already (block texts, attribute values): give
        // them back without building a copy.
        if text.withUTF8(isCollapsed) { return text }
        return text.withUTF8(collapsed)
    }

    /// `collapse` of UTF-8 bytes (a text gathered from the tree's text nodes).
    static func collapse(utf8 bytes: [UInt8]) -> String {
        bytes.withUnsafeBufferPointer { input in
            isCollapsed(input) ? String(decoding: input, as: UTF8.self) : collapsed(input)
        }
    }

    /// The collapsed text of bytes that are not collapsed yet.
    private static func collapsed(_ input: UnsafeBufferPointer<UInt8>) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(input.count)
        var pendingSpace = false
        var index = 0
        let count = input.count
        while index < count {
            let byte = input[index]
            if byte < 0x80 {
                if byte == 0x20 || (byte >= 0x09 && byte <= 0x0D) {
                    pendingSpace = true
                } else {
                    if pendingSpace && !out.isEmpty { out.append(0x20) }
                    pendingSpace = false
                    out.append(byte)
                }
                index += 1
                continue
            }
            // A multi-byte scalar: decode its value to classify it.
            let (value, end) = scalar(in: input, at: index)
            if isSpace(value) {
                pendingSpace = true
            } else if value != 0x200B {
                if pendingSpace && !out.isEmpty { out.append(0x20) }
                pendingSpace = false
                for byte in input[index..<end] { out.append(byte) }
            }
            index = end
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// `collapse(node.text).count` without building the text when every scalar of it is its
    /// own Character (see `collapsedCounts`); other texts are collapsed and counted.
    static func collapsedCount(of node: Node) -> Int {
        collapsedCounts(of: node)?.characters ?? collapse(node.text).count
    }

    /// The Characters of `collapse(node.text)` and how many of them are `,`, read from the
    /// text nodes' bytes without building the text; nil when a scalar outside U+0000–U+02FF,
    /// U+2010–U+2027, U+2030–U+205E and U+20A0–U+20BF occurs. Those scalars (Latin, the
    /// quotes, dashes and symbols of general punctuation, currency signs) are never Extend,
    /// ZWJ, SpacingMark, Prepend, Hangul or regional indicators, so each is a Character on its
    /// own once white space is collapsed (no CR LF pair is left); U+0085 and U+00A0 are white
    /// space to `collapse`.
    static func collapsedCounts(of node: Node) -> (characters: Int, commas: Int)? {
        var count = 0
        var commas = 0
        var pendingSpace = false
        var simple = true
        node.forEachTextChunk { bytes in
            var index = 0
            let end = bytes.count
            while index < end {
                let byte = bytes[index]
                var isSpace: Bool
                if byte < 0x80 {
                    isSpace = byte == 0x20 || (byte >= 0x09 && byte <= 0x0D)
                    if byte == 0x2C { commas += 1 }
                    index += 1
                } else if byte >= 0xC2 && byte <= 0xCB, index + 1 < end, bytes[index + 1] & 0xC0 == 0x80 {
                    // U+0080–U+02FF.
                    let value = UInt32(byte & 0x1F) << 6 | UInt32(bytes[index + 1] & 0x3F)
                    isSpace = value == 0x85 || value == 0xA0
                    index += 2
                } else if byte == 0xE2, index + 2 < end, bytes[index + 1] & 0xC0 == 0x80, bytes[index + 2] & 0xC0 == 0x80 {
                    let value = 0x2000 | UInt32(bytes[index + 1] & 0x3F) << 6 | UInt32(bytes[index + 2] & 0x3F)
                    guard (0x2010...0x2027).contains(value) || (0x2030...0x205E).contains(value)
                        || (0x20A0...0x20BF).contains(value)
                    else {
                        simple = false
                        return false
                    }
                    isSpace = false
                    index += 3
                } else {
                    simple = false
                    return false
                }
                if isSpace {
                    pendingSpace = true
                } else {
                    if pendingSpace && count > 0 { count += 1 }
                    pendingSpace = false
                    count += 1
                }
            }
            return true
        }
        return simple ? (count, commas) : nil
    }

    /// The value of the multi-byte UTF-8 scalar starting at `index` (valid UTF-8, as a Swift
    /// string's bytes are) and the index after it.
    private static func scalar(in input: UnsafeBufferPointer<UInt8>, at index: Int) -> (value: UInt32, end: Int) {
        let byte = input[index]
        let length = byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : byte >= 0xC0 ? 2 : 1
        let end = min(input.count, index + length)
        var value = UInt32(byte) & (length == 4 ? 0x07 : length == 3 ? 0x0F : 0x1F)
        for next in (index + 1)..<max(index + 1, end) { value = value << 6 | UInt32(input[next] & 0x3F) }
        return (value, end)
    }

    /// Whether `collapse` would return these UTF-8 bytes unchanged: no white space but single
    /// spaces between other characters, no zero-width space.
    private static func isCollapsed(_ input: UnsafeBufferPointer<UInt8>) -> Bool {
        var afterSpace = true
        var index = 0
        let count = input.count
        while index < count {
            let byte = input[index]
            if byte < 0x80 {
                if byte == 0x20 {
                    if afterSpace { return false }
                    afterSpace = true
                } else if byte >= 0x09 && byte <= 0x0D {
                    return false
                } else {
                    afterSpace = false
                }
                index += 1
                continue
            }
            let (value, end) = scalar(in: input, at: index)
            if isSpace(value) || value == 0x200B { return false }
            afterSpace = false
            index = end
        }
        return count == 0 || !afterSpace
    }

    /// How many Characters of `text` are one of `scalars`, for scalars that no other scalar
    /// sequence is canonically equivalent to (no decomposition, not a composition's result):
    /// a Character then equals one of them exactly when it is that scalar alone, which is
    /// checked without `Character ==` (it normalizes non-ASCII text) or building a string.
    ///
    /// Read scalar by scalar: a scalar is a Character of its own when the scalar before it
    /// cannot be a Prepend (every Prepend scalar is at U+0600 or above) and the one after it
    /// cannot be Extend, ZWJ or SpacingMark (all at U+0300 or above), which covers ordinary
    /// text; when a neighbour is higher, the Characters are walked instead.
    static func count(_ scalars: [Unicode.Scalar], in text: String) -> Int {
        var total = 0
        var previous: UInt32 = 0
        var pending = false
        for scalar in text.unicodeScalars {
            if pending {
                if scalar.value >= 0x300 { return countByCharacter(scalars, in: text) }
                total += 1
                pending = false
            }
            if scalars.contains(scalar) {
                if previous >= 0x600 { return countByCharacter(scalars, in: text) }
                pending = true
            }
            previous = scalar.value
        }
        return pending ? total + 1 : total
    }

    private static func countByCharacter(_ scalars: [Unicode.Scalar], in text: String) -> Int {
        var total = 0
        for character in text {
            let view = character.unicodeScalars
            if let first = view.first, scalars.contains(first), view.index(after: view.startIndex) == view.endIndex {
                total += 1
            }
        }
        return total
    }

    /// `text.lowercased()`: the standard library lower-cases scalar by scalar (each
    /// scalar's `lowercaseMapping`, concatenated); here the mappings of the scalars below
    /// U+2070 (Latin, Greek, Cyrillic, ..., general punctuation such as „“–…: nearly all of
    /// the pages' text) come from a table made of those same mappings, so no string is made
    /// per scalar. Other scalars, and the few whose lower case is several scalars, take their
    /// `lowercaseMapping` as the standard library does.
    static func lowercased(_ text: String) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            let value = scalar.value
            if value < 0x80 {
                bytes.append(value >= 0x41 && value <= 0x5A ? UInt8(value | 0x20) : UInt8(value))
                continue
            }
            if value < UInt32(lowerTable.count), let lower = Unicode.Scalar(lowerTable[Int(value)]), lower.value != 0 {
                UTF8.encode(lower) { bytes.append($0) }
            } else {
                bytes.append(contentsOf: scalar.properties.lowercaseMapping.utf8)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The lower case of each scalar below U+2070 when it is one scalar, else 0.
    private static let lowerTable: [UInt32] = (0..<0x2070).map { value in
        guard let scalar = Unicode.Scalar(UInt32(value)) else { return 0 }
        let mapped = scalar.properties.lowercaseMapping.unicodeScalars
        guard mapped.count == 1, let lower = mapped.first else { return 0 }
        return lower.value
    }

    /// Unicode white space above ASCII (the `White_Space` property values).
    private static func isSpace(_ value: UInt32) -> Bool {
        switch value {
        case 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000: return true
        default: return false
        }
    }

    /// Whether a text is empty or only white space.
    static func isBlank(_ text: String) -> Bool {
        text.utf8.allSatisfy { $0 == 0x20 || ($0 >= 0x09 && $0 <= 0x0D) }
    }

    /// A comparison key: collapsed, lower-cased.
    static func key(_ text: String) -> String { lowercased(collapse(text)) }

    /// `key(text)` and `lowercased(text)`, one lower-casing for both when the text is collapsed
    /// already (as block texts are): then they are the same string.
    static func keyAndLowercased(_ text: String) -> (key: String, lowercased: String) {
        var text = text
        if text.withUTF8(isCollapsed) {
            let lower = lowercased(text)
            return (lower, lower)
        }
        return (key(text), lowercased(text))
    }

    /// A phrase key: lower-cased, trimmed of punctuation and symbols at both ends.
    static func phraseKey(_ text: String) -> String { phraseKey(key: key(text)) }

    /// `phraseKey` of a text whose `key` is given.
    static func phraseKey(key lowered: String) -> String {
        let scalars = lowered.unicodeScalars
        let isTrim: (Unicode.Scalar) -> Bool = { !($0.properties.isAlphabetic || $0.properties.numericType != nil) }
        guard let start = scalars.firstIndex(where: { !isTrim($0) }) else { return "" }
        let end = scalars.lastIndex(where: { !isTrim($0) })!
        return String(scalars[start...end])
    }
}
