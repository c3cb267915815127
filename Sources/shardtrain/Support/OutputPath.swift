import ArgumentParser
import Foundation

/// Refuses an output path that names one of the command's input files: writing there would
/// replace the data or the model the command reads, silently.
enum OutputPath {
    /// - Throws: `ValidationError` naming both options when `output` and an existing input are
    ///   the same file (same device and inode, so other spellings and links are caught too).
    static func check(_ output: String?, against inputs: [(option: String, path: String?)], outputOption: String = "--output") throws {
        guard let output, let target = identity(output) else { return }
        for (option, path) in inputs {
            guard let path, let source = identity(path), source == target else { continue }
            throw ValidationError("\(outputOption) \(output) is the file given to \(option): writing it would replace that input; choose another path")
        }
    }

    /// The device and inode of an existing file, or nil.
    private static func identity(_ path: String) -> [UInt64]? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return [UInt64(info.st_dev), UInt64(info.st_ino)]
    }
}
