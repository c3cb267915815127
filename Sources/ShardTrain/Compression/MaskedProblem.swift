/// A ``TrainingProblem`` whose masked parameters are frozen: their gradient is reported as zero.
///
/// Started from a point where the masked parameters are zero, a gradient-based optimizer
/// (L-BFGS, OWL-QN) never moves them: every search direction is built from gradients and
/// steps that are zero there, and neither penalty pushes a zero weight. This is how
/// ``FineTuning`` re-fits a pruned model while its pruned weights stay exactly zero.
public final class MaskedProblem<Base: TrainingProblem>: TrainingProblem {
    /// The problem whose objective is minimized.
    public let base: Base
    /// `true` for each parameter that is frozen.
    public let frozen: [Bool]

    /// Wraps `base`, freezing the parameters where `frozen` is `true`.
    /// - Precondition: one flag per parameter.
    public init(_ base: Base, frozen: [Bool]) {
        precondition(frozen.count == base.parameterCount, "one flag per parameter")
        self.base = base
        self.frozen = frozen
    }

    public var parameterCount: Int { base.parameterCount }
    public var rowCount: Int { base.rowCount }
    public var regularization: Regularization { base.regularization }
    public var totalWeight: Double { base.totalWeight }

    public func exactLossSum(originalParameters parameters: [Double]) throws -> Double? {
        try base.exactLossSum(originalParameters: parameters)
    }

    public func evaluate(_ parameters: [Double], rows range: Range<Int>) throws -> PartialEvaluation {
        var evaluation = try base.evaluate(parameters, rows: range)
        for (index, isFrozen) in frozen.enumerated() where isFrozen {
            evaluation.gradient[index] = 0
        }
        return evaluation
    }
}
