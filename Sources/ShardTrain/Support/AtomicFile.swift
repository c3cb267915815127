import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Writes files so that readers see either the old file or the complete new one, never a part:
/// the bytes go to a temporary file in the same folder, are flushed to disk, then renamed over
/// the destination.
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
        var template = Array("\(folder)/.\(name).tmp-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw WriteError(path: path, reason: systemMessage()) }
        let tempPath = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        var failure: String?
        let data = Array(bytes)
        data.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let written = Glibc.write(fd, raw.baseAddress! + offset, raw.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    failure = systemMessage()
                    return
                }
                offset += written
            }
        }
        if failure == nil, fsync(fd) != 0 { failure = systemMessage() }
        if close(fd) != 0, failure == nil { failure = systemMessage() }
        if failure == nil, fchmodPath(tempPath) != 0 { failure = systemMessage() }
        if failure == nil, rename(tempPath, path) != 0 { failure = systemMessage() }
        if let failure {
            unlink(tempPath)
            throw WriteError(path: path, reason: failure)
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
