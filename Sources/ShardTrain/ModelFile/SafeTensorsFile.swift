/// A safetensors container: named tensors and string metadata, in the format of Hugging Face's
/// `safetensors` library, so that files written here open in Python, Rust and C++ tools.
///
/// Layout on disk (all integers little-endian):
/// ```
/// [8 bytes]  N, the header length, UInt64
/// [N bytes]  header: a UTF-8 JSON object, padded with trailing spaces so that the data
///            starts at an 8-byte-aligned offset
///            { "__metadata__": { "key": "value", … },                      (optional)
///              "<name>": { "dtype": "F32", "shape": [2, 3], "data_offsets": [begin, end] }, … }
/// [rest]     the byte buffer; `data_offsets` are relative to its start
/// ```
/// Invariants, checked when decoding and guaranteed when encoding: the tensors' data regions are
/// contiguous, do not overlap and cover the buffer exactly; `end − begin = Π shape × dtype size`;
/// every metadata value is a string; the header is at most ``maximumHeaderSize`` bytes.
///
/// The value is immutable and `Sendable`; encoding is deterministic (tensors are laid out by
/// decreasing element size, then by name, which keeps every tensor aligned to its element size).
public struct SafeTensorsFile: Sendable, Equatable {
    /// The largest header accepted (100 MB, the reference implementation's limit).
    public static let maximumHeaderSize = 100_000_000
    /// The reserved header key that holds the metadata.
    public static let metadataKey = "__metadata__"

    /// The tensors by name.
    public let tensors: [String: Tensor]
    /// Free-form string metadata (`__metadata__` in the header).
    public let metadata: [String: String]

    /// Creates a container.
    /// - Throws: ``ModelFileError/Code/badTensor`` when a tensor is named `__metadata__`.
    public init(tensors: [String: Tensor] = [:], metadata: [String: String] = [:]) throws(ModelFileError) {
        guard tensors[Self.metadataKey] == nil else {
            throw ModelFileError(.badTensor, path: "",
                                 "a tensor cannot be named \(Self.metadataKey), the key reserved for metadata")
        }
        self.tensors = tensors
        self.metadata = metadata
    }

    /// Creates a container from parts already known to be valid (used by the decoder).
    init(validatedTensors tensors: [String: Tensor], metadata: [String: String]) {
        self.tensors = tensors
        self.metadata = metadata
    }

    /// The tensor called `name`, if any.
    public subscript(name: String) -> Tensor? { tensors[name] }
}
