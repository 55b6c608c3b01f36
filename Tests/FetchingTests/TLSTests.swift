import FeedModel
@testable import Fetching
import Foundation
import Logging
import Testing
import TestSupport

/// TLS verification against a loopback HTTPS server with a self-signed certificate (made at
/// test time with openssl, served by python3; the test skips when either is missing).
@Suite("TLS verification", .serialized)
struct TLSTests {
    /// The server, or nil (with the reason printed) when openssl or python3 is absent.
    static func server(body: String) throws -> LoopbackHTTPSServer? {
        do {
            return try LoopbackHTTPSServer(body: body)
        } catch let unavailable as LoopbackHTTPSServer.Unavailable {
            if case .missingTool = unavailable {
                print("skipped: \(unavailable)")
                return nil
            }
            throw unavailable
        }
    }

    @Test("verification on: a self-signed certificate fails with the tls kind; opted out: fetched, with a warning")
    func selfSignedCertificate() async throws {
        let body = "<rss version=\"2.0\"><channel><title>tls</title></channel></rss>"
        guard let server = try Self.server(body: body) else { return }
        defer { server.stop() }
        let logs = LogRecorder()
        let fetcher = try CurlFetcher(logger: logs.logger(label: "tls"))
        let url = server.url("/feed.xml")

        // Default: verified, and this certificate is signed by nobody we trust.
        let verified = FetchRequest(url: url, settings: settings())
        #expect(verified.verifiesTLS)
        let failure = await outcome(fetcher, verified).error
        #expect(failure?.kind == .tls, "\(String(describing: failure))")
        #expect(logs.records(atLeast: .warning).isEmpty, "no warning while verification is on")

        // The per-source opt-out (tls_verify: false → verifiesTLS = false).
        let response = try await fetcher.fetch(FetchRequest(url: url, settings: settings(), verifiesTLS: false))
        #expect(response.status == 200)
        #expect(String(decoding: response.body, as: UTF8.self) == body)
        let warnings = logs.records(atLeast: .warning)
        #expect(warnings.count == 1, "\(warnings.map(\.message))")
        #expect(warnings.first?.message.contains("TLS certificate verification is OFF") == true)
        #expect(warnings.first?.metadata["tls.verify"] == "off")
        #expect(warnings.first?.metadata["http.host"] == "127.0.0.1")

        // Opting out of one request does not leak into the next: verification is on again.
        #expect(await outcome(fetcher, FetchRequest(url: url, settings: settings())).error?.kind == .tls)
    }
}
