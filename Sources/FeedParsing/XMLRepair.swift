import Markup

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A byte-level pass over an XML feed before libxml2 sees it. It makes libxml2's recovery
/// harmless and keeps entity expansion out of libxml2 altogether:
///
/// - `&amp; &lt; &gt; &quot; &apos;` become character references. (After the first
///   well-formedness error libxml2 drops predefined entity references but keeps character
///   references, so one unclosed tag would otherwise erase every later `&amp;`.)
/// - Undeclared HTML entities (`&auml;`, `&nbsp;`) become character references from the HTML
///   table (libxml2 would cut the text there). Unknown names stay as literal text.
/// - A bare `&` becomes `&#38;`; a `<` that cannot start markup becomes `&#60;`.
/// - Character references to windows-1252 positions (`&#150;`) are mapped as browsers do;
///   references to characters XML forbids become U+FFFD; forbidden control bytes are dropped.
/// - References to DTD-declared entities are replaced by their literal value when it holds
///   no further named reference; anything else (external entities, nested expansion such as
///   billion laughs) is dropped with a warning. libxml2 thus never expands an entity.
///
/// Comments, CDATA sections and processing instructions are copied untouched. Works on any
/// ASCII-compatible encoding (the output references are ASCII).
struct XMLRepair {
    var bytes: [UInt8] = []
    var warnings: [String] = []
    /// True when the input was not well-formed in a way this pass fixed.
    var bozo = false

    /// Character data as CDATA (only for the streamed read of a UTF-8 document, see
    /// ``XMLRepairStream/init(_:characterDataAsCDATA:)``): a character reference in element
    /// content is written as the character itself, inside a CDATA section that runs on over the
    /// text after it up to the next markup. libxml2 reports each reference with a callback of
    /// its own and re-parses it; a CDATA section is one callback. The characters libxml2
    /// reports are the same, as are the runs they form (neither a reference nor a CDATA
    /// section ends a run), the line numbers (no line feed is moved into a section) and the
    /// first error of an ill-formed document (see ``emitCharacter(_:inContent:)``).
    var characterDataAsCDATA = false
    /// The markup seen so far, as far as CDATA mode follows it: the root element has started,
    /// the bytes are inside a start or end tag (`quote`: inside a quoted attribute value).
    private var rootSeen = false
    private var inTag = false
    private var quote: UInt8 = 0
    /// Set for good once the document does something the tracking above does not follow
    /// (markup inside a tag, `<!` of no known kind, entity text inside a tag): no more CDATA.
    private var cdataOff = false
    /// Where the content of the open CDATA section starts in `bytes`; nil: none is open.
    private var cdataStart: Int?

    private var counts: [String: (count: Int, example: String)] = [:]
    private var order: [String] = []
    private var declared: [String: DeclaredEntity] = [:]
    private var htmlEntities: [String: UInt32?] = [:]

    enum DeclaredEntity {
        case literal([UInt8])
        case refused(String)
    }

    static func repair(_ input: [UInt8]) -> XMLRepair {
        var state = XMLRepair()
        state.bytes.reserveCapacity(input.count + input.count / 16)
        _ = input.withUnsafeBufferPointer { state.run($0, from: 0, untilOutput: .max) }
        state.summarize()
        return state
    }

    /// Fills `warnings` from the counted repairs (once, at the end).
    fileprivate mutating func summarize() {
        for key in order {
            let (count, example) = counts[key]!
            warnings.append(count == 1 ? "\(key): \(example)" : "\(key): \(example) (\(count) times)")
        }
    }

    /// Counts one repair of `kind`; the example is only built for the first of its kind.
    private mutating func note(_ kind: String, _ example: @autoclosure () -> String, bozo isBozo: Bool = true) {
        if isBozo { bozo = true }
        if let existing = counts[kind] {
            counts[kind] = (existing.count + 1, existing.example)
        } else {
            counts[kind] = (1, example())
            order.append(kind)
        }
    }

