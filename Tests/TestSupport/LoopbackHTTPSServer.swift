public import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// An HTTPS server on 127.0.0.1 (ephemeral port) with a self-signed certificate made at start,
/// for tests of TLS verification. It needs two external programs: `openssl` (the key and the
/// certificate, into a temporary folder) and `python3` (`http.server` wrapped with `ssl`); when
/// either is missing, `init` throws `Unavailable.missingTool` (tests skip with its message).
///
/// Every GET is answered 200 with `body` and `contentType`.
public final class LoopbackHTTPSServer {
    /// The port the server listens on.
    public let port: Int
    /// The self-signed certificate (PEM) the server presents.
    public let certificate: URL
    private let process: Process
    /// The server's standard input; closing it ends the server.
    private let input: Pipe
    private let folder: URL

    /// Why the server could not start.
    public enum Unavailable: Error, CustomStringConvertible {
        case missingTool(String)
        case failed(String)

        public var description: String {
            switch self {
            case .missingTool(let name): "\(name) is not on PATH; skipping the HTTPS test"
            case .failed(let reason): "the HTTPS test server did not start: \(reason)"
            }
        }
    }

    /// Makes a key and a certificate for `127.0.0.1` and starts the server; throws
    /// `Unavailable.missingTool` when `openssl` or `python3` is absent (tests skip then).
    public init(body: String, contentType: String = "application/rss+xml") throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("herold-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let key = folder.appendingPathComponent("key.pem")
        certificate = folder.appendingPathComponent("cert.pem")
        do {
            try Self.runTool(
                "openssl",
                [
                    "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                    "-keyout", key.path, "-out", certificate.path, "-days", "2", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1",
                ])
            try Self.runTool("python3", ["-c", "import ssl, http.server"])
        } catch {
            try? FileManager.default.removeItem(at: folder)
            throw error
        }
        // The server ends when its standard input closes (`stop()`, or this process dying), so
        // it never outlives the test; SIGKILL in `stop()` is the backstop (a test process may
        // hand its children SIGTERM blocked).
        let script = """
            import http.server, os, ssl, sys, threading
            def watch_stdin():
                sys.stdin.buffer.read()
                os._exit(0)
            threading.Thread(target=watch_stdin, daemon=True).start()
            body = sys.argv[3].encode("utf-8")
            class Handler(http.server.BaseHTTPRequestHandler):
                def do_GET(self):
                    self.send_response(200)
                    self.send_header("Content-Type", sys.argv[4])
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                def log_message(self, *args):
                    pass
            server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(sys.argv[1], sys.argv[2])
            server.socket = context.wrap_socket(server.socket, server_side=True)
            print(server.server_address[1], flush=True)
            server.serve_forever()
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, certificate.path, key.path, body, contentType]
        let output = Pipe()
        let input = Pipe()
        process.standardOutput = output
        process.standardInput = input
        process.standardError = FileHandle.nullDevice
        try process.run()
        // The first line is the port; EOF means the script died.
        var line: [UInt8] = []
        while let byte = try output.fileHandleForReading.read(upToCount: 1)?.first, byte != UInt8(ascii: "\n") {
            line.append(byte)
        }
        guard let port = Int(String(decoding: line, as: UTF8.self)) else {
            try? input.fileHandleForWriting.close()
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            try? FileManager.default.removeItem(at: folder)
            throw Unavailable.failed("python3 printed no port")
        }
        self.port = port
        self.process = process
        self.input = input
    }

    deinit { stop() }

    /// `https://127.0.0.1:<port><path>`
    public func url(_ path: String) -> URL { URL(string: "https://127.0.0.1:\(port)\(path)")! }

    /// Stops the server (the child process this object started) and removes the key material.
    public func stop() {
        try? input.fileHandleForWriting.close()
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: folder)
    }

    /// Runs a tool found on PATH; `missingTool` when `env` cannot find it (status 127).
    private static func runTool(_ name: String, _ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [name] + arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { throw Unavailable.missingTool(name) }
        process.waitUntilExit()
        if process.terminationStatus == 127 { throw Unavailable.missingTool(name) }
        guard process.terminationStatus == 0 else {
            throw Unavailable.failed("\(name) exited with status \(process.terminationStatus)")
        }
    }
}
