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
}
