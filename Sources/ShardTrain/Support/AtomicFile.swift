import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Writes files so that readers see either the old file or the complete new one, never a part:
/// the bytes go to a temporary file in the same folder, are flushed to disk, then renamed over
/// the destination. The temporary file's name carries the writer's process id
/// (`.NAME.tmp-PID-XXXXXX`); a write removes the temporary files of earlier writers of the same
/// destination that no longer run (killed before they could clean up).
///
/// A destination that exists and is not a regular file — `/dev/null`, `/dev/stdout`, a named
/// pipe — is written through instead: renaming over it would replace the device or pipe itself
/// (as root, `--output /dev/null` would turn the machine's `/dev/null` into a file).
public enum AtomicFile {
    /// Why an atomic write failed; the destination is unchanged.
    public struct WriteError: Error, CustomStringConvertible, Sendable {
        /// The destination path.
        public let path: String
        /// What went wrong (the system's message).
        public let reason: String
        public var description: String { "cannot write \(path): \(reason)" }
    }

    /// Writes `bytes` to `path` atomically.
    public static func write(_ bytes: some Collection<UInt8>, to path: String) throws(WriteError) {
        // Split by hand: this toolchain's Foundation traps on a path without a slash.
        let slash = path.lastIndex(of: "/")
        let folder = slash.map { path[..<$0].isEmpty ? "/" : String(path[..<$0]) } ?? "."
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        guard !name.isEmpty else { throw WriteError(path: path, reason: "the path names a folder, not a file") }
        if isSpecialFile(path) { return try writeThrough(Array(bytes), to: path) }
        removeAbandonedTemporaries(folder: folder, name: name)
        var template = Array("\(folder)/.\(name).tmp-\(getpid())-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw WriteError(path: path, reason: systemMessage()) }
        let tempPath = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        var failure = writeAll(Array(bytes), to: fd)
        if failure == nil, fsync(fd) != 0 { failure = systemMessage() }
        if close(fd) != 0, failure == nil { failure = systemMessage() }
        if failure == nil, fchmodPath(tempPath) != 0 { failure = systemMessage() }
        if failure == nil, rename(tempPath, path) != 0 { failure = systemMessage() }
        if let failure {
            unlink(tempPath)
            throw WriteError(path: path, reason: failure)
        }
    }

    /// Removes `folder/.NAME.tmp-PID-XXXXXX` files whose process no longer exists.
    static func removeAbandonedTemporaries(folder: String, name: String) {
        guard let directory = opendir(folder) else { return }
        defer { closedir(directory) }
        let prefix = ".\(name).tmp-"
        while let entry = readdir(directory) {
            let entryName = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(cString: raw.bindMemory(to: CChar.self).baseAddress!)
            }
            guard entryName.hasPrefix(prefix) else { continue }
            let fields = entryName.dropFirst(prefix.count).split(separator: "-")
            guard fields.count == 2, let pid = Int32(fields[0]), pid > 0, pid != getpid(),
                  kill(pid, 0) != 0, errno == ESRCH else { continue }
            unlink("\(folder)/\(entryName)")
        }
    }

    /// Whether `path` (after symbolic links) exists and is a device, pipe or socket.
    static func isSpecialFile(_ path: String) -> Bool {
        var info = stat()
        guard stat(path, &info) == 0 else { return false }
        let type = info.st_mode & S_IFMT
        return type == S_IFCHR || type == S_IFBLK || type == S_IFIFO || type == S_IFSOCK
    }

    /// Writes `data` into the existing special file `path`.
    private static func writeThrough(_ data: [UInt8], to path: String) throws(WriteError) {
        let fd = open(path, O_WRONLY)
        guard fd >= 0 else { throw WriteError(path: path, reason: systemMessage()) }
        var failure = writeAll(data, to: fd)
        if close(fd) != 0, failure == nil { failure = systemMessage() }
        if let failure { throw WriteError(path: path, reason: failure) }
    }

    /// Writes all of `data` to `fd`; the system's message if that failed.
    private static func writeAll(_ data: [UInt8], to fd: Int32) -> String? {
        data.withUnsafeBytes { raw -> String? in
            var offset = 0
            while offset < raw.count {
                let written = Glibc.write(fd, raw.baseAddress! + offset, raw.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return systemMessage()
                }
                offset += written
            }
            return nil
        }
    }

    /// Writes `text` as UTF-8 to `path` atomically.
    public static func write(text: String, to path: String) throws(WriteError) {
        try write(Array(text.utf8), to: path)
    }

    /// The system's message for the current `errno`.
    static func systemMessage() -> String {
        guard let text = strerror(errno) else { return "error \(errno)" }
        return String(cString: UnsafePointer(text))
    }

    /// mkstemp creates files readable by the owner only; give them the usual 0644 (less umask).
    private static func fchmodPath(_ path: String) -> Int32 {
        let mask = umask(0)
        umask(mask)
        return chmod(path, 0o666 & ~mask)
    }
}
