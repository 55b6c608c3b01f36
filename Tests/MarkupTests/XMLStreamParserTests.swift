import Markup
import Testing
import TestSupport

/// ``XMLStreamParser`` (SAX2, no tree) against the code it replaces in the feed path,
/// ``XMLPullReader`` in streaming mode (`xmlTextReader`, which builds and walks a tree), on
/// generated documents: the same events (text runs joined into one text event) and the same
/// failure.
@Suite struct XMLStreamParserTests {
    typealias Event = XMLStreamEvent
    typealias Recorder = XMLEventRecorder

    static func streamEvents(_ bytes: [UInt8], options: XMLPullOptions = XMLPullOptions()) -> ([Event], XMLStreamOutcome) {
        var offset = 0
        let recorder = Recorder()
        // Small reads, so that documents cross chunk boundaries.
        let outcome = XMLStreamParser.parse(
            streamingFrom: { buffer in
                let count = min(buffer.count, bytes.count - offset, 7)
                buffer.copyBytes(from: bytes[offset..<offset + count])
                offset += count
                return count
            }, options: options, handler: recorder)
        return (recorder.events, outcome)
    }

    static func readerEvents(_ bytes: [UInt8], options: XMLPullOptions = XMLPullOptions()) -> ([Event], Bool) {
        let (events, failed, _) = readerRun(bytes, options: options)
        return (events, failed)
    }

    static func readerRun(_ bytes: [UInt8], options: XMLPullOptions = XMLPullOptions()) -> ([Event], Bool, [String]) {
        let reader = XMLPullReader(bytes: bytes, options: options)
        var events: [Event] = []
        while let event = reader.next() {
            switch event {
            case .startElement(let element): events.append(.start(element))
            case .endElement: events.append(.end)
            case .text(let text): events.append(.text(text))
            case .entityReference: break
            }
        }
        return (events, reader.failed, reader.diagnostics)
    }

    static let pieces = [
        "<a>", "</a>", "<b x=\"1\">", "</b>", "<c/>", "<d:e xmlns:d=\"urn:d\">", "</d:e>", "<f xmlns=\"urn:f\">", "</f>",
        "<g y='a&#38;b' z=\"&#60;&#62;&#34;\">", "</g>", "<u:h>", "</u:h>", "<i u:k=\"v\" xml:base=\"http://x/\">", "</i>",
        "text", " ", "\n", "\t", "Straße", "„Zitat“", "&#228;", "&#38;", "&#60;p&#62;", "&#x1F600;", "<![CDATA[<p>x</p>]]>",
        "<!-- c -->", "<?pi x?>", "&lt;", "&amp;", "]]>", "<", "&", "&nbsp;", "</x>", "<j a=\"1\" a=\"2\">", "<k l=\"\t\n\">",
        "</k>", "<m n=\"&#9;x&#10;\"/>", "\u{1}", "<o:p xmlns:o=\"urn:o\" o:q=\"r\"/>",
    ]

    /// Self-contained, well-formed pieces.
    static let wellFormedPieces = [
        "<c/>", "<a>x</a>", "<b x=\"1\">y z</b>", "<d:e xmlns:d=\"urn:d\"><d:f/>t</d:e>", "<f xmlns=\"urn:f\"><g/></f>",
        "<g y='a&#38;b' z=\"&#60;&#62;&#34;\"/>", "<u:h>u</u:h>", "<i u:k=\"v\" xml:base=\"http://x/\">i</i>", "text", " ",
        "\n", "Straße", "„Zitat“", "&#228;", "&#38;", "&#60;p&#62;", "&#x1F600;", "<![CDATA[<p>x</p>]]>", "<!-- c -->",
        "<?pi x?>", "&lt;", "&amp;", "<k l=\"\t\n\">k</k>", "<m n=\"&#9;x&#10;\"/>", "<o:p xmlns:o=\"urn:o\" o:q=\"r\"/>",
        "<x:y>undeclared prefix</x:y>", "<q x:a=\"b\"/>", String(repeating: "long text ", count: 40),
    ]

    static func document(_ random: inout SplitMix64) -> String {
        var body = ""
        // Half the documents are well-formed (their events are compared whole), half may not be.
        let pool = Bool.random(using: &random) ? wellFormedPieces : pieces + wellFormedPieces
        for _ in 0..<Int.random(in: 0...24, using: &random) { body += pool.randomElement(using: &random)! }
        return "<root xmlns:u=\"urn:u\">" + body + "</root>"
    }

    @Test func eventsAgreeWithPullReader() {
        var random = SplitMix64(state: 20_261_129)
        var wellFormed = 0
        var failing = 0
        for _ in 0..<4000 {
            let text = Self.document(&random)
            let bytes = Array(text.utf8)
            let (stream, outcome) = Self.streamEvents(bytes)
            let (pulled, readerFailed, readerDiagnostics) = Self.readerRun(bytes)
            #expect(outcome.failed == readerFailed, "\(text)")
            if !readerFailed {
                wellFormed += 1
                #expect(stream == pulled, "\(text)\n\(stream)\n\(pulled)")
            } else {
                failing += 1
                // Both stop at the first error; the reader (which reads ahead) may stop earlier.
                let shared = pulled.dropLast()
                #expect(Array(stream.prefix(shared.count)) == Array(shared), "\(text)\n\(stream)\n\(pulled)")
                #expect(!outcome.diagnostics.isEmpty)
                // The same parse reports the same errors; the stream's end with the first
                // well-formedness error, the reader's go on to the end of its read-ahead.
                #expect(readerDiagnostics.starts(with: outcome.diagnostics), "\(text)\n\(outcome.diagnostics)\n\(readerDiagnostics)")
            }
        }
        // Both kinds must be common, or this test checks little.
        #expect(wellFormed > 500)
        #expect(failing > 500)
    }

