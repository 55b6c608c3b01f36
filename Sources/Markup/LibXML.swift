internal import CLibXML2

/// Process-wide libxml2 set-up, run once before the first parse: `xmlInitParser()` and a
/// deny-all external entity loader, so that no document can make libxml2 open a file or a
/// URL (XXE), whatever options a caller passes.
enum LibXML {
    static let initialized: Void = {
        xmlInitParser()
        xmlSetExternalEntityLoader { _, _, _ in nil }
    }()

    /// Call at the start of every entry point that parses.
    static func ensureInitialized() {
        _ = initialized
    }

    /// Runs `body` (synchronous libxml2 calls on this thread) with libxml2's per-thread error
    /// channels pointed at `sink`: errors raised without a parser context (the encoding
    /// converters' "input conversion failed due to input error, bytes …") are collected there
    /// instead of going to stderr, and the unstructured messages (such as "xmlParseChunk:
    /// encoder error", which the caller learns from a return code) are dropped. The previous
    /// handlers are restored afterwards.
    static func collectingErrors<T>(into sink: XMLPullErrorSink, _ body: () -> T) -> T {
        let saved = herold_collectErrors(Unmanaged.passUnretained(sink).toOpaque(), xmlCollectThreadError)
        defer { herold_restoreErrors(saved) }
        // `sink` is kept alive by the caller for the duration of `body`.
        return withExtendedLifetime(sink) { body() }
    }
}

private let xmlCollectThreadError: xmlStructuredErrorFunc = { userData, error in
    guard let userData else { return }
    Unmanaged<XMLPullErrorSink>.fromOpaque(userData).takeUnretainedValue().add(error)
}
