/// The data term of a training objective: a loss over the rows of a feature matrix.
///
/// Parameters `θ` are laid out as `d·K` weights (row-major `d × K`: feature-major) followed by
/// `K` intercepts. For the rows `R` of a range,
///
///     lossSum(θ)  = Σ_{i∈R} sᵢ·ℓ(W ᵀxᵢ + b, yᵢ)
///     ∂/∂W        = Σ_{i∈R} xᵢ·(sᵢ·∂ℓ/∂m)ᵀ,     ∂/∂b = Σ_{i∈R} sᵢ·∂ℓ/∂m
///
/// computed in one blocked pass (float32 margins, float64 derivatives and gradient) over the rows (see
/// ``FeatureMatrix/accumulateGradient(rows:weights:intercepts:gradient:workspace:derivative:)``).
/// Evaluations of disjoint ranges add up to the evaluation of their union, which is what lets
/// workers each evaluate a shard.
public struct Objective: Sendable {
    /// The per-sample loss.
    public let loss: any Loss
    /// The feature matrix (standardized already, if training standardizes).
    public let features: FeatureMatrix
    /// Encoded targets, one per row.
    public let targets: [Double]
    /// Sample weights, one per row, or `nil` for ones.
    public let sampleWeights: [Double]?
    /// Whether intercepts are fitted; if not, their gradient is reported as zero.
    public let fitIntercept: Bool

    /// Creates an objective.
    /// - Precondition: one target (and weight, if given) per row.
    public init(loss: any Loss, features: FeatureMatrix, targets: [Double], sampleWeights: [Double]? = nil,
                fitIntercept: Bool = true) {
        precondition(targets.count == features.rows, "one target per row")
        precondition(sampleWeights == nil || sampleWeights?.count == features.rows, "one weight per row")
        self.loss = loss
        self.features = features
        self.targets = targets
        self.sampleWeights = sampleWeights
        self.fitIntercept = fitIntercept
    }

    /// Number of rows.
    public var rowCount: Int { features.rows }
    /// Margins per row (`K`).
    public var outputs: Int { loss.outputs }
    /// Number of parameters, `d·K + K`.
    public var parameterCount: Int { features.columns * outputs + outputs }
    /// Number of weights (the penalized parameters), `d·K`.
    public var weightCount: Int { features.columns * outputs }

    /// A workspace sized for this objective.
    public func makeWorkspace() -> KernelWorkspace {
        KernelWorkspace(features: features.columns, outputs: outputs)
    }

    /// Evaluates the loss sum, its gradient and the weight sum over the rows in `range`.
    /// - Complexity: one pass over the stored entries of those rows.
    public func evaluate(_ parameters: [Double], rows range: Range<Int>, workspace: inout KernelWorkspace) -> PartialEvaluation {
        precondition(parameters.count == parameterCount, "expected \(parameterCount) parameters, got \(parameters.count)")
        precondition(range.lowerBound >= 0 && range.upperBound <= rowCount, "rows \(range) outside 0..<\(rowCount)")
        let k = outputs
        let w = parameters[0 ..< weightCount].map(Float.init)
        let b = parameters[weightCount...].map(Float.init)
        var gradient = [Double](repeating: 0, count: parameterCount)
        let loss = self.loss
        let lossSum = w.withUnsafeBufferPointer { wp in
            b.withUnsafeBufferPointer { bp in
                gradient.withUnsafeMutableBufferPointer { gp in
                    targets.withUnsafeBufferPointer { tp in
                        features.accumulateGradient(rows: range, weights: wp, intercepts: bp, gradient: gp,
                                                    workspace: &workspace) { block, residuals, rows in
                            let t = UnsafeBufferPointer(rebasing: tp[rows])
                            if let sampleWeights {
                                return sampleWeights.withUnsafeBufferPointer { sp in
                                    loss.derivatives(margins: block, into: residuals, targets: t,
                                                     weights: UnsafeBufferPointer(rebasing: sp[rows]))
                                }
                            }
                            return loss.derivatives(margins: block, into: residuals, targets: t, weights: nil)
                        }
                    }
                }
            }
        }
        if !fitIntercept {
            for c in 0 ..< k { gradient[weightCount + c] = 0 }
        }
        let weightSum = sampleWeights.map { $0[range].reduce(0, +) } ?? Double(range.count)
        return PartialEvaluation(lossSum: lossSum, gradient: gradient, weightSum: weightSum)
    }
}