    /// Given UTF-8 explicitly, the stream parser reads the bytes without libxml2's UTF-8
    /// "encoder" (the reader still sets one): same events, same failures, same diagnostics,
    /// whatever encoding the XML declaration claims (it is ignored) and with non-ASCII text.
    @Test func explicitUTF8WithoutEncoderAgreesWithPullReader() {
        var random = SplitMix64(state: 20_261_130)
        let prologs = [
            "", "<?xml version=\"1.0\"?>", "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n",
            "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>", "<?xml version=\"1.0\" encoding=\"UTF-16\"?>",
            "<?xml version=\"1.0\" encoding=\"windows-1252\" standalone=\"yes\"?>\r\n", "\n  ", "<!-- ä -->",
        ]
        let texts = ["Straße", "<![CDATA[Grüße ]]>", "&#228;", "€ – „x“", "👍", "a&amp;b", " \n "]
        var wellFormed = 0
        var failing = 0
        for _ in 0..<2000 {
            var body = Self.document(&random)
            let text = texts.randomElement(using: &random)!
            body = body.replacingOccurrences(of: "</root>", with: text + "</root>")
            let document = prologs.randomElement(using: &random)! + body
            let bytes = Array(document.utf8)
            let options = XMLPullOptions(encoding: "UTF-8")
            let (stream, outcome) = Self.streamEvents(bytes, options: options)
            let (pulled, readerFailed, readerDiagnostics) = Self.readerRun(bytes, options: options)
            #expect(outcome.failed == readerFailed, "\(document)")
            if !readerFailed {
                wellFormed += 1
                #expect(stream == pulled, "\(document)\n\(stream)\n\(pulled)")
            } else {
                failing += 1
                let shared = pulled.dropLast()
                #expect(Array(stream.prefix(shared.count)) == Array(shared), "\(document)\n\(stream)\n\(pulled)")
                #expect(readerDiagnostics.starts(with: outcome.diagnostics), "\(document)\n\(outcome.diagnostics)\n\(readerDiagnostics)")
            }
        }
        #expect(wellFormed > 300)
        #expect(failing > 300)
    }

    @Test func attributeDefaultsFromTheDTDAreLeftOut() {
        let text = """
            <!DOCTYPE r [<!ATTLIST e d CDATA "default">]><r><e a="1"/><e d="given"/></r>
            """
        let (stream, outcome) = Self.streamEvents(Array(text.utf8))
        let (pulled, failed) = Self.readerEvents(Array(text.utf8))
        #expect(!outcome.failed && !failed)
        #expect(stream == pulled)
        guard case .start(let first) = stream.dropFirst().first else {
            Issue.record("no element")
            return
        }
        #expect(first.attributes.map(\.localName) == ["a"])
    }

    @Test func depthLimitFailsLikeTheReader() {
        let deep = String(repeating: "<d>", count: 300) + String(repeating: "</d>", count: 300)
        let (_, outcome) = Self.streamEvents(Array(("<r>" + deep + "</r>").utf8))
        let (_, failed) = Self.readerEvents(Array(("<r>" + deep + "</r>").utf8))
        #expect(failed)
        #expect(outcome.failed)
        #expect(outcome.diagnostics.contains { $0.contains("Excessive depth") })
        // Just under the limit both read it whole.
        let fine = String(repeating: "<d>", count: 250) + String(repeating: "</d>", count: 250)
        #expect(!Self.streamEvents(Array(("<r>" + fine + "</r>").utf8)).1.failed)
        #expect(!Self.readerEvents(Array(("<r>" + fine + "</r>").utf8)).1)
    }

    @Test func handlerCanStopTheParse() {
        let recorder = Recorder()
        recorder.stopAfterFirstElement = true
        let bytes = Array("<html><body><p>x</p><broken</body></html>".utf8)
        var done = false
        let outcome = XMLStreamParser.parse(
            streamingFrom: { buffer in
                guard !done else { return 0 }
                done = true
                buffer.copyBytes(from: bytes)
                return bytes.count
            }, handler: recorder)
        #expect(recorder.events.count == 1)
        #expect(!outcome.failed)
    }

    @Test func undecodableInputIsADiagnosticNotStderr() {
        // EUC-JP with a byte pair that is no EUC-JP character: libxml2's converter reports it
        // without a parser context (it went to stderr); here it must end in the diagnostics.
        let bytes = Array("<?xml version=\"1.0\"?><r><t>".utf8) + [0xA4, 0xA2, 0xFF, 0xFE, 0xFF] + Array("</t></r>".utf8)
        let (_, outcome) = Self.streamEvents(bytes, options: XMLPullOptions(encoding: "EUC-JP"))
        #expect(outcome.failed)
        #expect(outcome.diagnostics.contains { $0.contains("conversion") || $0.contains("decoded") }, "\(outcome.diagnostics)")
    }
}
