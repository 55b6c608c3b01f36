import CompressNIO
import Dispatch
import Foundation
import Glibc
import Hummingbird
import Synchronization

/// One file as served: its bytes, validators and (once asked for) its gzip form.
struct CachedFile: Sendable {
    /// What the file system says about the file; a change of any part is a new file.
    struct Identity: Hashable, Sendable {
        var device: UInt64
        var inode: UInt64
        var size: Int64
        var modifiedSeconds: Int
        var modifiedNanoseconds: Int
    }

    var identity: Identity
    var body: ByteBuffer
    /// Strong validator: a 64-bit FNV-1a hash of the bytes and their length.
    var etag: String
    /// Modification time, whole seconds since 1970.
    var modified: Int
    var gzip: ByteBuffer?
}

/// The files served, kept in memory while their identity on disk (device, inode, size,
/// mtime) stays the same: a hit costs one `stat`, a miss reads the file on a Dispatch queue,
/// off Swift's cooperative pool. Bounded by `capacity` bytes; when full, it is emptied.
final class FileCache: Sendable {
    private let files = Mutex<[String: CachedFile]>([:])
    private let size = Mutex<Int>(0)
    let capacity: Int

    init(capacity: Int) {
        self.capacity = capacity
    }

    /// `stat` of a path (follows nothing: the caller has already refused symlinks).
    static func identity(of path: String) -> (CachedFile.Identity, isRegular: Bool)? {
        var info = stat()
        guard lstat(path, &info) == 0 else { return nil }
        let identity = CachedFile.Identity(
            device: UInt64(info.st_dev), inode: UInt64(info.st_ino), size: Int64(info.st_size),
            modifiedSeconds: Int(info.st_mtim.tv_sec), modifiedNanoseconds: Int(info.st_mtim.tv_nsec))
        return (identity, (info.st_mode & S_IFMT) == S_IFREG)
    }

    /// The cached file at `path` if it is still the same file.
    func lookup(_ path: String, identity: CachedFile.Identity) -> CachedFile? {
        files.withLock { $0[path] }.flatMap { $0.identity == identity ? $0 : nil }
    }

    /// Reads the file (off the cooperative pool) and caches it.
    func load(_ path: String, identity: CachedFile.Identity) async -> CachedFile? {
        let bytes: [UInt8]? = await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(returning: FileManager.default.contents(atPath: path).map { [UInt8]($0) })
            }
        }
        guard let bytes else { return nil }
        let file = CachedFile(
            identity: identity, body: ByteBuffer(bytes: bytes), etag: Self.etag(bytes), modified: identity.modifiedSeconds,
            gzip: nil)
        store(path, file)
        return file
    }

    /// The gzip form of a cached file, compressed once.
    func gzipped(_ path: String, _ file: CachedFile) -> ByteBuffer? {
        if let gzip = file.gzip { return gzip }
        var input = file.body
        guard let compressed = try? input.compress(with: .gzip()) else { return nil }
        var updated = file
        updated.gzip = compressed
        store(path, updated)
        return compressed
    }

    private func store(_ path: String, _ file: CachedFile) {
        let bytes = file.body.readableBytes + (file.gzip?.readableBytes ?? 0)
        guard bytes <= capacity / 4 else { return }
        files.withLock { files in
            let old = files[path].map { $0.body.readableBytes + ($0.gzip?.readableBytes ?? 0) } ?? 0
            let total = size.withLock { total in
                total += bytes - old
                return total
            }
            if total > capacity {
                files.removeAll()
                size.withLock { $0 = bytes }
            }
            files[path] = file
        }
    }

    /// `"<16 hex digits>-<length in hex>"`: FNV-1a over the bytes.
    static func etag(_ bytes: [UInt8]) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash &*= 0x100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        return "\"" + String(repeating: "0", count: 16 - hex.count) + hex + "-" + String(bytes.count, radix: 16) + "\""
    }
}
