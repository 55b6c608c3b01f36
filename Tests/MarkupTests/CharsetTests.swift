import Markup
import Testing

@Suite("Charset")
struct CharsetTests {
    @Test("labels: ISO-8859-1, latin1 and ASCII are windows-1252; UTF-8 aliases", arguments: [
        ("iso-8859-1", "windows-1252"), ("ISO_8859-1", "windows-1252"), ("latin1", "windows-1252"),
        ("us-ascii", "windows-1252"), ("\"utf8\"", "UTF-8"), (" UTF-8 ", "UTF-8"), ("koi8-r", "koi8-r"),
    ])
    func labels(_ pair: (String, String)) {
        #expect(Charset.canonicalName(pair.0) == pair.1)
    }

    @Test("sniffing order: BOM, transport, meta, UTF-8 validity, fallback")
    func order() {
        let bom: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("<meta charset=latin1>".utf8)
        #expect(Charset.sniffHTML(bom, transportLabel: "latin1").source == .byteOrderMark)
        let meta = Array("<html><head><meta charset=\"iso-8859-1\"></head>".utf8)
        #expect(Charset.sniffHTML(meta, transportLabel: "utf-8").source == .transport)
        #expect(Charset.sniffHTML(meta, transportLabel: nil).name == "windows-1252")
        let equiv = Array("<meta http-equiv='Content-Type' content='text/html; charset=windows-1251'>".utf8)
        #expect(Charset.sniffHTML(equiv, transportLabel: nil).name == "windows-1251")
        #expect(Charset.sniffHTML(Array("<p>ü</p>".utf8), transportLabel: nil).source == .utf8Validity)
        #expect(Charset.sniffHTML([0x3C, 0x70, 0x3E, 0xFC], transportLabel: nil).source == .fallback)
    }

    @Test("a meta declaration after 1024 bytes counts; one in a comment does not")
    func lateMeta() {
        let padding = String(repeating: "x", count: 3000)
        let late = Array("<html><head><script>\(padding)</script><meta charset=\"windows-1252\"></head>".utf8)
        #expect(Charset.sniffHTML(late, transportLabel: nil).name == "windows-1252")
        let commented = Array("<!-- <meta charset=\"koi8-r\"> --><p>x</p>".utf8)
        #expect(Charset.sniffHTML(commented, transportLabel: nil).source == .utf8Validity)
    }

    @Test("decoding: 0x80 is the euro sign under latin1 labels; invalid UTF-8 does not derail")
    func decode() throws {
        var bytes = Array("<html><head><meta charset=\"iso-8859-1\"></head><body><p>".utf8)
        bytes += [0x35, 0x20, 0x80, 0x20, 0xFC]
        bytes += Array("</p></body></html>".utf8)
        let doc = try HTMLDocument(bytes: bytes)
        #expect(doc.encoding == "windows-1252")
        #expect(doc.first("p")?.text == "5 € ü")
        // UTF-8 text with a stray invalid byte: the byte becomes U+FFFD, the rest stays UTF-8.
        let broken = try HTMLDocument(bytes: Array("<p>Grüße a".utf8) + [0xFF] + Array("b</p>".utf8), httpCharset: "utf-8")
        #expect(broken.first("p")?.text == "Grüße a\u{FFFD}b")
        let utf16 = try HTMLDocument(bytes: [0xFF, 0xFE] + Array("<p>hi</p>".utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }))
        #expect(utf16.first("p")?.text == "hi")
    }

    @Test("bytes the declared encoding cannot convert are the document's decoding warnings (not stderr)")
    func decodingWarnings() throws {
        // Shift_JIS with a lead byte followed by a byte no Shift_JIS character has.
        var bytes = Array("<html><head><meta charset=\"shift_jis\"></head><body><p>".utf8)
        bytes += [0x82, 0xA0, 0x81, 0x7F, 0x82, 0xA2]
        bytes += Array("</p></body></html>".utf8)
        let doc = try HTMLDocument(bytes: bytes)
        #expect(doc.encoding.uppercased() == "SHIFT_JIS")
        #expect(doc.decodingWarnings.contains { $0.contains("conversion") }, "\(doc.decodingWarnings)")
        let clean = try HTMLDocument(bytes: Array("<meta charset=\"shift_jis\"><p>".utf8) + [0x82, 0xA0] + Array("</p>".utf8))
        #expect(clean.decodingWarnings.isEmpty)
        #expect(clean.first("p")?.text == "あ")
    }

    @Test("the usual lies: ISO-8859-1 on UTF-8 text is UTF-8; utf-8 on windows-1252 text is windows-1252")
    func lyingLabels() throws {
        let utf8 = Array("<html><head><meta charset=\"iso-8859-1\"></head><body><p>Grüße – 5 €</p></body></html>".utf8)
        #expect(Charset.sniffHTML(utf8, transportLabel: "ISO-8859-1").name == "UTF-8")
        #expect(Charset.sniffHTML(utf8, transportLabel: nil).name == "UTF-8")
        #expect(try HTMLDocument(bytes: utf8, httpCharset: "ISO-8859-1").first("p")?.text == "Grüße – 5 €")
        // „Grüße“ € in windows-1252: no byte of it is UTF-8.
        var cp1252 = Array("<p>".utf8) + [0x84, 0x47, 0x72, 0xFC, 0xDF, 0x65, 0x93, 0x20, 0x80]
        cp1252 += Array("</p>".utf8)
        #expect(Charset.isMostlyNotUTF8(cp1252))
        #expect(try HTMLDocument(bytes: cp1252, httpCharset: "utf-8").first("p")?.text == "„Grüße“ €")
        // Gruß“: DF 93 (ß“) happens to be a valid UTF-8 pair; the rest is not UTF-8, so all is windows-1252.
        let ssQuote: [UInt8] =
            Array("<p>Gru".utf8) + [0xDF, 0x93] + Array(" sagt er: ".utf8) + [0x84, 0x93, 0x20, 0x96, 0x20, 0x80]
            + Array("</p>".utf8)
        #expect(Charset.isMostlyNotUTF8(ssQuote))
        #expect(try HTMLDocument(bytes: ssQuote, httpCharset: "utf-8").first("p")?.text == "Gruß“ sagt er: „“ – €")
        // Mostly UTF-8 with a stray latin-1 byte or two: not "mostly not UTF-8".
        #expect(!Charset.isMostlyNotUTF8(Array("Grüße ".utf8) + [0xFF]))
        #expect(!Charset.isMostlyNotUTF8(Array("Grüße ".utf8) + [0xE4, 0xFC, 0xDF]))
    }
}
