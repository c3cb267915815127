extension Dataset {
    /// The rows of `parts`, one part after the other, as one dataset: features in the parts'
    /// common storage (dense or sparse), labels, and sample weights (a part without weights
    /// counts as weights 1 when another part has some).
    /// - Parameters:
    ///   - columns: the feature count of the result; `nil` for the parts' largest.
    ///   - source: the result's source.
    /// - Precondition: the parts are all dense (with equal feature counts) or all sparse.
    package init(concatenating parts: [Dataset], columns: Int? = nil, source: String) {
        let features = FeatureMatrix.concatenating(parts.map(\.features), columns: columns)
        let weights: [Double]? = parts.contains { $0.sampleWeights != nil }
            ? parts.flatMap { $0.sampleWeights ?? [Double](repeating: 1, count: $0.rowCount) } : nil
        self.init(uncheckedFeatures: features, labels: parts.flatMap(\.labels), sampleWeights: weights, source: source)
    }
}
