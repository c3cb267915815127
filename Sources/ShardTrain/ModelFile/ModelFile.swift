/// The deployable model file: a ``LinearModel`` stored in a safetensors container
/// (``SafeTensorsFile``) that other tools can open, described in `docs/model-file.md`.
///
/// Format `shardtrain-model`, version 1 (version 2 differs only in storing a mostly-zero
/// `weight` as `weight_indices` and `weight_values`, see ``WeightStorage``; version 3 stores
/// a quantized model's weights as I8 levels with `weight_scale`, see `QuantizedTensors`):
/// - tensors: `weight` F32 `[outputs, feature_count]` (coefficients on the original feature
///   scale, row-major), `bias` F32 `[outputs]`, and, when the model was trained on
///   standardized features, `feature_mean` and `feature_scale` F64 `[feature_count]`
///   (informative: the transform is already folded into `weight` and `bias`);
/// - metadata (all strings): `format`, `format_version`, `model_kind`, `feature_count`,
///   `outputs`, `classes` (JSON array of numbers), `created_by`, `training_summary` (JSON),
///   optionally `metrics` (JSON object) and `data_fingerprint`, and every other entry of
///   ``LinearModel/metadata`` under the prefix `user.`.
///
/// Weights and intercepts are stored as 32-bit floats (half the size of doubles, and what
/// deployment runtimes compute in); a model read back holds the `Double` values of those
/// floats, so `read(write(m))` equals `m` up to Float rounding (relative error ≤ 2⁻²⁴). Readers
/// of version 1 also accept F64 `weight` and `bias`.
///
/// All functions are pure or touch only the named file; they can be called from any thread.
public enum ModelFile {
    /// The value of the `format` metadata entry.
    public static let formatName = "shardtrain-model"
    /// The newest `format_version` this library writes. A file gets the lowest version that
    /// describes it: 1 for dense weights (readable by version 1 readers), 2 for sparse weights,
    /// 3 for int8 weights (see ``QuantizedWeights``).
    public static let formatVersion = 3
    /// The `format_version`s this library reads.
    public static let supportedVersions = [1, 2, 3]
    /// The format version of quantized models.
    static let quantizedVersion = 3
    /// The value written to `created_by`.
    public static let creator = "shardtrain"
    /// The ``LinearModel/metadata`` key whose value (a JSON object) is stored as `metrics`.
    public static let metricsKey = "metrics"
    /// The ``LinearModel/metadata`` key whose value is stored as `data_fingerprint`.
    public static let dataFingerprintKey = "data_fingerprint"
    /// The ``LinearModel/metadata`` key (and file metadata key) of the training data's
    /// ``ReferenceProfile``, which `train` writes and `serve` compares live inputs with.
    public static let referenceProfileKey = "reference_profile"
    /// The prefix of metadata entries carried through from ``LinearModel/metadata``.
    public static let userPrefix = "user."

    /// Writes `model` to `path` atomically (readers see the old file or the new one).
    /// - Throws: the errors of ``encode(_:)``, or ``ModelFileError/Code/writeFailed`` (then the
    ///   destination is unchanged and no temporary file is left).
    public static func write(_ model: LinearModel, to path: String) throws(ModelFileError) {
        let bytes: [UInt8]
        do throws(ModelFileError) {
            bytes = try encode(model)
        } catch {
            throw error.attributed(to: path)
        }
        try ModelFileBytes.write(bytes, to: path)
    }

    /// Reads the model file at `path`.
    /// - Throws: ``ModelFileError/Code/fileNotFound``, ``ModelFileError/Code/readFailed``, or
    ///   any error of ``decode(_:source:)``.
    public static func read(from path: String) throws(ModelFileError) -> LinearModel {
        try decode(ModelFileBytes.read(path), source: path)
    }

    /// Reads the model file at `path` and checks that it holds a model of `kind`.
    /// - Throws: as ``read(from:)``, and ``ModelFileError/Code/wrongKind`` when the file holds
    ///   another kind of model.
    public static func read(from path: String, expecting kind: ModelKind) throws(ModelFileError) -> LinearModel {
        let model = try read(from: path)
        guard model.kind == kind else {
            throw ModelFileError(.wrongKind, path: path, "model_kind is \(model.kind.rawValue), expected \(kind.rawValue)")
        }
        return model
    }

    /// The bytes of the model file for `model`.
    /// - Throws: ``ModelFileError`` (with an empty path) when the model cannot be stored
    ///   faithfully: ``ModelFileError/Code/nonFinite`` for a NaN or infinite value (also a
    ///   finite Double beyond Float's range), ``ModelFileError/Code/inconsistent`` when its
    ///   shapes or classes do not fit its kind (a file that no reader would accept), and any
    ///   error of ``decode(_:source:)``: the bytes are decoded again before they are returned,
    ///   so the writer holds itself to every limit of the reader (the header size among them)
    ///   and never writes a file that ``read(from:)`` would refuse.
    public static func encode(_ model: LinearModel) throws(ModelFileError) -> [UInt8] {
        let bytes = try container(for: model).encoded()
        _ = try decode(bytes, source: "")
        return bytes
    }

    /// Decodes and validates the bytes of a model file.
    /// - Parameters:
    ///   - bytes: the whole file.
    ///   - source: the path or a name for the bytes, used in error messages.
    /// - Throws: ``ModelFileError``: the container codes (`truncated`, `headerTooLarge`,
    ///   `malformedHeader`, `badTensor`), then `notAShardTrainModel` (no or another `format`),
    ///   `unsupportedVersion`, `badMetadata` (a missing or ill-typed entry), `wrongKind`
    ///   (unknown `model_kind`), `inconsistent` (shapes, outputs and classes disagree) and
    ///   `nonFinite`.
    public static func decode(_ bytes: [UInt8], source: String) throws(ModelFileError) -> LinearModel {
        try model(from: SafeTensorsFile(decoding: bytes, source: source), source: source)
    }
}
