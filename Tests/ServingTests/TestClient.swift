import Dispatch
import Foundation
import Glibc

/// One HTTP response as read off the wire.
struct RawResponse: Sendable {
    var status: Int
    /// Header names lower-cased; the last value of a repeated header wins.
    var headers: [String: String]
    var body: [UInt8]
    var text: String { String(decoding: body, as: UTF8.self) }
}

/// A deliberately dumb HTTP/1.1 client over a POSIX socket to 127.0.0.1: it sends the request
/// target byte for byte (no normalization of `..` or percent escapes, unlike URL libraries),
/// with `Connection: close`, and reads until the server closes. It runs on a Dispatch thread,
/// never on the cooperative pool.
enum TestClient {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static func request(
        port: Int, method: String = "GET", target: String, headers: [(String, String)] = [], headResponse: Bool? = nil
    ) async throws -> RawResponse {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(
                    with: Result {
                        try send(port: port, method: method, target: target, headers: headers, head: headResponse ?? (method == "HEAD"))
                    })
            }
        }
    }

    static func send(port: Int, method: String, target: String, headers: [(String, String)], head: Bool) throws -> RawResponse {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket") }
        defer { close(fd) }
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw Failure(description: "connect to 127.0.0.1:\(port) failed") }
        var request = "\(method) \(target) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n"
        for (name, value) in headers { request += "\(name): \(value)\r\n" }
        request += "\r\n"
        let bytes = Array(request.utf8)
        var sent = 0
        while sent < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + sent, bytes.count - sent, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { throw Failure(description: "send") }
            sent += n
        }
        var data: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress!, 65536, 0) }
            if n <= 0 { break }
            data += buffer[0..<n]
            // A HEAD response or a 304 has no body: stop at the end of the header block.
            if head || data.starts(with: Array("HTTP/1.1 304".utf8)) {
                if let end = headerEnd(data) { data = Array(data[..<end]) + Array("\r\n\r\n".utf8); break }
            }
        }
        return try parse(data)
    }

    static func headerEnd(_ data: [UInt8]) -> Int? {
        guard data.count >= 4 else { return nil }
        for i in 0...(data.count - 4) where data[i] == 13 && data[i + 1] == 10 && data[i + 2] == 13 && data[i + 3] == 10 {
            return i
        }
        return nil
    }

    static func parse(_ data: [UInt8]) throws -> RawResponse {
        guard let end = headerEnd(data) else { throw Failure(description: "no header block in \(data.count) bytes") }
        let head = String(decoding: data[..<end], as: UTF8.self).components(separatedBy: "\r\n")
        let statusLine = head[0].split(separator: " ")
        guard statusLine.count >= 2, let status = Int(statusLine[1]) else { throw Failure(description: "status line \(head[0])") }
        var headers: [String: String] = [:]
        for line in head.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        var body = Array(data[(end + 4)...])
        if headers["transfer-encoding"]?.lowercased() == "chunked" { body = dechunk(body) }
        return RawResponse(status: status, headers: headers, body: body)
    }

    static func dechunk(_ data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        var i = 0
        while i < data.count {
            var j = i
            while j + 1 < data.count, !(data[j] == 13 && data[j + 1] == 10) { j += 1 }
            let sizeText = String(decoding: data[i..<j], as: UTF8.self).split(separator: ";").first ?? ""
            guard let size = Int(sizeText.trimmingCharacters(in: .whitespaces), radix: 16), size > 0 else { break }
            let start = j + 2
            out += data[start..<min(start + size, data.count)]
            i = start + size + 2
        }
        return out
    }
}
