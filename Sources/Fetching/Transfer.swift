import CCurl
import Foundation

/// One HTTP exchange of a request (the first, or one hop of its redirect chain): its curl
/// easy handle and what it has received so far. curl does not follow redirects itself; the
/// loop does, so that every hop waits for its own host's politeness budget.
///
/// Owned by the transfer loop and confined to its thread (not `Sendable`): libcurl calls the
/// write and header callbacks on that thread, from inside `curl_multi_perform`. The handle,
/// its header list and its error buffer are freed in `deinit`, after the loop has removed the
/// handle from the multi handle.
final class Transfer {
    /// Why the transfer was aborted from a callback.
    enum Overflow {
        case body, headers
    }

    /// What a finished exchange leads to.
    enum Outcome {
        /// The request is answered (success or failure).
        case finished(Result<FetchResponse, FetchError>)
        /// A 3xx with a `Location`: the absolute target URL as curl resolved it, and the status.
        case redirect(String, status: Int)
    }

    let id: UInt64
    let request: FetchRequest
    /// The URL of this exchange (the request's, or a redirect target).
    let url: URL
    let host: String
    let started: ContinuousClock.Instant
    let handle: UnsafeMutableRawPointer
    private var headerList: UnsafeMutablePointer<curl_slist>?
    private let errorBuffer: UnsafeMutablePointer<CChar>
    private let maxBody: Int
    private let maxHeaderBytes: Int

    private(set) var body: [UInt8] = []
    /// Headers of the latest response seen (each status line starts afresh), names lower-cased.
    private(set) var headers: [String: String] = [:]
    private var headerBytes = 0
    private(set) var overflow: Overflow?
    /// The peer address refused under `deny_private_networks`, if one was.
    private(set) var deniedAddress: String?

