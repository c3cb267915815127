extension ModelFile {
    /// The metadata keys of format version 1.
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

        /// Keys with a meaning of their own; ``LinearModel/metadata`` entries never use them
        /// directly (they are stored under ``ModelFile/userPrefix``).
        static let reserved: Set<String> = [format, formatVersion, modelKind, featureCount, outputs, classes,
                                            createdBy, trainingSummary, metrics, dataFingerprint]
    }

    /// The tensor names of format version 1.
    enum TensorName {
        static let weight = "weight"
        static let bias = "bias"
        static let featureMean = "feature_mean"
        static let featureScale = "feature_scale"

        static let all = [weight, bias, featureMean, featureScale]
    }
}
