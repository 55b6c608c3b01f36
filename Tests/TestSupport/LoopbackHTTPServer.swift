public import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// A request as the loopback server received it.
public struct TestHTTPRequest: Sendable {
    /// The method, e.g. `GET`.
    public var method: String
    /// The request target as sent: path and query.
    public var target: String
    /// Header names lower-cased.
    public var headers: [String: String]
    /// The request body (read by `Content-Length`; empty for a GET).
    public var body: [UInt8]

    /// A request; `body` defaults to empty.
    public init(method: String, target: String, headers: [String: String], body: [UInt8] = []) {
        self.method = method
        self.target = target
        self.headers = headers
        self.body = body
    }

    /// The path without the query.
    public var path: String { String(target.split(separator: "?", maxSplits: 1).first ?? "") }
}

/// Misbehaviours the loopback server can put on a response, to test a client's limits.
public enum TestHTTPFault: Sendable, Equatable {
    /// No `Content-Length`: the body is framed by closing the connection.
    case closeDelimited
    /// `Transfer-Encoding: chunked` without `Content-Length` (chunks of at most 16 KiB).
    case chunked
    /// The head at once, then the body one byte per `interval` (with `Content-Length`).
    case trickle(interval: Duration)
    /// Send the head and the first `afterBodyBytes` bytes of the body, then reset the
    /// connection (TCP RST). `afterBodyBytes: nil` resets before anything is sent.
    case reset(afterBodyBytes: Int?)
}

/// What the loopback server answers.
///
/// The server writes `Content-Length` itself (any given by the handler is dropped) unless a
/// `fault` says otherwise; 1xx, 204 and 304 answers and answers to HEAD carry no body.
public struct TestHTTPResponse: Sendable {
    /// The status code.
    public var status: Int
    /// Header fields in order; names as given.
    public var headers: [(String, String)]
    /// The body bytes, sent as they are (encode them yourself for `Content-Encoding`).
    public var body: [UInt8]
    /// An optional misbehaviour; nil for a well-formed answer.
    public var fault: TestHTTPFault?

    /// A response; `fault` defaults to none.
    public init(status: Int, headers: [(String, String)] = [], body: [UInt8] = [], fault: TestHTTPFault? = nil) {
        self.status = status
        self.headers = headers
        self.body = body
        self.fault = fault
    }

    /// A text response with the given content type.
    public static func text(_ text: String, status: Int = 200, contentType: String = "text/plain; charset=utf-8")
        -> TestHTTPResponse
    {
        TestHTTPResponse(status: status, headers: [("Content-Type", contentType)], body: Array(text.utf8))
    }
}

/// Connection counters of a `LoopbackHTTPServer`, for tests of a client's politeness.
public struct LoopbackConnectionStats: Sendable, Equatable {
    /// Connections accepted so far.
    public var accepted: Int
    /// Connections open now.
    public var open: Int
    /// The most connections that were open at one time.
    public var peakOpen: Int
    /// Requests answered so far (a keep-alive connection can carry several).
    public var requests: Int
}

/// An HTTP/1.1 server on 127.0.0.1 with an ephemeral port, for tests. Started by `init`,
/// stopped by `stop()` (or on deinit).
///
/// One thread accepts; each connection gets its own thread, which reads requests (keep-alive
/// is honoured; `Connection: close` from the client closes after the answer), calls the
/// handler and writes the answer. The handler therefore runs on an OS thread of its own and
/// may block (e.g. `usleep`) to simulate a slow server.
///
/// ```swift
/// let server = try LoopbackHTTPServer { request in
///     request.path == "/feed.xml" ? .text(xml, contentType: "application/rss+xml") : .text("no", status: 404)
/// }
/// defer { server.stop() }
/// let url = server.baseURL.appendingPathComponent("feed.xml")
/// ```
public final class LoopbackHTTPServer: Sendable {
    /// The handler that answers every request; it runs on the connection's own thread.
    public typealias Handler = @Sendable (TestHTTPRequest) -> TestHTTPResponse

    /// The port the server listens on.
    public let port: Int
    private let core: ServerCore

    /// Binds 127.0.0.1 on an ephemeral port and starts accepting. Throws a `POSIXError` when
    /// the socket cannot be set up.
    public init(handler: @escaping Handler) throws {
        let listener = try ServerCore.makeListener()
        port = listener.port
        core = ServerCore(listenFD: listener.fd, handler: handler)
        core.startAcceptThread()
    }

    deinit { core.stop() }

