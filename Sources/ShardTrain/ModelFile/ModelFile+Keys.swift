extension ModelFile {
    /// The metadata keys (format versions 1 and 2).
    enum Key {
        static let format = "format"
        static let formatVersion = "format_version"
        static let modelKind = "model_kind"
        static let featureCount = "feature_count"
        static let outputs = "outputs"
        static let classes = "classes"
        static let createdBy = "created_by"
        static let trainingSummary = "training_summary"
        static let metrics = "metrics"
        static let dataFingerprint = "data_fingerprint"
        /// `dense` or `sparse`: how `weight` is stored (absent in files of older writers: dense).
        static let weightStorage = "weight_storage"

        /// Keys with a meaning of their own; ``LinearModel/metadata`` entries never use them
        /// directly (they are stored under ``ModelFile/userPrefix``).
        static let reserved: Set<String> = [format, formatVersion, modelKind, featureCount, outputs, classes,
                                            createdBy, trainingSummary, metrics, dataFingerprint, weightStorage]
    }

    /// The tensor names (format versions 1 and 2).
    enum TensorName {
        static let weight = "weight"
        static let bias = "bias"
        static let featureMean = "feature_mean"
        static let featureScale = "feature_scale"
        /// Version 2, sparse storage: flat positions of the non-zero weights.
        static let weightIndices = "weight_indices"
        /// Version 2, sparse storage: the non-zero weights.
        static let weightValues = "weight_values"

        /// The tensors a file of `version` may hold.
        static func allowed(inVersion version: Int) -> [String] {
            let dense = [weight, bias, featureMean, featureScale]
            return version >= 2 ? dense + [weightIndices, weightValues] : dense
        }
    }

    /// How the `weight` tensor is stored (`weight_storage`).
    public enum WeightStorage: String, Sendable, CaseIterable {
        /// One F32 tensor `weight` `[outputs, feature_count]` (format version 1).
        case dense
        /// `weight_indices` and `weight_values` holding the non-zeros (format version 2).
        case sparse

        /// The lowest format version that describes this storage.
        var formatVersion: Int { self == .dense ? 1 : 2 }
    }
}
