public import Foundation

/// A request as the loopback server received it.
public struct TestHTTPRequest: Sendable {
    public var method: String
    /// The request target as sent: path and query.
    public var target: String
    /// Header names lower-cased.
    public var headers: [String: String]

    public init(method: String, target: String, headers: [String: String]) {
        self.method = method
        self.target = target
        self.headers = headers
    }

    /// The path without the query.
    public var path: String { String(target.split(separator: "?", maxSplits: 1).first ?? "") }
}

/// What the loopback server answers.
public struct TestHTTPResponse: Sendable {
    public var status: Int
    public var headers: [(String, String)]
    public var body: [UInt8]

    public init(status: Int, headers: [(String, String)] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}

/// An HTTP/1.1 server on 127.0.0.1 with an ephemeral port, for tests. Started by `init`,
/// stopped by `stop()` (or on deinit).
public final class LoopbackHTTPServer: Sendable {
    public typealias Handler = @Sendable (TestHTTPRequest) -> TestHTTPResponse

    /// The port the server listens on.
    public let port: Int

    public init(handler: @escaping Handler) throws {
        port = 0
        fatalError("LoopbackHTTPServer is not implemented yet")
    }

    /// `http://127.0.0.1:<port>`
    public var baseURL: URL { URL(string: "http://127.0.0.1:\(port)")! }

    /// Stops listening and closes every connection.
    public func stop() {}
}
