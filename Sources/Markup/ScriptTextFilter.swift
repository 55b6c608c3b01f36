#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Drops the contents of `<script>` and `<style>` elements from UTF-8 HTML before libxml2
/// parses it: modern pages carry hundreds of kilobytes of inline code and CSS that libxml2
/// would tokenize character by character and store as text nodes nobody reads. A script whose
/// start tag says `ld+json` (or holds a `&`, which could spell it as an entity) keeps its text:
/// the extractor reads JSON-LD.
///
/// The scan follows libxml2 2.9's HTML tokenizer (`htmlParseContentInternal`), so it finds
/// exactly the raw-text runs libxml2 would find and nothing else: comments (`<!--` to the first
/// `-->` or `--!>`), processing instructions (`<?name` to the first `>`), `<!DOCTYPE …>`, end
/// tags (`</name` to the first `>`), start tags with their attributes (a quoted value runs to
/// its closing quote, an unquoted one to white space or `>`, a malformed attribute to white
/// space, `>` or `/>`, as libxml2 dumps it), and a script's or style's raw text, which in
/// recover mode ends at the first `</` followed by the element's name in any case (libxml2
/// 2.9 knows no other raw-text element: `<textarea>`, `<title>` and the rest are ordinary
/// content there). Only the bytes between a script's or style's start tag and that `</` are
/// removed, so libxml2 builds the same tree without those text nodes.
///
/// Whenever the input holds something whose reading is less certain — an unterminated comment,
/// tag or raw-text element, a self-closing `<script/>` (libxml2 closes it, no raw text), an
/// end tag such as `</scriptx>` that ends the raw text without closing the element, raw text
/// that starts with another tag (libxml2 reads that as a tag), a script or style as the
/// document's first element (libxml2 nests what follows its end inside the root), a control
/// character inside a tag, a doctype with quotes that could hide a `>` — the page is left as it
/// is (`nil`): the filter is an optimization, never a second parser.
enum ScriptTextFilter {
    /// The input without script and style contents, or nil when nothing was dropped or the
    /// input holds a construct the filter does not follow.
    static func filter(_ input: [UInt8]) -> [UInt8]? {
        input.withUnsafeBufferPointer { buffer in
            guard let cuts = rawTextRuns(buffer), !cuts.isEmpty else { return nil }
            var output: [UInt8] = []
            output.reserveCapacity(buffer.count - cuts.reduce(0) { $0 + $1.count })
            var copied = 0
            for cut in cuts {
                output.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[copied..<cut.lowerBound]))
                copied = cut.upperBound
            }
            output.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[copied...]))
            return output
        }
    }

    // ASCII bytes the scan looks at.
    private static let lt: UInt8 = 0x3C, gt: UInt8 = 0x3E, slash: UInt8 = 0x2F, bang: UInt8 = 0x21
    private static let question: UInt8 = 0x3F, dash: UInt8 = 0x2D, equals: UInt8 = 0x3D
    private static let doubleQuote: UInt8 = 0x22, singleQuote: UInt8 = 0x27, ampersand: UInt8 = 0x26

    /// The byte ranges of the raw text to drop, in order; nil to leave the input alone.
    static func rawTextRuns(_ b: UnsafeBufferPointer<UInt8>) -> [Range<Int>]? {
        let n = b.count
        var runs: [Range<Int>] = []
        var i = 0
        var sawElement = false
        func at(_ index: Int) -> UInt8 { index < n ? b[index] : 0 }
        while i < n {
            guard let found = find(lt, in: b, from: i) else { break }
            i = found
            let next = at(i + 1)
            if next == bang {
                if at(i + 2) == dash && at(i + 3) == dash {
                    // A comment: to the first "-->" or "--!>" after "<!--".
                    guard let end = commentEnd(b, from: i + 4) else { return nil }
                    i = end
                } else if matchesCaseInsensitive(b, at: i + 2, "doctype") {
                    guard let end = doctypeEnd(b, from: i + 9) else { return nil }
                    // A doctype inside the content falls through in libxml2 to what follows it,
                    // which then reads "</" as text: not followed. (A second doctype right after
                    // it is text there, which ends where the filter's doctype ends: its bytes
                    // hold no '<'.)
                    if at(end) == lt, at(end + 1) == slash { return nil }
                    i = end
                } else {
                    // "<!" of anything else is text ("<![CDATA[" included).
                    i += 1
                }
            } else if next == question {
                // A processing instruction with a name runs to the first '>'; "<?" without one
                // is dropped and what follows is content.
                guard isASCIILetter(at(i + 2)) else {
                    guard at(i + 2) != 0, at(i + 2) < 0x80, at(i + 2) != 0x5F, at(i + 2) != 0x3A else { return nil }
                    i += 2
                    continue
                }
                guard let end = find(gt, in: b, from: i + 2) else { return nil }
                i = end + 1
            } else if next == slash {
                if isAttributeNameStart(at(i + 2)) {
                    // An end tag (a name starts with a letter, '_', ':' or '.'): its name, then
                    // anything up to the first '>'.
                    guard let end = find(gt, in: b, from: i + 2) else { return nil }
                    i = end + 1
                } else {
                    // "</" and a non-letter: the two bytes are dropped, the rest is content.
                    guard at(i + 2) != 0 else { return nil }
                    i += 2
                }
            } else if isASCIILetter(next) {
                guard let tag = startTag(b, from: i) else { return nil }
                i = tag.end
                defer { sawElement = true }
                guard let rawName = tag.rawText else { continue }
                // A script or style as the document's first element is its root, and libxml2
                // puts what follows the root's end inside it (a JSON-LD root's text would then
                // hold the later scripts' text): not followed.
                if !sawElement { return nil }
                // libxml2 reads a tag right after the start tag as a tag, not as raw text: an
                // end tag ("<script></p>" closes the paragraph), or a start tag whose element
                // closes a script or style by libxml2's auto-close table (`<noscript>` a script,
                // `<body>` and `<frameset>` a style; found by parsing every HTML 4 element name
                // and others after both). Only the element's own end is followed there.
                if at(i) == lt {
                    if at(i + 1) == slash {
                        if !matchesCaseInsensitive(b, at: i + 2, rawName) { return nil }
                    } else {
                        var end = i + 1
                        while isNameByte(at(end)) { end += 1 }
                        for closing in ["noscript", "body", "frameset"]
                        where end - i - 1 == closing.utf8.count && matchesCaseInsensitive(b, at: i + 1, closing) {
                            return nil
                        }
                    }
                }
                // The raw text: to the first "</" followed by the name in any case.
                var search = i
                var close: Int?
                while let candidate = find(lt, in: b, from: search) {
                    if at(candidate + 1) == slash, matchesCaseInsensitive(b, at: candidate + 2, rawName) {
                        close = candidate
                        break
                    }
                    search = candidate + 1
                }
                guard let close else { return nil }
                // "</scriptx>" ends the raw text but not the element (libxml2 ignores the end
                // tag and reads raw text again): not followed here.
                if isNameByte(at(close + 2 + rawName.utf8.count)) { return nil }
                if !tag.keepsText, close > i { runs.append(i..<close) }
                i = close
            } else if next == 0x5F || next == 0x3A {
                // "<_" and "<:" start elements in libxml2; too rare to follow.
                return nil
            } else {
                // A '<' that opens nothing is text.
                i += 1
            }
        }
        return runs
    }

    /// A parsed start tag: where the scan continues, whether the element is a script or style
    /// (its raw text follows) and whether a script's text is kept.
    private struct StartTag {
        var end: Int
        var rawText: String?
        var keepsText: Bool
    }

    /// The start tag at `start` (a '<' followed by a letter), read as libxml2's
    /// `htmlParseStartTag` reads it; nil for an unterminated tag or one the filter does not follow.
    private static func startTag(_ b: UnsafeBufferPointer<UInt8>, from start: Int) -> StartTag? {
        let n = b.count
        func at(_ index: Int) -> UInt8 { index < n ? b[index] : 0 }
        var i = start + 1
        while isNameByte(at(i)) { i += 1 }
        let nameLength = i - start - 1
        var rawText: String?
        if nameLength == 6, matchesCaseInsensitive(b, at: start + 1, "script") {
            rawText = "script"
        } else if nameLength == 5, matchesCaseInsensitive(b, at: start + 1, "style") {
            rawText = "style"
        }
        i = skipBlanks(b, from: i)
        while true {
            let byte = at(i)
            if byte == 0 { return nil }
            if byte == gt { break }
            if byte == slash && at(i + 1) == gt {
                // A self-closing script or style has no raw text in libxml2; other elements
                // end here too.
                if rawText != nil { return nil }
                return StartTag(end: i + 2, rawText: nil, keepsText: true)
            }
            if byte < 0x20 && !isBlank(byte) { return nil }
            if isAttributeNameStart(byte) {
                while isNameByte(at(i)) { i += 1 }
                i = skipBlanks(b, from: i)
                if at(i) == equals {
                    i = skipBlanks(b, from: i + 1)
                    let quote = at(i)
                    if quote == doubleQuote || quote == singleQuote {
                        guard let close = find(quote, in: b, from: i + 1) else { return nil }
                        i = close + 1
                    } else {
                        // Unquoted: to white space or '>' ("x/>" is the value "x/").
                        while true {
                            let value = at(i)
                            if value == 0 { return nil }
                            if value == gt || isBlank(value) { break }
                            if value < 0x20 { return nil }
                            i += 1
                        }
                    }
                }
            } else {
                // A malformed attribute is dumped up to white space, '>' or "/>".
                while true {
                    let value = at(i)
                    if value == 0 { return nil }
                    if value == gt || isBlank(value) || (value == slash && at(i + 1) == gt) { break }
                    if value < 0x20 { return nil }
                    i += 1
                }
            }
            i = skipBlanks(b, from: i)
        }
        var keepsText = true
        if rawText == "script" {
            // JSON-LD is read by the extractor; an entity could spell "ld+json" in the type.
            let tag = UnsafeBufferPointer(rebasing: b[start..<i])
            keepsText = find(ampersand, in: tag, from: 0) != nil || containsCaseInsensitive(tag, "ld+json")
        } else if rawText == "style" {
            keepsText = false
        }
        return StartTag(end: i + 1, rawText: rawText, keepsText: keepsText)
    }

    /// The index after the end of a comment whose text starts at `from`: the first "-->" or
    /// "--!>" (libxml2 2.9 accepts both).
    private static func commentEnd(_ b: UnsafeBufferPointer<UInt8>, from: Int) -> Int? {
        var i = from
        let n = b.count
        while let dashAt = find(dash, in: b, from: i) {
            guard dashAt + 2 < n else { return nil }
            if b[dashAt + 1] == dash {
                if b[dashAt + 2] == gt { return dashAt + 3 }
                if b[dashAt + 2] == bang, dashAt + 3 < n, b[dashAt + 3] == gt { return dashAt + 4 }
            }
            i = dashAt + 1
        }
        return nil
    }

    /// The index after a doctype's '>' when every byte before it is one that cannot open a
    /// literal running past it: letters, digits, space, CR, LF, double quotes in pairs and
    /// the public-identifier punctuation (a single quote, a tab or other bytes: nil).
    private static func doctypeEnd(_ b: UnsafeBufferPointer<UInt8>, from: Int) -> Int? {
        guard let end = find(gt, in: b, from: from) else { return nil }
        var quotes = 0
        for index in from..<end {
            let byte = b[index]
            if byte == doubleQuote {
                quotes += 1
                continue
            }
            guard isPublicIdentifierByte(byte) else { return nil }
        }
        return quotes % 2 == 0 ? end + 1 : nil
    }

    /// libxml2's `IS_PUBIDCHAR` without the single quote (which could start a literal).
    private static func isPublicIdentifierByte(_ byte: UInt8) -> Bool {
        if isASCIILetter(byte) || (byte >= 0x30 && byte <= 0x39) { return true }
        switch byte {
        case 0x20, 0x0D, 0x0A, 0x2D, 0x28, 0x29, 0x2B, 0x2C, 0x2E, 0x2F, 0x3A, 0x3D, 0x3F, 0x3B, 0x21, 0x2A, 0x23, 0x40,
            0x24, 0x5F, 0x25:
            return true
        default:
            return false
        }
    }

    private static func find(_ byte: UInt8, in b: UnsafeBufferPointer<UInt8>, from: Int) -> Int? {
        guard from < b.count, let base = b.baseAddress else { return nil }
        guard let hit = memchr(base + from, Int32(byte), b.count - from) else { return nil }
        return base.distance(to: UnsafePointer(hit.assumingMemoryBound(to: UInt8.self)))
    }

    private static func matchesCaseInsensitive(_ b: UnsafeBufferPointer<UInt8>, at start: Int, _ word: String) -> Bool {
        var index = start
        for expected in word.utf8 {
            guard index < b.count else { return false }
            let byte = b[index]
            let lower = byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte
            guard lower == expected else { return false }
            index += 1
        }
        return true
    }

    private static func containsCaseInsensitive(_ b: UnsafeBufferPointer<UInt8>, _ word: String) -> Bool {
        let length = word.utf8.count
        guard b.count >= length else { return false }
        for start in 0...(b.count - length) where matchesCaseInsensitive(b, at: start, word) { return true }
        return false
    }

    private static func isASCIILetter(_ byte: UInt8) -> Bool { (byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A }

    /// libxml2's `htmlParseHTMLName` characters: letters, digits, ':', '-', '_', '.'.
    private static func isNameByte(_ byte: UInt8) -> Bool {
        isASCIILetter(byte) || (byte >= 0x30 && byte <= 0x39) || byte == 0x3A || byte == 0x2D || byte == 0x5F || byte == 0x2E
    }

    /// The first character of a name for libxml2's `htmlParseHTMLName` (attribute and end-tag
    /// names): a letter, '_', ':' or '.'.
    private static func isAttributeNameStart(_ byte: UInt8) -> Bool {
        isASCIILetter(byte) || byte == 0x5F || byte == 0x3A || byte == 0x2E
    }

    /// libxml2's `IS_BLANK_CH`: space, tab, LF, CR.
    private static func isBlank(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D }

    private static func skipBlanks(_ b: UnsafeBufferPointer<UInt8>, from: Int) -> Int {
        var i = from
        while i < b.count, isBlank(b[i]) { i += 1 }
        return i
    }
}
