/// A dataset made ready for an optimizer: the objective over encoded, standardized data (when
/// the data is in this process), and what is needed to turn optimal parameters back into a
/// ``LinearModel``.
public struct PreparedTraining: Sendable {
    /// The data term, or `nil` when the data lives in worker processes.
    public let objective: Objective?
    public let kind: ModelKind
    /// Number of features `d`.
    public let featureCount: Int
    /// Margins per row `K`.
    public let outputs: Int
    /// Number of training rows.
    public let rowCount: Int
    /// Class labels in class order (empty for regression).
    public let classes: [Double]
    /// Training rows of each class, in class order (empty for regression, or when unknown):
    /// what the default stopping rule of Newton's method is scaled by.
    public var classCounts: [Int] = []
    /// The standardization applied to the features, if any.
    public let standardization: Standardization?
    /// The fingerprint of the training data as given.
    public let fingerprint: String
    /// Where the data came from.
    public let source: String

    /// Describes training whose data term is evaluated in this process.
    public init(objective: Objective, kind: ModelKind, classes: [Double], classCounts: [Int] = [],
                standardization: Standardization?, fingerprint: String, source: String) {
        self.objective = objective
        self.classCounts = classCounts
        self.kind = kind
        featureCount = objective.features.columns
        outputs = objective.outputs
        rowCount = objective.rowCount
        self.classes = classes
        self.standardization = standardization
        self.fingerprint = fingerprint
        self.source = source
    }

    /// Describes training whose data term is evaluated elsewhere (by workers).
    public init(kind: ModelKind, featureCount: Int, rowCount: Int, classes: [Double], standardization: Standardization?,
                fingerprint: String, source: String) {
        objective = nil
        self.kind = kind
        self.featureCount = featureCount
        outputs = kind == .softmax ? classes.count : 1
        self.rowCount = rowCount
        self.classes = classes
        self.standardization = standardization
        self.fingerprint = fingerprint
        self.source = source
    }

    /// The penalty of the training problem under `configuration`: on the reported coefficients
    /// (``TrainingConfiguration/PenaltyConvention/original``, weighed by `1/sⱼ` in the
    /// standardized space) or on the standardized ones.
    public func regularization(_ configuration: TrainingConfiguration) -> Regularization {
        let factors = configuration.penaltyConvention == .original ? standardization?.coefficientFactors : nil
        return Regularization(l2Penalty: configuration.l2Penalty, l1Penalty: configuration.l1Penalty,
                              penalizedCount: featureCount * outputs, coefficientFactors: factors)
    }

    /// Training-layout parameters on the original feature scale: the standardization folded
    /// back (`w = w'/s`, `b = b' − Σⱼ w'ⱼ·mⱼ/sⱼ`), still `d × K` weights then `K` intercepts.
    public func originalParameters(_ parameters: [Double]) -> [Double] {
        guard let standardization else { return parameters }
        let d = featureCount, k = outputs
        var out = parameters
        for j in 0 ..< d {
            for c in 0 ..< k {
                let w = parameters[j * k + c] / standardization.scales[j]
                out[j * k + c] = w
                out[d * k + c] -= w * standardization.means[j]
            }
        }
        return out
    }

    /// ``originalParameters(_:)`` rounded to float32, the precision of a model file's weights:
    /// the coefficients of the fitted model, the same in memory and in its file.
    public func storedParameters(_ parameters: [Double]) -> [Double] {
        originalParameters(parameters).map { Double(Float($0)) }
    }

    /// The penalty of `configuration` on parameters on the original scale (``storedParameters(_:)``):
    /// the reported objective's. The standardized convention measures `wⱼ·sⱼ`.
    public func reportedPenalty(_ configuration: TrainingConfiguration) -> Regularization {
        let factors = configuration.penaltyConvention == .standardized ? standardization?.scales : nil
        return Regularization(l2Penalty: configuration.l2Penalty, l1Penalty: configuration.l1Penalty,
                              penalizedCount: featureCount * outputs, coefficientFactors: factors)
    }

    /// The fitted model for training-layout parameters `θ` (`d × K` weights, then `K`
    /// intercepts, on the standardized scale).
    public func model(from parameters: [Double], summary: TrainingSummary, configuration: TrainingConfiguration) -> LinearModel {
        let d = featureCount, k = outputs
        let original = storedParameters(parameters)
        var weights = [Double](repeating: 0, count: k * d)
        let intercepts = Array(original[(d * k)...])
        for j in 0 ..< d {
            for c in 0 ..< k { weights[c * d + j] = original[j * k + c] }
        }
        var metadata = [
            "data_fingerprint": fingerprint,
            "data_source": source,
            "l2_penalty": String(configuration.l2Penalty),
            "l1_penalty": String(configuration.l1Penalty),
            "fit_intercept": String(configuration.fitIntercept),
            "penalty_convention": configuration.penaltyConvention.rawValue,
            "optimizer": summary.optimizer,
            "seed": String(configuration.seed),
        ]
        metadata["training_rows"] = String(rowCount)
        return LinearModel(kind: kind, featureCount: d, weights: weights, intercepts: intercepts, classes: classes,
                           standardization: standardization, summary: summary, metadata: metadata)
    }
}
