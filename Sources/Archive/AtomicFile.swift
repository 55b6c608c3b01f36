public import Foundation
import Glibc

/// Crash-safe file writes: a temporary file in the same folder, fsync, rename over the target,
/// fsync of the folder. A crash at any instant leaves the old file or the new one, never a torn one.
public enum AtomicFile {
    /// The error of a failed write, naming the file and the system call.
    public struct WriteError: Error, CustomStringConvertible {
        public var path: String
        public var operation: String
        public var code: Int32
        public var description: String { "\(operation) \(path): \(String(cString: strerror(code)))" }
    }

    /// Writes `bytes` to `url` atomically, creating missing folders.
    public static func write(_ bytes: some Collection<UInt8>, to url: URL) throws {
        let folder = url.deletingLastPathComponent()
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let temporary = folder.appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString.prefix(8)).tmp")
        let fd = open(temporary.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw WriteError(path: temporary.path, operation: "open", code: errno) }
        var closed = false
        defer {
            if !closed { close(fd) }
        }
        let data = Array(bytes)
        var written = 0
        while written < data.count {
            let n = data.withUnsafeBytes { buffer in
                Glibc.write(fd, buffer.baseAddress! + written, buffer.count - written)
            }
            if n < 0 {
                if errno == EINTR { continue }
                let code = errno
                unlink(temporary.path)
                throw WriteError(path: temporary.path, operation: "write", code: code)
            }
            written += n
        }
        guard fsync(fd) == 0 else {
            let code = errno
            unlink(temporary.path)
            throw WriteError(path: temporary.path, operation: "fsync", code: code)
        }
        close(fd)
        closed = true
        guard rename(temporary.path, url.path) == 0 else {
            let code = errno
            unlink(temporary.path)
            throw WriteError(path: url.path, operation: "rename", code: code)
        }
        syncFolder(folder)
    }

    /// Writes a string as UTF-8, atomically.
    public static func write(_ text: String, to url: URL) throws {
        try write(Array(text.utf8), to: url)
    }

    /// fsync of a folder, so a rename in it is durable.
    static func syncFolder(_ folder: URL) {
        let fd = open(folder.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return }
        fsync(fd)
        close(fd)
    }
}