    /// `http://127.0.0.1:<port>`
    public var baseURL: URL { URL(string: "http://127.0.0.1:\(port)")! }

    /// A URL on this server for `path` (which should start with `/`).
    public func url(_ path: String) -> URL { URL(string: "http://127.0.0.1:\(port)\(path)")! }

    /// Connection counters so far.
    public var stats: LoopbackConnectionStats { core.stats }

    /// Stops listening and closes every connection; returns once the port is released.
    /// Calling it again does nothing.
    public func stop() { core.stop() }
}

/// The shared state of one server, referenced by its accept and connection threads.
private final class ServerCore: Sendable {
    private struct State {
        var stopping = false
        var acceptThreadDone = false
        /// Connection sockets open now; only a connection's own thread closes its socket,
        /// `stop()` only shuts them down (so a descriptor number is never reused under us).
        var connections: Set<Int32> = []
        var stats = LoopbackConnectionStats(accepted: 0, open: 0, peakOpen: 0, requests: 0)
    }

    let listenFD: Int32
    let handler: LoopbackHTTPServer.Handler
    private let state = Mutex(State())
    /// Wakes the accept loop's `poll` on stop: [read end, write end].
    private let wakePipe: (Int32, Int32)
    private let acceptDone = DispatchSemaphore(value: 0)

    init(listenFD: Int32, handler: @escaping LoopbackHTTPServer.Handler) {
        self.listenFD = listenFD
        self.handler = handler
        var fds: [Int32] = [-1, -1]
        if pipe(&fds) != 0 { fds = [-1, -1] }
        wakePipe = (fds[0], fds[1])
    }

    static func makeListener() throws -> (fd: Int32, port: Int) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError.current }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0, listen(fd, 1024) == 0 else {
            let error = POSIXError.current
            close(fd)
            throw error
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard named == 0 else {
            let error = POSIXError.current
            close(fd)
            throw error
        }
        return (fd, Int(UInt16(bigEndian: address.sin_port)))
    }

    var stats: LoopbackConnectionStats { state.withLock { $0.stats } }
    var isStopping: Bool { state.withLock { $0.stopping } }

    func startAcceptThread() {
        let thread = Thread { [self] in
            acceptLoop()
            acceptDone.signal()
        }
        thread.name = "loopback-http-accept"
        thread.start()
    }

    func stop() {
        let first = state.withLock { state -> Bool in
            if state.stopping { return false }
            state.stopping = true
            for fd in state.connections { shutdown(fd, Int32(SHUT_RDWR)) }
            return true
        }
        guard first else { return }
        var byte: UInt8 = 1
        _ = write(wakePipe.1, &byte, 1)
        acceptDone.wait()
        close(listenFD)
        close(wakePipe.0)
        close(wakePipe.1)
    }

    private func acceptLoop() {
        while true {
            var fds = [
                pollfd(fd: listenFD, events: Int16(POLLIN), revents: 0),
                pollfd(fd: wakePipe.0, events: Int16(POLLIN), revents: 0),
            ]
            let ready = poll(&fds, 2, -1)
            if ready < 0 && errno == EINTR { continue }
            if ready < 0 || fds[1].revents != 0 || isStopping { return }
            let fd = accept(listenFD, nil, nil)
            if fd < 0 { continue }
            var yes: Int32 = 1
            setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &yes, socklen_t(MemoryLayout<Int32>.size))
            let admitted = state.withLock { state -> Bool in
                if state.stopping { return false }
                state.connections.insert(fd)
                state.stats.accepted += 1
                state.stats.open += 1
                state.stats.peakOpen = max(state.stats.peakOpen, state.stats.open)
                return true
            }
            guard admitted else {
                close(fd)
                return
            }
            let thread = Thread { [self] in
                var connection = Connection(fd: fd, core: self)
                connection.serve()
                state.withLock { state in
                    state.connections.remove(fd)
                    state.stats.open -= 1
                }
                close(fd)
            }
            thread.name = "loopback-http-connection"
            thread.start()
        }
    }

    func countRequest() { state.withLock { $0.stats.requests += 1 } }
}

/// One accepted connection, served on its own thread. Not shared between threads.
private struct Connection {
    let fd: Int32
    let core: ServerCore
    /// Bytes read but not yet consumed.
    var buffer: [UInt8] = []

    init(fd: Int32, core: ServerCore) {
        self.fd = fd
        self.core = core
    }

    mutating func serve() {
        while let request = readRequest() {
            core.countRequest()
            let response = core.handler(request)
            let clientCloses = request.headers["connection"]?.lowercased() == "close"
            let keepOpen = write(response, for: request) && !clientCloses
            if !keepOpen { return }
        }
    }