    /// Repairs `b` from `start` on, appending to `bytes`, until the input ends or `bytes` holds
    /// at least `limit` bytes (checked between tokens: a comment, CDATA section, reference or
    /// text run is always handled whole); returns where it stopped.
    fileprivate mutating func run(_ b: UnsafeBufferPointer<UInt8>, from start: Int, untilOutput limit: Int) -> Int {
        let n = b.count
        var i = start
        func starts(_ literal: StaticString, at index: Int, caseInsensitive: Bool = false) -> Bool {
            let count = literal.utf8CodeUnitCount
            guard index + count <= n else { return false }
            let p = literal.utf8Start
            for k in 0..<count {
                var x = b[index + k]
                if caseInsensitive, x >= 0x61, x <= 0x7A { x -= 0x20 }
                if x != p[k] { return false }
            }
            return true
        }
        func find(_ literal: StaticString, from index: Int) -> Int? {
            // The C library's vectorized memchr finds each candidate first byte (a CDATA
            // section or comment can be long: byte by byte this was a few % of a parse).
            guard n > 0, let base = b.baseAddress else { return nil }
            let first = Int32(literal.utf8Start[0])
            var j = index
            while j < n {
                guard let found = memchr(base + j, first, n - j) else { return nil }
                j = UnsafeRawPointer(found) - UnsafeRawPointer(base)
                if starts(literal, at: j) { return j }
                j += 1
            }
            return nil
        }
        while i < n, bytes.count < limit {
            let c = b[i]
            if c == 0x3C {  // <
                closeCDATA()
                if characterDataAsCDATA, inTag { cdataOff = true }  // markup inside a tag: not followed
                if i + 1 < n, b[i + 1] != 0x21, b[i + 1] != 0x3F, Self.canFollowLessThan(b[i + 1]) {
                    // A start or end tag, the common case (no comment, CDATA, PI or DOCTYPE).
                    if characterDataAsCDATA { tagStarts(before: b[i + 1]) }
                    bytes.append(c)
                    i += 1
                } else if starts("<!--", at: i) {
                    let end = find("-->", from: i + 4).map { $0 + 3 } ?? n
                    bytes.append(contentsOf: UnsafeBufferPointer(rebasing: b[i..<end]))
                    i = end
                } else if starts("<![CDATA[", at: i) {
                    let end = find("]]>", from: i + 9).map { $0 + 3 } ?? n
                    bytes.append(contentsOf: UnsafeBufferPointer(rebasing: b[i..<end]))
                    i = end
                } else if starts("<?", at: i) {
                    let end = find("?>", from: i + 2).map { $0 + 2 } ?? n
                    bytes.append(contentsOf: UnsafeBufferPointer(rebasing: b[i..<end]))
                    i = end
                } else if starts("<!DOCTYPE", at: i, caseInsensitive: true) {
                    i = doctype(b, from: i)
                } else if i + 1 < n, Self.canFollowLessThan(b[i + 1]) {
                    if characterDataAsCDATA { tagStarts(before: b[i + 1]) }
                    bytes.append(c)
                    i += 1
                } else {
                    note("a bare < was escaped", "at byte \(i)")
                    bytes.append(contentsOf: Array("&#60;".utf8))
                    i += 1
                }
            } else if c == 0x26 {  // &
                i = reference(b, at: i)
            } else if c < 0x20, c != 0x09, c != 0x0A, c != 0x0D {
                note("control characters were removed", "0x\(String(c, radix: 16)) at byte \(i)")
                i += 1
            } else if characterDataAsCDATA, inTag {
                // CDATA mode, inside a tag: copy it up to its closing `>` (quoted values
                // followed), or up to the next byte of interest; the content after the `>` is
                // a run of its own.
                let j = tagEnd(b, from: i, to: min(n, i + 65536))
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: b[i..<j]))
                i = j
            } else {
                // Copy the run up to the next byte of interest in one go.
                var j = i + 1
                var end = min(n, i + 65536)
                if characterDataAsCDATA {
                    // A run ends between characters: a CDATA section must not end inside one.
                    while end < n, end > j, b[end] & 0xC0 == 0x80 { end -= 1 }
                }
                // The same scan notes the run's bytes at or above 0x80 (`high`) and whether it
                // may hold a byte that ``cdataAccepts(_:from:to:)`` must look at (`hazard`), so
                // that CDATA mode reads a run of element content once.
                var high = c
                var hazard = Self.isCDATAHazard(c)
                while j < end {
                    // Eight bytes at a time while none of them can be of interest.
                    if j + 8 <= end {
                        let w = UnsafeRawPointer(b.baseAddress! + j).loadUnaligned(as: UInt64.self)
                        if !Self.mayHoldMarkupOrControl(w) {
                            if w & 0x8080_8080_8080_8080 != 0 {
                                high |= 0x80
                                if !hazard { hazard = Self.mayHoldCDATAHazard(w) }
                            } else if !hazard {
                                hazard = Self.hasByte(w, 0x3E)
                            }
                            j += 8
                            continue
                        }
                    }
                    let d = b[j]
                    if d == 0x3C || d == 0x26 || (d < 0x20 && d != 0x09 && d != 0x0A && d != 0x0D) { break }
                    high |= d
                    if Self.isCDATAHazard(d) { hazard = true }
                    j += 1
                }
                if characterDataAsCDATA {
                    // (Element content: inside a tag is handled above.)
                    if cdataStart != nil {
                        if hazard, !cdataAccepts(b, from: i, to: j) { closeCDATA() }
                    } else if rootSeen, !cdataOff, high >= 0x80, let first = Self.firstNonASCII(b, from: i, to: j),
                        !hazard || cdataAccepts(b, from: first, to: j)
                    {
                        // Text with non-ASCII characters (which libxml2 reads one by one in
                        // character data, as a block in CDATA): into a section from its
                        // first non-ASCII byte. The ASCII before it stays character data,
                        // which libxml2 reads on its fast path (a CDATA section costs it
                        // several passes over every byte), and the line feeds in it stay
                        // where an error after the root element is counted from.
                        bytes.append(contentsOf: UnsafeBufferPointer(rebasing: b[i..<first]))
                        openCDATA()
                        bytes.append(contentsOf: UnsafeBufferPointer(rebasing: b[first..<j]))
                        i = j
                        continue
                    }
                }
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: b[i..<j]))
                i = j
            }
        }
        closeCDATA()
        return i
    }

    /// CDATA mode: a `<` followed by `next` starts a tag (or is something not followed).
    private mutating func tagStarts(before next: UInt8) {
        if !inTag, next == 0x2F || Self.isNameStart(next) || next >= 0x80 {
            inTag = true
            quote = 0
            rootSeen = true
        } else {
            cdataOff = true
        }
    }

    /// CDATA mode, inside a tag: follows its bytes from `start` (quoted attribute values, the
    /// closing `>`) and returns the index after its `>` (the tag has ended), or of the first
    /// `<`, `&` or control byte other than tab, line feed and carriage return before it
    /// (handled by ``run(_:from:untilOutput:)`` as anywhere else), or `end`.
    private mutating func tagEnd(_ b: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) -> Int {
        var k = start
        while k < end {
            // Eight bytes at a time while none of them can end a value or the tag, or be
            // of interest.
            if k + 8 <= end {
                let w = UnsafeRawPointer(b.baseAddress! + k).loadUnaligned(as: UInt64.self)
                let stop =
                    Self.mayHoldMarkupOrControl(w)
                    || (quote != 0
                        ? Self.hasByte(w, quote) : Self.hasByte(w, 0x3E) || Self.hasByte(w, 0x22) || Self.hasByte(w, 0x27))
                if !stop {
                    k += 8
                    continue
                }
            }
            let x = b[k]
            if x == 0x3C || x == 0x26 || (x < 0x20 && x != 0x09 && x != 0x0A && x != 0x0D) { return k }
            if quote != 0 {
                if x == quote { quote = 0 }
            } else if x == 0x22 || x == 0x27 {
                quote = x
            } else if x == 0x3E {
                inTag = false
                return k + 1
            }
            k += 1
        }
        return end
    }

    /// Where text worth a CDATA section starts in `b[start..<end]`: its first byte at or above
    /// 0x80 (the lead byte of a non-ASCII character); nil when the text is ASCII.
    private static func firstNonASCII(_ b: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) -> Int? {
        var k = start
        while k + 8 <= end {
            let high = UnsafeRawPointer(b.baseAddress! + k).loadUnaligned(as: UInt64.self) & 0x8080_8080_8080_8080
            if high != 0 { return k + high.trailingZeroBitCount / 8 }
            k += 8
        }
        while k < end {
            if b[k] >= 0x80 { return k }
            k += 1
        }
        return nil
    }

    /// A byte ``cdataAccepts(_:from:to:)`` must look at: CR, `>` or 0xEF.
    @inline(__always)
    private static func isCDATAHazard(_ x: UInt8) -> Bool { x == 0x0D || x == 0x3E || x == 0xEF }

    /// Starts a CDATA section.
    private mutating func openCDATA() {
        bytes.append(contentsOf: [0x3C, 0x21, 0x5B, 0x43, 0x44, 0x41, 0x54, 0x41, 0x5B] as [UInt8])  // <![CDATA[
        cdataStart = bytes.count
    }

    /// CDATA mode: whether text `b[start..<end]` may go into the open CDATA section as it is:
    /// no `]]>` (also with the section's last bytes), no carriage return (libxml2 hands CDATA
    /// over without normalizing line ends), no U+FFFE/U+FFFF (reported differently in CDATA),
    /// and no byte 0xEF so near the end that such a character could be cut.
    private func cdataAccepts(_ b: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) -> Bool {
        /// The byte `distance` before `b[k]`: in `b` from `start` on, before that in the section.
        func before(_ k: Int, _ distance: Int) -> UInt8 {
            if k - distance >= start { return b[k - distance] }
            let index = bytes.count - (distance - (k - start))
            guard let cdataStart, index >= cdataStart else { return 0 }
            return bytes[index]
        }
        var k = start
        while k < end {
            // Eight bytes at a time while none of them is CR, '>' or 0xEF.
            if k + 8 <= end, !Self.mayHoldCDATAHazard(UnsafeRawPointer(b.baseAddress! + k).loadUnaligned(as: UInt64.self)) {
                k += 8
                continue
            }
            let x = b[k]
            if x == 0x0D { return false }
            if x == 0x3E, before(k, 1) == 0x5D, before(k, 2) == 0x5D { return false }
            if x == 0xEF {
                guard k + 2 < end else { return false }
                if b[k + 1] == 0xBF, b[k + 2] == 0xBE || b[k + 2] == 0xBF { return false }
            }
            k += 1
        }
        return true
    }

    /// Whether one of the eight bytes of `w` may be `byte` (never misses one).
    @inline(__always)
    private static func hasByte(_ w: UInt64, _ byte: UInt8) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let v = w ^ (ones &* UInt64(byte))
        return (v &- ones) & ~v & 0x8080_8080_8080_8080 != 0
    }

    /// False only when none of the eight bytes is CR, `>` or 0xEF (may report one that is not
    /// there, never misses one).
    @inline(__always)
    private static func mayHoldCDATAHazard(_ w: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        func hasZero(_ v: UInt64) -> Bool { (v &- ones) & ~v & highs != 0 }
        return hasZero(w ^ (ones &* 0x0D)) || hasZero(w ^ (ones &* 0x3E)) || hasZero(w ^ (ones &* 0xEF))
    }

    /// Ends the open CDATA section, if any.
    @inline(__always)
    private mutating func closeCDATA() {
        guard cdataStart != nil else { return }
        bytes.append(0x5D)
        bytes.append(0x5D)
        bytes.append(0x3E)
        cdataStart = nil
    }

    /// Writes the character `value` (a valid XML character) that a reference stands for: in
    /// CDATA mode and element content (`inContent`) as UTF-8 in a CDATA section, else as a
    /// decimal character reference. A line feed or carriage return stays a reference (a raw
    /// one would be counted as a new line, or normalized), as does a `>` after `]]`.
    private mutating func emitCharacter(_ value: UInt32, inContent: Bool) {
        guard inContent, value != 0x0A, value != 0x0D, Self.isXMLChar(value), let scalar = Unicode.Scalar(value) else {
            closeCDATA()
            appendCharacterReference(value)
            return
        }
        if let cdataStart {
            if value == 0x3E, bytes.count - cdataStart >= 2, bytes[bytes.count - 1] == 0x5D, bytes[bytes.count - 2] == 0x5D {
                closeCDATA()
                appendCharacterReference(value)
                return
            }
        } else {
            openCDATA()
        }
        if value < 0x80 {
            bytes.append(UInt8(value))
        } else {
            for unit in UTF8.encode(scalar)! { bytes.append(unit) }
        }
    }

    /// False only when none of the eight bytes is `<`, `&` or below 0x20 (word-at-a-time tests:
    /// they can report a byte that is not there, never miss one that is).
    @inline(__always)
    private static func mayHoldMarkupOrControl(_ w: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        func hasZero(_ v: UInt64) -> Bool { (v &- ones) & ~v & highs != 0 }
        let below20 = (w &- ones &* 0x20) & ~w & highs != 0
        return below20 || hasZero(w ^ (ones &* 0x3C)) || hasZero(w ^ (ones &* 0x26))
    }

    private static func canFollowLessThan(_ x: UInt8) -> Bool {
        (x >= 0x41 && x <= 0x5A) || (x >= 0x61 && x <= 0x7A) || x == 0x2F || x == 0x21 || x == 0x3F || x == 0x5F
            || x == 0x3A || x >= 0x80
    }

    private static func isNameStart(_ x: UInt8) -> Bool {
        (x >= 0x41 && x <= 0x5A) || (x >= 0x61 && x <= 0x7A) || x == 0x5F || x == 0x3A
    }

    private static func isNameChar(_ x: UInt8) -> Bool {
        isNameStart(x) || (x >= 0x30 && x <= 0x39) || x == 0x2D || x == 0x2E
    }

    /// An HTML entity's code point, looked up in libxml2's table (a linear scan) once per name.
    private mutating func htmlEntity(_ name: String) -> UInt32? {
        if let known = htmlEntities[name] { return known }
        let value = XMLPullEntities.codePoint(named: name)
        if htmlEntities.count < 512 { htmlEntities[name] = value }
        return value
    }

    /// `&#value;` in decimal.
    private mutating func appendCharacterReference(_ value: UInt32) {
        bytes.append(0x26)
        bytes.append(0x23)
        var divisor: UInt32 = 1
        while divisor <= value / 10 { divisor *= 10 }
        var rest = value
        while divisor > 0 {
            bytes.append(0x30 + UInt8(rest / divisor))
            rest %= divisor
            divisor /= 10
        }
        bytes.append(0x3B)
    }

    /// The code point of a predefined XML entity name (`amp lt gt quot apos`) in `b[start..<end]`.
    private static func predefinedEntity(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> UInt32? {
        func equals(_ literal: StaticString) -> Bool {
            guard end - start == literal.utf8CodeUnitCount else { return false }
            for k in 0..<(end - start) where b[start + k] != literal.utf8Start[k] { return false }
            return true
        }
        switch end - start {
        case 2: return equals("lt") ? 60 : equals("gt") ? 62 : nil
        case 3: return equals("amp") ? 38 : nil
        case 4: return equals("quot") ? 34 : equals("apos") ? 39 : nil
        default: return nil
        }
    }

    private static func isXMLChar(_ v: UInt32) -> Bool {
        v == 0x9 || v == 0xA || v == 0xD || (v >= 0x20 && v <= 0xD7FF) || (v >= 0xE000 && v <= 0xFFFD)
            || (v >= 0x10000 && v <= 0x10FFFF)
    }

    /// Handles the `&` at `start`; returns the index after what was consumed.
    private mutating func reference(_ b: UnsafeBufferPointer<UInt8>, at start: Int) -> Int {
        let n = b.count
        let inContent = characterDataAsCDATA && rootSeen && !inTag && !cdataOff
        var j = start + 1
        if j < n, b[j] == 0x23 {  // &#
            j += 1
            var hex = false
            if j < n, b[j] == 0x78 || b[j] == 0x58 {
                hex = true
                j += 1
            }
            var value: UInt32 = 0
            var digits = 0
            while j < n, digits < 10 {
                let d = b[j]
                let digit: UInt32
                if d >= 0x30 && d <= 0x39 {
                    digit = UInt32(d - 0x30)
                } else if hex, d >= 0x61 && d <= 0x66 {
                    digit = UInt32(d - 0x61 + 10)
                } else if hex, d >= 0x41 && d <= 0x46 {
                    digit = UInt32(d - 0x41 + 10)
                } else {
                    break
                }
                value = value &* (hex ? 16 : 10) &+ digit
                digits += 1
                j += 1
            }
            guard digits > 0 else {
                note("a bare & was escaped", "&#")
                closeCDATA()
                bytes.append(contentsOf: Array("&#38;".utf8))
                return start + 1
            }
            if j < n, b[j] == 0x3B {
                j += 1
            } else {
                note("character references without ';'", String(decoding: b[start..<j], as: UTF8.self))
            }
            if value >= 0x80 && value <= 0x9F {
                note("windows-1252 character references were mapped", "&#\(value);", bozo: false)
                value = InputDecoder.windows1252High[Int(value - 0x80)]
            }
            if !Self.isXMLChar(value) || (value >= 0x80 && value <= 0x9F) {
                note("invalid character references became U+FFFD", "&#\(value);")
                value = 0xFFFD
            }
            emitCharacter(value, inContent: inContent)
            return j
        }
        // Named reference?
        guard j < n, Self.isNameStart(b[j]) else {
            note("a bare & was escaped", "at byte \(start)")
            closeCDATA()
            bytes.append(contentsOf: Array("&#38;".utf8))
            return start + 1
        }
        while j < n, Self.isNameChar(b[j]), j - start < 40 { j += 1 }
        guard j < n, b[j] == 0x3B else {
            note("a bare & was escaped", String(decoding: b[start..<j], as: UTF8.self))
            closeCDATA()
            bytes.append(contentsOf: Array("&#38;".utf8))
            return start + 1
        }
        if let predefined = Self.predefinedEntity(b, start + 1, j) {
            emitCharacter(predefined, inContent: inContent)
            return j + 1
        }
        let name = String(decoding: b[(start + 1)..<j], as: UTF8.self)
        let end = j + 1
        switch name {
        case "amp": emitCharacter(38, inContent: inContent)
        case "lt": emitCharacter(60, inContent: inContent)
        case "gt": emitCharacter(62, inContent: inContent)
        case "quot": emitCharacter(34, inContent: inContent)
        case "apos": emitCharacter(39, inContent: inContent)
        default:
            if let entity = declared[name] {
                switch entity {
                case .literal(let value):
                    closeCDATA()
                    if characterDataAsCDATA, inTag { cdataOff = true }  // its text is not followed
                    bytes.append(contentsOf: value)
                case .refused(let why): note("declared entities were not expanded", "&\(name); (\(why))")
                }
            } else if let value = htmlEntity(name) {
                note("undeclared HTML entities were decoded", "&\(name);")
                emitCharacter(value, inContent: inContent)
            } else {
                note("unknown entities were kept as text", "&\(name);")
                closeCDATA()
                bytes.append(contentsOf: Array("&#38;".utf8))
                bytes.append(contentsOf: b[(start + 1)..<end])
            }
        }
        return end
    }

    /// Copies a DOCTYPE declaration and records the general entities of its internal subset.
    private mutating func doctype(_ b: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        let n = b.count
        var j = start + 9
        var bracket = 0
        var quote: UInt8 = 0
        var subsetStart: Int?
        var subsetEnd: Int?
        while j < n {
            let c = b[j]
            if quote != 0 {
                if c == quote { quote = 0 }
            } else if c == 0x22 || c == 0x27 {
                quote = c
            } else if c == 0x5B {  // [
                bracket += 1
                if bracket == 1 { subsetStart = j + 1 }
            } else if c == 0x5D {  // ]
                bracket -= 1
                if bracket == 0 { subsetEnd = j }
            } else if c == 0x3E, bracket <= 0 {  // >
                j += 1
                break
            }
            j += 1
        }
        bytes.append(contentsOf: b[start..<min(j, n)])
        if let subsetStart {
            // Unbalanced brackets ("[a] ] [b") can leave the last "]" before the last "[".
            let end = subsetEnd.flatMap { $0 >= subsetStart ? $0 : nil } ?? min(j, n)
            scanEntityDeclarations(Array(b[subsetStart..<max(end, subsetStart)]))
        }
        return min(j, n)
    }

    private mutating func scanEntityDeclarations(_ subset: [UInt8]) {
        let text = String(decoding: subset, as: UTF8.self)
        var rest = Substring(text)
        while let range = rest.range(of: "<!ENTITY") {
            rest = rest[range.upperBound...]
            var s = rest.drop { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
            if s.first == "%" {  // parameter entity: irrelevant in content
                continue
            }
            let name = String(s.prefix { !($0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r") })
            s = s.dropFirst(name.count).drop { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
            guard !name.isEmpty, declared[name] == nil else { continue }
            if let q = s.first, q == "\"" || q == "'" {
                let value = s.dropFirst().prefix { $0 != q }
                if value.contains("<") {
                    declared[name] = .refused("markup in an entity")
                } else if Self.onlyCharacterReferences(value), value.utf8.count <= 4096 {
                    declared[name] = .literal(Array(value.utf8))
                } else {
                    declared[name] = .refused("nested entity expansion")
                }
            } else {
                declared[name] = .refused("external entity")
            }
        }
    }

    /// True when every `&` in `value` starts a character reference (`&#…;`).
    private static func onlyCharacterReferences(_ value: Substring) -> Bool {
        var index = value.startIndex
        while let amp = value[index...].firstIndex(of: "&") {
            let after = value.index(after: amp)
            guard after < value.endIndex, value[after] == "#" else { return false }
            guard let semicolon = value[after...].firstIndex(of: ";") else { return false }
            index = value.index(after: semicolon)
        }
        return true
    }
}

/// ``XMLRepair`` run piecemeal as libxml2 reads: the repaired document is produced in chunks of
/// about 64 KB and handed over, so it never exists whole beside the input (a large feed is not
/// held twice). ``finish()`` repairs whatever libxml2 did not read (for the warnings) and
/// returns the outcome.
final class XMLRepairStream {
    private let input: [UInt8]
    private var state = XMLRepair()
    private var position = 0
    private var delivered = 0
    private static let chunk = 64 * 1024

    /// `characterDataAsCDATA`: write character references in element content as CDATA (see
    /// ``XMLRepair/characterDataAsCDATA``); only for UTF-8 input, and only for a reader that
    /// stops at the first well-formedness error (the recovering re-read repairs without it).
    init(_ input: [UInt8], characterDataAsCDATA: Bool = false) {
        self.input = input
        state.characterDataAsCDATA = characterDataAsCDATA
        state.bytes.reserveCapacity(Self.chunk + 4096)
    }

    /// Copies the next repaired bytes into `destination`; returns how many (0 at the end).
    func read(into destination: UnsafeMutableRawBufferPointer) -> Int {
        // A stretch may repair to nothing (removed control bytes, refused entities): read on,
        // 0 tells libxml2 the document ended.
        while delivered == state.bytes.count {
            guard position < input.count else { return 0 }
            state.bytes.removeAll(keepingCapacity: true)
            delivered = 0
            position = input.withUnsafeBufferPointer { state.run($0, from: position, untilOutput: Self.chunk) }
        }
        let count = min(destination.count, state.bytes.count - delivered)
        state.bytes.withUnsafeBytes { source in
            destination.copyMemory(from: UnsafeRawBufferPointer(rebasing: source[delivered..<delivered + count]))
        }
        delivered += count
        return count
    }

    /// Repairs the rest (output discarded) and returns the warnings and bozo flag of the whole
    /// document; `bytes` of the result is empty.
    func finish() -> XMLRepair {
        while position < input.count {
            state.bytes.removeAll(keepingCapacity: true)
            position = input.withUnsafeBufferPointer { state.run($0, from: position, untilOutput: Self.chunk) }
        }
        state.bytes = []
        delivered = 0
        var result = state
        result.summarize()
        return result
    }
}
