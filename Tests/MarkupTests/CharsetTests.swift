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
        let broken = try HTMLDocument(bytes: Array("<p>a".utf8) + [0xFF] + Array("b</p>".utf8), httpCharset: "utf-8")
        #expect(broken.first("p")?.text == "a\u{FFFD}b")
        let utf16 = try HTMLDocument(bytes: [0xFF, 0xFE] + Array("<p>hi</p>".utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }))
        #expect(utf16.first("p")?.text == "hi")
    }
}
