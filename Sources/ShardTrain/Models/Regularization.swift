/// The penalty on the coefficients: `(λ/2)‖c⊙w‖² + μ‖c⊙w‖₁` over the first `penalizedCount`
/// parameters; intercepts are never penalized.
///
/// `c` holds one factor per feature (``coefficientFactors``) that turns a parameter into the
/// coefficient it stands for. Training on standardized features uses `cⱼ = 1/sⱼ`, so the
/// penalty falls on the coefficients as reported (on the original feature scale) and
/// standardization stays a preconditioner that changes no answer: in the standardized space
/// the L2 term weighs feature `j` by `1/sⱼ²` and the L1 term by `1/sⱼ`. Without factors (raw
/// features) `c = 1`.
///
/// With `λ = 1/C` this is LIBLINEAR's and scikit-learn's `C` convention: the objective is the
/// plain sum of losses plus the penalty, not a mean.
public struct Regularization: Sendable, Equatable {
    /// `λ`, the L2 strength.
    public var l2Penalty: Double
    /// `μ`, the L1 strength.
    public var l1Penalty: Double
    /// How many leading parameters are penalized (`d·K` weights, feature-major).
    public var penalizedCount: Int
    /// One factor per feature turning a parameter into its reported coefficient, or `nil` for
    /// ones. Parameter `p < penalizedCount` belongs to feature `p / K`, `K = penalizedCount / d`.
    public var coefficientFactors: [Double]?

    public init(l2Penalty: Double, l1Penalty: Double, penalizedCount: Int, coefficientFactors: [Double]? = nil) {
        self.l2Penalty = l2Penalty
        self.l1Penalty = l1Penalty
        self.penalizedCount = penalizedCount
        self.coefficientFactors = coefficientFactors.flatMap { factors in
            factors.allSatisfy { $0 == 1 } || factors.isEmpty ? nil : factors
        }
    }

    /// Margins per row (`K`): how many consecutive parameters share one feature's factor.
    private var outputs: Int {
        guard let coefficientFactors, !coefficientFactors.isEmpty else { return 1 }
        return max(1, penalizedCount / coefficientFactors.count)
    }

    /// The factor `cⱼ` of parameter `p` (1 without factors).
    @inline(__always)
    public func factor(_ p: Int) -> Double {
        guard let coefficientFactors else { return 1 }
        return coefficientFactors[p / outputs]
    }

    /// The L1 strength on parameter `p`: `μ·cⱼ`.
    public func l1Strength(_ p: Int) -> Double { l1Penalty * factor(p) }

    /// The L2 strength on parameter `p`: `λ·cⱼ²`.
    public func l2Strength(_ p: Int) -> Double {
        let c = factor(p)
        return l2Penalty * c * c
    }

    /// `(λ/2)‖c⊙w‖²`.
    public func smoothValue(_ parameters: [Double]) -> Double {
        guard l2Penalty != 0 else { return 0 }
        var sum = 0.0
        for j in 0 ..< penalizedCount {
            let w = parameters[j] * factor(j)
            sum += w * w
        }
        return 0.5 * l2Penalty * sum
    }

    /// `μ‖c⊙w‖₁`.
    public func l1Value(_ parameters: [Double]) -> Double {
        guard l1Penalty != 0 else { return 0 }
        var sum = 0.0
        for j in 0 ..< penalizedCount { sum += abs(parameters[j] * factor(j)) }
        return l1Penalty * sum
    }

    /// The whole penalty, `(λ/2)‖c⊙w‖² + μ‖c⊙w‖₁`.
    public func value(_ parameters: [Double]) -> Double {
        smoothValue(parameters) + l1Value(parameters)
    }

    /// Adds `λ·c²⊙w` (scaled by `scale`) to the first `penalizedCount` entries of `gradient`.
    public func addSmoothGradient(_ parameters: [Double], to gradient: inout [Double], scale: Double = 1) {
        guard l2Penalty != 0 else { return }
        for j in 0 ..< penalizedCount { gradient[j] += scale * l2Strength(j) * parameters[j] }
    }
}
