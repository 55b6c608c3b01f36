import Foundation
import Glibc

/// An exclusive advisory lock on `<archive>/.lock` (flock), held while an `ArchiveStore` is
/// open, so two Herold processes never write one archive at the same time. The kernel drops it
/// when the process dies, so a crash never leaves the archive locked.
final class ArchiveLock: Sendable {
    private let fd: Int32

    init(root: URL) throws {
        let path = root.appendingPathComponent(".lock").path
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw AtomicFile.WriteError(path: path, operation: "open", code: errno) }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            throw ArchiveStore.LockedError(path: path)
        }
        self.fd = fd
    }

    deinit {
        flock(fd, LOCK_UN)
        close(fd)
    }
}
