import CCurl
import Foundation

/// A libcurl call that did not return OK: which call, and curl's own words for the code.
struct CurlFailure: Error, CustomStringConvertible {
    var operation: String
    var message: String

    var description: String { "\(operation): \(message)" }

    /// The failure as a fetch error of kind `.other` for `url`.
    func fetchError(for url: URL) -> FetchError {
        FetchError(kind: .other, url: url, message: description)
    }
}

/// The one choke point where libcurl return codes become Swift errors, and where a finished
/// transfer's code becomes one of the stable `FetchErrorKind`s.
enum Curl {
    /// Throws unless `code` is `CURLE_OK`.
    static func check(_ code: CURLcode, _ operation: @autoclosure () -> String) throws(CurlFailure) {
        guard code != CURLE_OK else { return }
        throw CurlFailure(operation: operation(), message: String(cString: curl_easy_strerror(code)))
    }

    /// Throws unless `code` is `CURLM_OK`.
    static func check(_ code: CURLMcode, _ operation: @autoclosure () -> String) throws(CurlFailure) {
        guard code != CURLM_OK else { return }
        throw CurlFailure(operation: operation(), message: String(cString: curl_multi_strerror(code)))
    }

    /// `curl_global_init`, once per process, before the first handle is made. Its result is
    /// kept so every fetcher made later reports the same failure.
    static let globalInit: Result<Void, CurlFailure> = {
        do throws(CurlFailure) {
            try check(curl_global_init(Int(CURL_GLOBAL_ALL)), "curl_global_init")
            return .success(())
        } catch {
            return .failure(error)
        }
    }()

    /// The stable kind of a transfer that ended with `code` (not `CURLE_OK`).
    ///
    /// A redirect to a scheme other than http/https ends with `CURLE_UNSUPPORTED_PROTOCOL`;
    /// the fetcher refuses such first URLs itself before curl sees them, so the code always
    /// means a refused redirect here.
    static func kind(of code: CURLcode) -> FetchErrorKind {
        switch code {
        case CURLE_OPERATION_TIMEDOUT:
            .timeout
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY:
            .dns
        case CURLE_COULDNT_CONNECT, CURLE_GOT_NOTHING, CURLE_SEND_ERROR, CURLE_RECV_ERROR, CURLE_PARTIAL_FILE:
            .connect
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER,
            CURLE_SSL_CACERT_BADFILE, CURLE_SSL_SHUTDOWN_FAILED, CURLE_SSL_ISSUER_ERROR,
            CURLE_SSL_PINNEDPUBKEYNOTMATCH, CURLE_SSL_INVALIDCERTSTATUS, CURLE_SSL_CRL_BADFILE,
            CURLE_SSL_ENGINE_NOTFOUND, CURLE_SSL_ENGINE_SETFAILED, CURLE_SSL_ENGINE_INITFAILED, CURLE_SSL_CLIENTCERT:
            .tls
        case CURLE_UNSUPPORTED_PROTOCOL, CURLE_TOO_MANY_REDIRECTS:
            .redirectRefused
        case CURLE_URL_MALFORMAT:
            .invalidURL
        case CURLE_FILESIZE_EXCEEDED:
            .tooLarge
        default:
            .other
        }
    }
}

/// Owns one curl multi handle; frees it in `deinit`. Confined to the transfer loop's thread.
final class MultiHandle {
    let pointer: UnsafeMutableRawPointer

    init(maxHostConnections: Int) throws(CurlFailure) {
        guard let pointer = curl_multi_init() else {
            throw CurlFailure(operation: "curl_multi_init", message: "returned NULL")
        }
        self.pointer = pointer
        if maxHostConnections > 0 {
            try Curl.check(
                herold_multi_setopt_long(pointer, CURLMOPT_MAX_HOST_CONNECTIONS, maxHostConnections),
                "CURLMOPT_MAX_HOST_CONNECTIONS")
        }
    }

    deinit {
        try? Curl.check(curl_multi_cleanup(pointer), "curl_multi_cleanup")
    }
}

/// The one thing another thread may do with the loop's multi handle: wake its
/// `curl_multi_poll`.
///
/// `@unchecked Sendable` because it carries a raw `CURLM*`. That is safe here:
/// `curl_multi_wakeup` is the one multi call libcurl documents as callable from any thread,
/// it is the only call made through this value, and every call happens under the inbox lock
/// while the loop clears its copy under the same lock before `curl_multi_cleanup` — so it is
/// never used on a freed handle.
struct MultiWakeup: @unchecked Sendable {
    let multi: UnsafeMutableRawPointer

    func wake() {
        try? Curl.check(curl_multi_wakeup(multi), "curl_multi_wakeup")
    }
}
