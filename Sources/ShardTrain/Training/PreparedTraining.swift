/// A dataset made ready for an optimizer: the objective over encoded, standardized data, and
/// what is needed to turn optimal parameters back into a ``LinearModel``.
public struct PreparedTraining: Sendable {
    /// The data term.
    public let objective: Objective
    public let kind: ModelKind
    /// Class labels in class order (empty for regression).
    public let classes: [Double]
    /// The standardization applied to the features, if any.
    public let standardization: Standardization?
    /// The fingerprint of the training data as given.
    public let fingerprint: String
    /// Where the data came from.
    public let source: String

    /// The fitted model for training-layout parameters `θ` (`d × K` weights, then `K`
    /// intercepts, on the standardized scale).
    public func model(from parameters: [Double], summary: TrainingSummary, configuration: TrainingConfiguration) -> LinearModel {
        let d = objective.features.columns, k = objective.outputs
        var weights = [Double](repeating: 0, count: k * d)
        var intercepts = Array(parameters[(d * k)...])
        for j in 0 ..< d {
            for c in 0 ..< k {
                var w = parameters[j * k + c]
                if let standardization {
                    w /= standardization.scales[j]
                    intercepts[c] -= w * standardization.means[j]
                }
                weights[c * d + j] = w
            }
        }
        var metadata = [
            "data_fingerprint": fingerprint,
            "data_source": source,
            "l2_penalty": String(configuration.l2Penalty),
            "l1_penalty": String(configuration.l1Penalty),
            "fit_intercept": String(configuration.fitIntercept),
            "optimizer": summary.optimizer,
            "seed": String(configuration.seed),
        ]
        metadata["training_rows"] = String(objective.rowCount)
        return LinearModel(kind: kind, featureCount: d, weights: weights, intercepts: intercepts, classes: classes,
                           standardization: standardization, summary: summary, metadata: metadata)
    }
}