    /// Reads one request; nil at end of stream, on error, or on a malformed request.
    private mutating func readRequest() -> TestHTTPRequest? {
        let terminator: [UInt8] = [13, 10, 13, 10]
        var headEnd: Int?
        while headEnd == nil {
            headEnd = buffer.firstRange(of: terminator)?.lowerBound
            if headEnd == nil {
                if buffer.count > 1 << 20 || !receiveMore() { return nil }
            }
        }
        guard let end = headEnd, let head = String(bytes: buffer[..<end], encoding: .utf8) else { return nil }
        buffer.removeFirst(end + 4)
        let lines = head.components(separatedBy: "\r\n")
        let requestLine = lines[0].split(separator: " ")
        guard requestLine.count == 3 else { return nil }
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            headers[name] = headers[name].map { "\($0), \(value)" } ?? value
        }
        let length = headers["content-length"].flatMap { Int($0) } ?? 0
        while buffer.count < length {
            if !receiveMore() { return nil }
        }
        let body = Array(buffer.prefix(length))
        buffer.removeFirst(length)
        return TestHTTPRequest(
            method: String(requestLine[0]), target: String(requestLine[1]), headers: headers, body: body)
    }

    private mutating func receiveMore() -> Bool {
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let count = recv(fd, &chunk, chunk.count, 0)
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { return false }
            buffer.append(contentsOf: chunk[..<count])
            return true
        }
    }

    /// Writes the answer; false when the connection must be closed afterwards.
    private func write(_ response: TestHTTPResponse, for request: TestHTTPRequest) -> Bool {
        let bodyless = request.method == "HEAD" || response.status == 204 || response.status == 304
            || (100..<200).contains(response.status)
        let body = bodyless ? [] : response.body
        if case .reset(nil) = response.fault {
            reset()
            return false
        }
        var head = "HTTP/1.1 \(response.status) \(Self.reason(response.status))\r\n"
        let framing: Set<String> = ["content-length", "transfer-encoding", "connection"]
        for (name, value) in response.headers where !framing.contains(name.lowercased()) {
            head += "\(name): \(value)\r\n"
        }
        switch response.fault {
        case .closeDelimited:
            head += "Connection: close\r\n"
        case .chunked:
            head += "Transfer-Encoding: chunked\r\n"
        default:
            if !(response.status == 204 || response.status == 304 || (100..<200).contains(response.status)) {
                head += "Content-Length: \(response.body.count)\r\n"
            }
        }
        head += "\r\n"
        guard send(Array(head.utf8)) else { return false }
        switch response.fault {
        case nil:
            return send(body)
        case .closeDelimited:
            _ = send(body)
            return false
        case .chunked:
            var offset = 0
            while offset < body.count {
                let piece = body[offset..<min(offset + 16 * 1024, body.count)]
                guard send(Array(String(piece.count, radix: 16).utf8) + [13, 10] + piece + [13, 10]) else {
                    return false
                }
                offset += piece.count
            }
            return send(Array("0\r\n\r\n".utf8))
        case .trickle(let interval):
            let micros = interval.components.seconds * 1_000_000 + interval.components.attoseconds / 1_000_000_000_000
            for byte in body {
                if core.isStopping { return false }
                usleep(useconds_t(max(0, micros)))
                guard send([byte]) else { return false }
            }
            return true
        case .reset(let after?):
            _ = send(Array(body.prefix(after)))
            reset()
            return false
        case .reset(nil):
            return false
        }
    }

    /// Makes the coming `close` send a TCP RST instead of a FIN.
    private func reset() {
        var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
        setsockopt(fd, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
    }

    private func send(_ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes {
                Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
            }
            if sent < 0 && errno == EINTR { continue }
            guard sent > 0 else { return false }
            offset += sent
        }
        return true
    }

    private static func reason(_ status: Int) -> String {
        switch status {
        case 200: "OK"
        case 204: "No Content"
        case 301: "Moved Permanently"
        case 302: "Found"
        case 303: "See Other"
        case 304: "Not Modified"
        case 307: "Temporary Redirect"
        case 308: "Permanent Redirect"
        case 400: "Bad Request"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 429: "Too Many Requests"
        case 500: "Internal Server Error"
        case 503: "Service Unavailable"
        default: "Status"
        }
    }
}

extension POSIXError {
    /// The error `errno` names now.
    fileprivate static var current: POSIXError { POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
}
