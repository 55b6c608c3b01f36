#if canImport(Glibc)
import Glibc
#endif

/// Returning freed heap memory to the operating system.
public enum MemoryTrim {
    #if canImport(Glibc)
    /// glibc's `malloc_trim` (declared in malloc.h, which the Glibc module does not export),
    /// looked up once in the process's own symbols; nil on a C library without it.
    private static let mallocTrim: (@convention(c) (Int) -> Int32)? = {
        // RTLD_DEFAULT is the null handle on glibc.
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc_trim") else { return nil }
        return unsafeBitCast(symbol, to: (@convention(c) (Int) -> Int32).self)
    }()
    #endif

    /// Asks the allocator to release the free memory at the top of every arena and the free
    /// pages inside them (`malloc_trim(0)`); returns whether it could ask.
    @discardableResult
    public static func releaseFreedMemory() -> Bool {
        #if canImport(Glibc)
        guard let mallocTrim else { return false }
        _ = mallocTrim(0)
        return true
        #else
        return false
        #endif
    }
}
