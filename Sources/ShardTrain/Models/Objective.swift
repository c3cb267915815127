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
    /// The features as given, when ``features`` holds a transformed (standardized) copy: what
    /// ``exactLossSum(_:)`` scores the reported coefficients on.
    public let originalFeatures: FeatureMatrix?

    /// Creates an objective, checked.
    /// - Throws: ``TrainingError`` (`badData`) when the target or weight count differs from the
    ///   row count, a target or weight is not finite (or a weight is negative), or a target is
    ///   not a class index of the loss (softmax: `0 ..< K`; logistic: `0` or `1`).
    public init(loss: any Loss, features: FeatureMatrix, targets: [Double], sampleWeights: [Double]? = nil,
                fitIntercept: Bool = true) throws(TrainingError) {
        guard targets.count == features.rows else {
            throw TrainingError(.badData, "\(targets.count) targets for \(features.rows) rows")
        }
        if let sampleWeights {
            guard sampleWeights.count == features.rows else {
                throw TrainingError(.badData, "\(sampleWeights.count) sample weights for \(features.rows) rows")
            }
            if let bad = sampleWeights.firstIndex(where: { !($0 >= 0 && $0.isFinite) }) {
                throw TrainingError(.badData, "the sample weight of row \(bad + 1) is \(sampleWeights[bad]); weights must be finite and ≥ 0")
            }
        }
        let valid: (Double) -> Bool = switch loss.outputs {
        case 1 where loss is LogisticLoss: { $0 == 0 || $0 == 1 }
        case 1: { $0.isFinite }
        case let k: { $0 >= 0 && $0 < Double(k) && $0.rounded() == $0 }
        }
        if let bad = targets.firstIndex(where: { !valid($0) }) {
            throw TrainingError(.badData, "the target of row \(bad + 1) is \(targets[bad]), not valid for this loss")
        }
        self.init(unchecked: loss, features: features, targets: targets, sampleWeights: sampleWeights, fitIntercept: fitIntercept)
    }

    /// An objective over targets already encoded and checked (``LabelEncoding``).
    /// - Parameter originalFeatures: the features before a transform that `features` went through.
    /// - Precondition: one target (and weight, if given) per row.
    package init(unchecked loss: any Loss, features: FeatureMatrix, targets: [Double], sampleWeights: [Double]? = nil,
                 fitIntercept: Bool = true, originalFeatures: FeatureMatrix? = nil) {
        precondition(targets.count == features.rows, "one target per row")
        precondition(sampleWeights == nil || sampleWeights?.count == features.rows, "one weight per row")
        precondition(originalFeatures.map { $0.rows == features.rows && $0.columns == features.columns } ?? true,
                     "the original features have the shape of the transformed ones")
        self.loss = loss
        self.features = features
        self.targets = targets
        self.sampleWeights = sampleWeights
        self.fitIntercept = fitIntercept
        self.originalFeatures = originalFeatures
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
    /// - Parameter curvature: when given (`range.count × K` entries), also receives each row's
    ///   ``Loss/curvature(margins:into:)`` at these parameters, from the same margins.
    public func evaluate(_ parameters: [Double], rows range: Range<Int>, workspace: inout KernelWorkspace,
                         curvature: UnsafeMutableBufferPointer<Double>? = nil) -> PartialEvaluation {
        precondition(curvature.map { $0.count == range.count * outputs } ?? true, "curvature must hold rows × K entries")
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
                            if let curvature {
                                let kept = (rows.lowerBound - range.lowerBound) * k ..< (rows.upperBound - range.lowerBound) * k
                                loss.curvature(margins: block, into: UnsafeMutableBufferPointer(rebasing: curvature[kept]))
                            }
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

    /// The loss sum `Σᵢ sᵢ·ℓ(Wᵀxᵢ + b, yᵢ)` and the weight sum over all rows, every step in
    /// float64 (margins included) on the features as given: the value reported for a fitted
    /// model, which anyone can recompute from the model file and the data to the last digits.
    /// - Parameter parameters: `d·K` weights (feature-major) then `K` intercepts, on the scale
    ///   of the original features (not the standardized one).
    /// - Complexity: one pass, `O(nnz·K)` float64 multiply-adds.
    public func exactLossSum(_ parameters: [Double]) -> (lossSum: Double, weightSum: Double) {
        precondition(parameters.count == parameterCount, "expected \(parameterCount) parameters, got \(parameters.count)")
        let k = outputs, d = features.columns
        let matrix = originalFeatures ?? features
        var margins = [Double](repeating: 0, count: k)
        var lossSum = 0.0, weightSum = 0.0
        parameters.withUnsafeBufferPointer { theta in
            margins.withUnsafeMutableBufferPointer { z in
                for i in 0 ..< rowCount {
                    for c in 0 ..< k { z[c] = theta[d * k + c] }
                    switch matrix {
                    case .dense(let m):
                        m.values.withUnsafeBufferPointer { x in
                            let row = i * d
                            for j in 0 ..< d {
                                let v = Double(x[row + j])
                                if v != 0 { for c in 0 ..< k { z[c] += v * theta[j * k + c] } }
                            }
                        }
                    case .sparse(let m):
                        for p in m.rowOffsets[i] ..< m.rowOffsets[i + 1] {
                            let v = Double(m.values[p]), base = Int(m.columnIndices[p]) * k
                            for c in 0 ..< k { z[c] += v * theta[base + c] }
                        }
                    }
                    let s = sampleWeights?[i] ?? 1
                    lossSum += s * loss.loss(margins: UnsafeBufferPointer(z), target: targets[i])
                    weightSum += s
                }
            }
        }
        return (lossSum, weightSum)
    }
}
