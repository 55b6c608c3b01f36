import Foundation
import Glibc
import Hummingbird

/// Answers every request of `HeroldServer`: GET and HEAD of archive outputs with validators,
/// conditional requests, gzip and Cache-Control; `/healthz`; 404 and 405 with fixed bodies that
/// never echo the request.
struct ArchiveResponder: HTTPResponder {
    typealias Context = BasicRequestContext

    /// The archive root as given; its canonical form is taken per request, so an archive
    /// created after the server started is served.
    let rootPath: String
    let options: HeroldServer.Options
    let cache: FileCache
    /// The Prometheus exposition for `/metrics` (the daemon's); nil: `/metrics` is 404.
    let metrics: (@Sendable () -> String)?

    init(root: URL, options: HeroldServer.Options, metrics: (@Sendable () -> String)? = nil) {
        rootPath = root.path
        self.options = options
        self.metrics = metrics
        cache = FileCache(capacity: options.cacheBytes)
    }

    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    func respond(to request: Request, context: Context) async throws -> Response {
        let method = request.method
        guard method == .get || method == .head else {
            var headers = HTTPFields()
            headers[.allow] = "GET, HEAD"
            return Self.plain(.methodNotAllowed, "Method Not Allowed\n", headers: headers, head: false)
        }
        let head = method == .head
        let realRoot = Self.realPath(rootPath)
        let target = request.head.path ?? "/"
        if target == "/healthz" || target.hasPrefix("/healthz?") {
            var headers = HTTPFields()
            headers[.cacheControl] = "no-store"
            return realRoot == nil
                ? Self.plain(.serviceUnavailable, "archive missing\n", headers: headers, head: head)
                : Self.plain(.ok, "ok\n", headers: headers, head: head)
        }
        if let metrics, target == "/metrics" || target.hasPrefix("/metrics?") {
            var headers = HTTPFields()
            headers[.cacheControl] = "no-store"
            headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
            return Self.plain(.ok, metrics(), headers: headers, head: head)
        }
        guard let root = realRoot, let relative = ArchivePath.resolve(target), let type = ArchivePath.contentType(relative)
        else { return Self.notFound(head: head) }
        let path = root + "/" + relative
        // Symlinks anywhere on the way are refused: the canonical path must be the path itself.
        guard let (identity, isRegular) = FileCache.identity(of: path), isRegular, Self.realPath(path) == path else {
            return Self.notFound(head: head)
        }
        var file = cache.lookup(path, identity: identity)
        if file == nil { file = await cache.load(path, identity: identity) }
        guard let file else { return Self.notFound(head: head) }

        let gzip = Self.acceptsGzip(request.headers[.acceptEncoding]) && file.body.readableBytes >= 256
        let etag = gzip ? String(file.etag.dropLast()) + "-gz\"" : file.etag
        var headers = HTTPFields()
        headers[.eTag] = etag
        headers[.lastModified] = HTTPDate.format(file.modified)
        headers[.cacheControl] =
            ArchivePath.isImmutable(relative)
            ? "public, max-age=\(options.immutableMaxAge), immutable" : "public, max-age=\(options.maxAge)"
        headers[.vary] = "Accept-Encoding"
        headers[.init("X-Content-Type-Options")!] = "nosniff"

        if Self.notModified(request.headers, etag: etag, plainETag: file.etag, modified: file.modified) {
            return Response(status: .notModified, headers: headers, body: ResponseBody())
        }
        headers[.contentType] = type
        var body = file.body
        if gzip, let compressed = cache.gzipped(path, file) {
            body = compressed
            headers[.contentEncoding] = "gzip"
        }
        if head {
            headers[.contentLength] = String(body.readableBytes)
            return Response(status: .ok, headers: headers, body: ResponseBody())
        }
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: body))
    }

    /// RFC 9110 §13.1.2 and §13.1.3: If-None-Match (weak comparison, `*`) decides when present,
    /// else If-Modified-Since.
    static func notModified(_ headers: HTTPFields, etag: String, plainETag: String, modified: Int) -> Bool {
        if let match = headers[values: .ifNoneMatch].joined(separator: ",") as String?, !match.isEmpty {
            for candidate in match.split(separator: ",") {
                var tag = candidate.trimmingCharacters(in: .whitespaces)
                if tag == "*" { return true }
                if tag.hasPrefix("W/") { tag.removeFirst(2) }
                if tag == etag || tag == plainETag { return true }
            }
            return false
        }
        if let since = headers[.ifModifiedSince].flatMap(HTTPDate.parse) {
            return modified <= since
        }
        return false
    }

    /// Whether `Accept-Encoding` accepts gzip (`gzip` or `*` with a q-value above 0).
    static func acceptsGzip(_ value: String?) -> Bool {
        guard let value else { return false }
        for part in value.lowercased().split(separator: ",") {
            let fields = part.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let coding = fields.first, coding == "gzip" || coding == "x-gzip" || coding == "*" else { continue }
            let q = fields.dropFirst().first { $0.hasPrefix("q=") }.flatMap { Double($0.dropFirst(2)) } ?? 1
            return q > 0
        }
        return false
    }

    static func notFound(head: Bool) -> Response {
        plain(.notFound, "Not Found\n", headers: HTTPFields(), head: head)
    }

    static func plain(_ status: HTTPResponse.Status, _ text: String, headers: HTTPFields, head: Bool) -> Response {
        var headers = headers
        headers[.contentType] = "text/plain; charset=utf-8"
        headers[.init("X-Content-Type-Options")!] = "nosniff"
        if head {
            headers[.contentLength] = String(text.utf8.count)
            return Response(status: status, headers: headers, body: ResponseBody())
        }
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }
}

/// IMF-fixdate (RFC 9110 §5.6.7), the form Herold sends and parses; a date in another form
/// does not parse and is then ignored, as RFC 9110 §13.1.3 requires of an invalid date.
enum HTTPDate {
    static let days = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"]
    static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// `Sun, 06 Nov 1994 08:49:37 GMT` for seconds since 1970.
    static func format(_ seconds: Int) -> String {
        var time = time_t(seconds)
        var parts = tm()
        gmtime_r(&time, &parts)
        let day = days[Int((seconds / 86_400 % 7 + 7) % 7)]
        func two(_ n: Int32) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(day), \(two(parts.tm_mday)) \(months[Int(parts.tm_mon)]) \(parts.tm_year + 1900) "
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) GMT"
    }

    /// Seconds since 1970 of an IMF-fixdate, nil if it is not one.
    static func parse(_ text: String) -> Int? {
        let fields = text.split(separator: " ")
        guard fields.count == 6, fields[5] == "GMT", let day = Int(fields[1]), let month = months.firstIndex(of: String(fields[2])),
            let year = Int(fields[3])
        else { return nil }
        let clock = fields[4].split(separator: ":").compactMap { Int($0) }
        guard clock.count == 3 else { return nil }
        var parts = tm()
        parts.tm_year = Int32(year - 1900)
        parts.tm_mon = Int32(month)
        parts.tm_mday = Int32(day)
        parts.tm_hour = Int32(clock[0])
        parts.tm_min = Int32(clock[1])
        parts.tm_sec = Int32(clock[2])
        return Int(timegm(&parts))
    }
}
