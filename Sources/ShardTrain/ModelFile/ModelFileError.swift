/// Why a model file or safetensors container could not be read, written or understood.
///
/// Every error names the file (or the in-memory source it was decoded from), says what was
/// found and what was expected, and carries a ``Code`` that programs can match on. The set
/// of codes can grow; match the ones you handle and keep a default case.
public struct ModelFileError: Error, CustomStringConvertible, Sendable {
    /// The kind of failure. New codes may be added in later versions.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }

        /// The file does not exist.
        public static let fileNotFound = Code("file-not-found")
        /// The file exists but could not be read (permissions, a folder, an I/O error).
        public static let readFailed = Code("read-failed")
        /// The file could not be written; the destination is unchanged.
        public static let writeFailed = Code("write-failed")
        /// The bytes end before the header or the data it announces.
        public static let truncated = Code("truncated")
        /// The announced header length exceeds the sanity limit.
        public static let headerTooLarge = Code("header-too-large")
        /// The header is not the JSON object the safetensors format requires.
        public static let malformedHeader = Code("malformed-header")
        /// A tensor's dtype, shape or data offsets are invalid, or its data does not cover
        /// the buffer exactly; or a tensor was read as the wrong dtype.
        public static let badTensor = Code("bad-tensor")
        /// A valid safetensors container that is not a ShardTrain model (no or another `format`).
        public static let notAShardTrainModel = Code("not-a-shardtrain-model")
        /// A ShardTrain model written in a `format_version` this reader does not know.
        public static let unsupportedVersion = Code("unsupported-version")
        /// A required metadata entry is missing or its value is not of the expected type.
        public static let badMetadata = Code("bad-metadata")
        /// The model kind is unknown, or not the kind the caller asked for.
        public static let wrongKind = Code("wrong-kind")
        /// Tensor shapes, class labels and metadata disagree with each other or with the kind.
        public static let inconsistent = Code("inconsistent")
        /// A stored value (or a value about to be stored) is NaN or infinite.
        public static let nonFinite = Code("non-finite")

        public var description: String { name }
    }

    /// What went wrong.
    public let code: Code
    /// The file path, or the name of the in-memory source; empty when not known yet.
    public let path: String
    /// What was found and what was expected.
    public let message: String
    /// The lower-level error that caused this one, if any.
    public let cause: (any Error)?

    /// Creates an error.
    public init(_ code: Code, path: String, _ message: String, cause: (any Error)? = nil) {
        self.code = code
        self.path = path
        self.message = message
        self.cause = cause
    }

    public var description: String {
        path.isEmpty ? "\(message) [\(code)]" : "\(path): \(message) [\(code)]"
    }

    /// The same error attributed to `path` (used when a lower layer did not know the file).
    func attributed(to path: String) -> ModelFileError {
        ModelFileError(code, path: path, message, cause: cause)
    }
}
