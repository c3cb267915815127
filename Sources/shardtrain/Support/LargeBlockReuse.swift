#if canImport(Glibc)
import Glibc
#endif

/// Keeps freed multi-megabyte blocks in the process for reuse instead of handing them back
/// to the kernel: the processes of a distributed run allocate and free a parameter- or
/// gradient-sized buffer per message, and with glibc's defaults every one of them is a fresh
/// `mmap`, faulted in and zeroed page by page (a fifth of a sealed 4 MB round trip). Blocks up
/// to 256 MiB come from the heap, and up to 1 GiB of free heap top is kept. Called only by the
/// commands that exchange vectors every round (`train` with workers, `worker`, `bench
/// transport`); it changes nothing on other C libraries.
enum LargeBlockReuse {
    static func enable() {
        #if canImport(Glibc)
        // `mallopt` is declared in <malloc.h>, which Swift's Glibc module leaves out: look it up.
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return }
        let mallopt = unsafeBitCast(symbol, to: Mallopt.self)
        let trimThreshold: Int32 = -1, mmapThreshold: Int32 = -3  // M_TRIM_THRESHOLD, M_MMAP_THRESHOLD
        _ = mallopt(mmapThreshold, 256 << 20)
        _ = mallopt(trimThreshold, 1 << 30)
        #endif
    }
}
