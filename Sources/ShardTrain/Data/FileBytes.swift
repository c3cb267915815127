#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The bytes of a whole file, memory-mapped read-only (or read into memory where mapping is not
/// possible, e.g. for pipes), released when the value goes away.
///
/// Not thread-safe to share while being created; the bytes themselves are immutable and may be
/// read from any thread while the object is alive.
final class FileBytes {
    /// The path as given, for messages.
    let path: String
    /// The file's bytes; empty for an empty file.
    let bytes: UnsafeRawBufferPointer
    private let isMapped: Bool

    /// Opens and maps (or reads) `path`.
    /// - Parameter prefetch: ask the kernel to read the whole file ahead (for one full pass);
    ///   leave it off when only a range will be touched.
    /// - Throws: ``DataError/Code/fileNotFound`` or ``DataError/Code/unreadable``.
    init(path: String, prefetch: Bool = true) throws(DataError) {
        self.path = path
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else {
            let code: DataError.Code = errno == ENOENT ? .fileNotFound : .unreadable
            throw DataError(code, file: path, message: code == .fileNotFound
                ? "no such file — expected an existing data file"
                : "cannot open: \(FileBytes.systemMessage())")
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            throw DataError(.unreadable, file: path, message: "cannot stat: \(FileBytes.systemMessage())")
        }
        let kind = info.st_mode & S_IFMT
        if kind == S_IFDIR {
            throw DataError(.unreadable, file: path, message: "is a directory — expected a data file")
        }
        let size = Int(info.st_size)
        if kind == S_IFREG && size == 0 {
            bytes = UnsafeRawBufferPointer(start: nil, count: 0)
            isMapped = false
            return
        }
        if kind == S_IFREG, let mapped = FileBytes.map(fd: fd, size: size, prefetch: prefetch) {
            bytes = UnsafeRawBufferPointer(start: mapped, count: size)
            isMapped = true
            return
        }
        bytes = UnsafeRawBufferPointer(try FileBytes.readAll(fd: fd, path: path, sizeHint: size))
        isMapped = false
    }

    deinit {
        guard let base = bytes.baseAddress else { return }
        if isMapped {
            munmap(UnsafeMutableRawPointer(mutating: base), bytes.count)
        } else {
            base.deallocate()
        }
    }

    private static func map(fd: Int32, size: Int, prefetch: Bool) -> UnsafeMutableRawPointer? {
        var flags = MAP_PRIVATE
        #if os(Linux)
        if prefetch { flags |= MAP_POPULATE }
        #endif
        guard let pointer = mmap(nil, size, PROT_READ, flags, fd, 0),
              pointer != UnsafeMutableRawPointer(bitPattern: -1) else { return nil }
        return pointer
    }

    private static func readAll(fd: Int32, path: String, sizeHint: Int) throws(DataError) -> UnsafeMutableRawBufferPointer {
        var capacity = max(sizeHint, 1 << 16)
        var buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: capacity, alignment: 16)
        var count = 0
        while true {
            if count == capacity {
                let grown = UnsafeMutableRawBufferPointer.allocate(byteCount: capacity * 2, alignment: 16)
                grown.copyMemory(from: UnsafeRawBufferPointer(buffer))
                buffer.deallocate()
                buffer = grown
                capacity *= 2
            }
            let got = read(fd, buffer.baseAddress.map { $0 + count }, capacity - count)
            if got < 0 {
                if errno == EINTR { continue }
                let reason = systemMessage()
                buffer.deallocate()
                throw DataError(.unreadable, file: path, message: "read failed: \(reason)")
            }
            if got == 0 { break }
            count += got
        }
        return UnsafeMutableRawBufferPointer(rebasing: buffer[0 ..< count])
    }

    /// The system's message for the current `errno`.
    static func systemMessage() -> String {
        guard let text = strerror(errno) else { return "error \(errno)" }
        return String(cString: text)
    }
}