    /// - Parameters:
    ///   - url: this exchange's URL; `referer` the previous hop's, if any.
    ///   - timeLeft: what remains of the request's total timeout, in seconds.
    init(
        id: UInt64, request: FetchRequest, url: URL, referer: URL?, host: String, options: CurlFetcher.Options,
        started: ContinuousClock.Instant, timeLeft: TimeInterval
    ) throws(CurlFailure) {
        guard let handle = curl_easy_init() else {
            throw CurlFailure(operation: "curl_easy_init", message: "returned NULL")
        }
        self.id = id
        self.request = request
        self.url = url
        self.host = host
        self.started = started
        self.handle = handle
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE))
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))
        maxBody = max(0, request.settings.maxSize)
        maxHeaderBytes = max(1024, options.maxHeaderBytes)
        // From here on `deinit` runs if a setup call throws.
        try configure(options, referer: referer, timeLeft: timeLeft)
    }

    deinit {
        curl_easy_cleanup(handle)
        curl_slist_free_all(headerList)
        errorBuffer.deallocate()
    }

    /// What curl wrote into the error buffer, if anything.
    var errorDetail: String? {
        let text = String(cString: errorBuffer)
        return text.isEmpty ? nil : text
    }

    // MARK: Setup

    private func configure(_ options: CurlFetcher.Options, referer: URL?, timeLeft: TimeInterval) throws(CurlFailure) {
        let settings = request.settings
        try set(CURLOPT_URL, url.absoluteString)
        try set(CURLOPT_NOSIGNAL, 1)
        try set(CURLOPT_HTTPGET, 1)
        try set(CURLOPT_ERRORBUFFER, pointer: UnsafeMutableRawPointer(errorBuffer))
        // Only http and https, for the first URL and for every redirect.
        try set(CURLOPT_PROTOCOLS_STR, "http,https")
        try set(CURLOPT_REDIR_PROTOCOLS_STR, "http,https")
        // Redirects are followed by the loop, hop by hop (see `Outcome.redirect`).
        try set(CURLOPT_FOLLOWLOCATION, 0)
        if let referer { try set(CURLOPT_REFERER, referer.absoluteString) }
        // TLS verification is on unless the source opted out (the loop logs a warning).
        try set(CURLOPT_SSL_VERIFYPEER, request.verifiesTLS ? 1 : 0)
        try set(CURLOPT_SSL_VERIFYHOST, request.verifiesTLS ? 2 : 0)
        if let proxy = request.proxy { try set(CURLOPT_PROXY, proxy.absoluteString) }
        // Every encoding this libcurl can decode; the write callback sees decoded bytes.
        try set(CURLOPT_ACCEPT_ENCODING, "")
        // Limits.
        let total = max(0.001, min(settings.timeout, timeLeft))
        try set(CURLOPT_TIMEOUT_MS, Self.milliseconds(total))
        try set(CURLOPT_CONNECTTIMEOUT_MS, Self.milliseconds(min(options.connectTimeout, total)))
        if options.lowSpeedLimit > 0 {
            try set(CURLOPT_LOW_SPEED_LIMIT, options.lowSpeedLimit)
            try set(CURLOPT_LOW_SPEED_TIME, max(1, Int(options.lowSpeedTime.rounded(.up))))
        }
        try set(CURLOPT_MAXFILESIZE_LARGE, offset: curl_off_t(maxBody))
        try set(CURLOPT_USERAGENT, settings.userAgent)
        try set(CURLOPT_HTTPHEADER, list: makeHeaderList())

        let context = Unmanaged.passUnretained(self).toOpaque()
        try set(CURLOPT_WRITEDATA, pointer: context)
        try Curl.check(
            herold_easy_setopt_write_callback(handle, CURLOPT_WRITEFUNCTION) { data, size, count, context in
                guard let context else { return 0 }
                let transfer = Unmanaged<Transfer>.fromOpaque(context).takeUnretainedValue()
                return transfer.receiveBody(UnsafeRawBufferPointer(start: data, count: size * count))
            }, "CURLOPT_WRITEFUNCTION")
        if settings.denyPrivateNetworks {
            try set(CURLOPT_OPENSOCKETDATA, pointer: context)
            try Curl.check(
                herold_easy_setopt_opensocket_callback(handle, CURLOPT_OPENSOCKETFUNCTION) { context, _, address in
                    guard let context, let address else { return CURL_SOCKET_BAD }
                    let transfer = Unmanaged<Transfer>.fromOpaque(context).takeUnretainedValue()
                    return transfer.openSocket(address)
                }, "CURLOPT_OPENSOCKETFUNCTION")
        }
        try set(CURLOPT_HEADERDATA, pointer: context)
        try Curl.check(
            herold_easy_setopt_write_callback(handle, CURLOPT_HEADERFUNCTION) { data, size, count, context in
                guard let context else { return 0 }
                let transfer = Unmanaged<Transfer>.fromOpaque(context).takeUnretainedValue()
                return transfer.receiveHeader(UnsafeRawBufferPointer(start: data, count: size * count))
            }, "CURLOPT_HEADERFUNCTION")
    }

    /// The request headers: the source's own, then the validators of a conditional GET.
    /// Values with a line break are dropped (header injection). After a redirect to another
    /// host, credentials (`Authorization`, `Cookie`) are not sent (as libcurl does).
    private func makeHeaderList() throws(CurlFailure) -> UnsafeMutablePointer<curl_slist>? {
        var lines: [String] = []
        let crossHost = url.politenessKey != request.url.politenessKey
        for (name, value) in request.headers.sorted(by: { $0.key < $1.key }) {
            guard Self.isSafe(name), Self.isSafe(value), !name.isEmpty, !name.contains(":") else { continue }
            if crossHost, ["authorization", "cookie"].contains(name.lowercased()) { continue }
            if name.lowercased() == "user-agent" {
                try set(CURLOPT_USERAGENT, value)
                continue
            }
            lines.append("\(name): \(value)")
        }
        if let etag = request.etag, Self.isSafe(etag) { lines.append("If-None-Match: \(etag)") }
        if let lastModified = request.lastModified, Self.isSafe(lastModified) {
            lines.append("If-Modified-Since: \(lastModified)")
        }
        for line in lines {
            guard let appended = curl_slist_append(headerList, line) else {
                throw CurlFailure(operation: "curl_slist_append", message: "returned NULL")
            }
            headerList = appended
        }
        return headerList
    }

    private static func isSafe(_ text: String) -> Bool {
        !text.utf8.contains(where: { $0 == 13 || $0 == 10 || $0 == 0 })
    }

    private static func milliseconds(_ seconds: TimeInterval) -> Int {
        Int((seconds * 1000).rounded(.up))
    }

    private func set(_ option: CURLoption, _ value: Int) throws(CurlFailure) {
        try Curl.check(herold_easy_setopt_long(handle, option, value), "curl_easy_setopt(\(option.rawValue))")
    }

    private func set(_ option: CURLoption, _ value: String) throws(CurlFailure) {
        try Curl.check(herold_easy_setopt_string(handle, option, value), "curl_easy_setopt(\(option.rawValue))")
    }

    private func set(_ option: CURLoption, offset value: curl_off_t) throws(CurlFailure) {
        try Curl.check(herold_easy_setopt_off(handle, option, value), "curl_easy_setopt(\(option.rawValue))")
    }

    private func set(_ option: CURLoption, pointer value: UnsafeMutableRawPointer?) throws(CurlFailure) {
        try Curl.check(herold_easy_setopt_pointer(handle, option, value), "curl_easy_setopt(\(option.rawValue))")
    }

    private func set(_ option: CURLoption, list value: UnsafeMutablePointer<curl_slist>?) throws(CurlFailure) {
        try Curl.check(herold_easy_setopt_slist(handle, option, value), "curl_easy_setopt(\(option.rawValue))")
    }

    // MARK: Callbacks (on the loop thread, inside curl_multi_perform)

    /// Appends decoded body bytes; returns less than given (aborting the transfer with
    /// `CURLE_WRITE_ERROR`) once the body would pass the size limit.
    private func receiveBody(_ bytes: UnsafeRawBufferPointer) -> Int {
        guard body.count + bytes.count <= maxBody else {
            overflow = .body
            return 0
        }
        body.append(contentsOf: bytes)
        return bytes.count
    }

    /// Collects one header line; a status line starts a new response (after a redirect or a
    /// 1xx). Aborts once one response's head passes the header size cap.
    private func receiveHeader(_ bytes: UnsafeRawBufferPointer) -> Int {
        let line = String(decoding: bytes, as: UTF8.self)
        if line.hasPrefix("HTTP/") {
            headers = [:]
            headerBytes = 0
        }
        headerBytes += bytes.count
        guard headerBytes <= maxHeaderBytes else {
            overflow = .headers
            return 0
        }
        if let colon = line.firstIndex(of: ":") {
            let name = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespacesAndNewlines)
            if !name.isEmpty {
                headers[name] = headers[name].map { "\($0), \(value)" } ?? value
            }
        }
        return bytes.count
    }

    /// Opens the socket for a connection curl is about to make (every connection, redirects
    /// included) unless the resolved address is in a denied range.
    private func openSocket(_ address: UnsafeMutablePointer<curl_sockaddr>) -> curl_socket_t {
        let family = address.pointee.family
        let raw = UnsafeRawPointer(address) + MemoryLayout<curl_sockaddr>.offset(of: \.addr)!
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
        let denied: Bool
        switch family {
        case AF_INET:
            var ip = raw.loadUnaligned(as: sockaddr_in.self).sin_addr
            denied = AddressPolicy.isDenied(ipv4: withUnsafeBytes(of: ip) { Array($0) })
            inet_ntop(AF_INET, &ip, &text, socklen_t(text.count))
        case AF_INET6:
            var ip = raw.loadUnaligned(as: sockaddr_in6.self).sin6_addr
            denied = AddressPolicy.isDenied(ipv6: withUnsafeBytes(of: ip) { Array($0) })
            inet_ntop(AF_INET6, &ip, &text, socklen_t(text.count))
        default:
            denied = true
        }
        if denied {
            deniedAddress = String(decoding: text.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
            return CURL_SOCKET_BAD
        }
        return socket(family, address.pointee.socktype, address.pointee.protocol)
    }

    // MARK: Outcome

    /// What the finished transfer amounts to, given curl's result code.
    func outcome(_ code: CURLcode, now: Date) -> Outcome {
        // Errors name the URL requested (`FetchError.url`); HTTP answers the URL of this hop.
        let url = request.url
        switch overflow {
        case .body:
            return .finished(.failure(FetchError(kind: .tooLarge, url: url, message: "body larger than \(maxBody) bytes")))
        case .headers:
            return .finished(
                .failure(
                    FetchError(kind: .tooLarge, url: url, message: "response head larger than \(maxHeaderBytes) bytes")))
        case nil:
            break
        }
        if let deniedAddress {
            return .finished(
                .failure(
                    FetchError(
                        kind: .connect, url: url,
                        message: "refused to connect to the private address \(deniedAddress) (deny_private_networks)")))
        }
        guard code == CURLE_OK else {
            let detail = errorDetail ?? String(cString: curl_easy_strerror(code))
            return .finished(.failure(FetchError(kind: Curl.kind(of: code), url: url, message: detail)))
        }
        var status = 0
        do throws(CurlFailure) {
            try Curl.check(herold_easy_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status), "CURLINFO_RESPONSE_CODE")
        } catch {
            return .finished(.failure(error.fetchError(for: url)))
        }
        if request.settings.denyPrivateNetworks {
            // A reused connection was opened without the socket check: judge the peer again.
            var peer: UnsafeMutablePointer<CChar>?
            let known = (try? Curl.check(herold_easy_getinfo_string(handle, CURLINFO_PRIMARY_IP, &peer), "CURLINFO_PRIMARY_IP")) != nil
            let address = known ? peer.map { String(cString: $0) } ?? "" : ""
            if AddressPolicy.isDenied(text: address) ?? true {
                return .finished(
                    .failure(
                        FetchError(
                            kind: .connect, url: url,
                            message: "refused the private address \(address) (deny_private_networks)")))
            }
        }
        if [301, 302, 303, 307, 308].contains(status) {
            var target: UnsafeMutablePointer<CChar>?
            if (try? Curl.check(herold_easy_getinfo_string(handle, CURLINFO_REDIRECT_URL, &target), "CURLINFO_REDIRECT_URL"))
                != nil, let target
            {
                return .redirect(String(cString: target), status: status)
            }
        }
        let response = FetchResponse(url: self.url, status: status, headers: headers, body: body)
        return .finished(ResponseRules.classify(response, now: now))
    }
}
