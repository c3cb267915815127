/// The penalty on the weights: `(λ/2)‖w‖² + μ‖w‖₁` over the first `penalizedCount` parameters
/// (the coefficients); intercepts are never penalized.
///
/// With `λ = 1/C` this is LIBLINEAR's and scikit-learn's `C` convention: the objective is the
/// plain sum of losses plus the penalty, not a mean.
public struct Regularization: Sendable, Equatable {
    /// `λ`, the L2 strength.
    public var l2Penalty: Double
    /// `μ`, the L1 strength.
    public var l1Penalty: Double
    /// How many leading parameters are penalized.
    public var penalizedCount: Int

    public init(l2Penalty: Double, l1Penalty: Double, penalizedCount: Int) {
        self.l2Penalty = l2Penalty
        self.l1Penalty = l1Penalty
        self.penalizedCount = penalizedCount
    }

    /// `(λ/2)‖w‖²`.
    public func smoothValue(_ parameters: [Double]) -> Double {
        guard l2Penalty != 0 else { return 0 }
        var sum = 0.0
        for j in 0 ..< penalizedCount { sum += parameters[j] * parameters[j] }
        return 0.5 * l2Penalty * sum
    }

    /// `μ‖w‖₁`.
    public func l1Value(_ parameters: [Double]) -> Double {
        guard l1Penalty != 0 else { return 0 }
        var sum = 0.0
        for j in 0 ..< penalizedCount { sum += abs(parameters[j]) }
        return l1Penalty * sum
    }

    /// The whole penalty, `(λ/2)‖w‖² + μ‖w‖₁`.
    public func value(_ parameters: [Double]) -> Double {
        smoothValue(parameters) + l1Value(parameters)
    }

    /// Adds `λ·w` (scaled by `scale`) to the first `penalizedCount` entries of `gradient`.
    public func addSmoothGradient(_ parameters: [Double], to gradient: inout [Double], scale: Double = 1) {
        guard l2Penalty != 0 else { return }
        let factor = l2Penalty * scale
        for j in 0 ..< penalizedCount { gradient[j] += factor * parameters[j] }
    }
}
