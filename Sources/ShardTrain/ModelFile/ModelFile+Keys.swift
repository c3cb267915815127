extension ModelFile {
    /// The metadata keys (format versions 1 to 3).
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
        /// `I8` for a quantized model (version 3); absent (or `F32`) for float weights.
        static let weightDType = "weight_dtype"
        /// `standardized` when a quantized model's levels are in the standardized space (version
        /// 3; absent: the original space).
        static let weightSpace = "weight_space"

        /// Keys with a meaning of their own; ``LinearModel/metadata`` entries never use them
        /// directly (they are stored under ``ModelFile/userPrefix``).
        static let reserved: Set<String> = [format, formatVersion, modelKind, featureCount, outputs, classes,
                                            createdBy, trainingSummary, metrics, dataFingerprint, weightStorage,
                                            weightDType, weightSpace]
    }

    /// The tensor names (format versions 1 to 3).
    enum TensorName {
        static let weight = "weight"
        static let bias = "bias"
        static let featureMean = "feature_mean"
        static let featureScale = "feature_scale"
        /// Version 2, sparse storage: flat positions of the non-zero weights.
        static let weightIndices = "weight_indices"
        /// Version 2, sparse storage: the non-zero weights.
        static let weightValues = "weight_values"
        /// Version 3, quantized weights: the scale of the int8 levels (`[]` or `[outputs]`).
        static let weightScale = "weight_scale"
        /// Version 3, quantized inputs: the input scale (`[]`).
        static let inputScale = "input_scale"
        /// Version 3, quantized inputs: the input zero point (I8 `[]`).
        static let inputZeroPoint = "input_zero_point"

        /// The tensors a file of `version` may hold.
        static func allowed(inVersion version: Int) -> [String] {
            let dense = [weight, bias, featureMean, featureScale]
            let sparse = version >= 2 ? [weightIndices, weightValues] : []
            let quantized = version >= 3 ? [weightScale, inputScale, inputZeroPoint] : []
            return dense + sparse + quantized
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
