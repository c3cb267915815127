extension SafeTensorsFile {
    /// Writes the container to `path` atomically: readers see the old file or the new one,
    /// never a part of it.
    /// - Throws: ``ModelFileError/Code/writeFailed``; no temporary file is left behind.
    public func write(to path: String) throws(ModelFileError) {
        try ModelFileBytes.write(encoded(), to: path)
    }

    /// Reads and validates the safetensors file at `path`.
    /// - Throws: ``ModelFileError`` with code `fileNotFound` or `readFailed`, or any code of
    ///   ``init(decoding:source:)``.
    public static func read(from path: String) throws(ModelFileError) -> SafeTensorsFile {
        try SafeTensorsFile(decoding: ModelFileBytes.read(path), source: path)
    }
}
