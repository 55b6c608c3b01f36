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

    /// Writes `bytes` to `url` atomically, creating missing folders (and making their entries
    /// durable). With `syncFolder: false` the rename is atomic but not yet durable: a caller
    /// writing several files into one folder syncs the folder once, after the last of them.
    public static func write(_ bytes: some Collection<UInt8>, to url: URL, syncFolder: Bool = true) throws {
        let folder = url.deletingLastPathComponent()
        try createFolder(folder)
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
        if syncFolder { Self.syncFolder(folder) }
    }

    /// Writes a string as UTF-8, atomically.
    public static func write(_ text: String, to url: URL, syncFolder: Bool = true) throws {
        try write(Array(text.utf8), to: url, syncFolder: syncFolder)
    }

    /// Creates a folder and any missing parents, fsyncing each parent whose entries changed, so
    /// a new folder survives a crash.
    static func createFolder(_ folder: URL) throws {
        var missing: [URL] = []
        var cursor = folder
        while !FileManager.default.fileExists(atPath: cursor.path) {
            missing.append(cursor)
            let parent = cursor.deletingLastPathComponent()
            if parent.path == cursor.path { break }
            cursor = parent
        }
        guard !missing.isEmpty else { return }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for created in missing {
            syncFolder(created.deletingLastPathComponent())
        }
    }

    /// Whether a file name is one of this type's temporary files (left behind by a crash).
    public static func isTemporary(_ name: String) -> Bool {
        name.hasPrefix(".") && name.hasSuffix(".tmp")
    }

    /// fsync of a folder, so the renames in it are durable.
    public static func syncFolder(_ folder: URL) {
        let fd = open(folder.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return }
        fsync(fd)
        close(fd)
    }
}
