import Foundation

/// Reading whole files for the model-file layer, with errors that say what happened.
enum ModelFileBytes {
    /// The contents of the file at `path`.
    /// - Throws: ``ModelFileError/Code/fileNotFound`` when nothing is there,
    ///   ``ModelFileError/Code/readFailed`` for a folder or an unreadable file.
    static func read(_ path: String) throws(ModelFileError) -> [UInt8] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw ModelFileError(.fileNotFound, path: path, "no such file")
        }
        guard !isDirectory.boolValue else {
            throw ModelFileError(.readFailed, path: path, "is a folder, expected a file")
        }
        do {
            return [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw ModelFileError(.readFailed, path: path, "cannot read the file: \(error.localizedDescription)", cause: error)
        }
    }

    /// Writes `bytes` to `path` atomically (see ``AtomicFile``).
    /// - Throws: ``ModelFileError/Code/writeFailed``; the destination is then unchanged and no
    ///   temporary file is left behind.
    static func write(_ bytes: [UInt8], to path: String) throws(ModelFileError) {
        do throws(AtomicFile.WriteError) {
            try AtomicFile.write(bytes, to: path)
        } catch {
            throw ModelFileError(.writeFailed, path: path, "cannot write the file: \(error.reason)", cause: error)
        }
    }
}
