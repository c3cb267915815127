/// What an optimizer minimizes: a data term that can be evaluated over any range of rows, plus
/// a regularization added once to the total.
///
/// Optimizers never see the data, the storage or where the rows live. A local problem
/// evaluates ranges in this process; a distributed one sends each worker its share and sums the
/// replies in rank order. Either way, the objective is
/// `F(θ) = Σᵢ sᵢ·ℓᵢ(θ) + (λ/2)‖w‖² + μ‖w‖₁`.
public protocol TrainingProblem: AnyObject {
    /// Number of parameters.
    var parameterCount: Int { get }
    /// Number of rows; mini-batches are ranges of `0 ..< rowCount`.
    var rowCount: Int { get }
    /// The penalty on the weights.
    var regularization: Regularization { get }
    /// `Σ sᵢ` over all rows (the row count without sample weights): mini-batch steps scale
    /// the penalty by its inverse, as they scale the data term by the batch's weight.
    var totalWeight: Double { get }
    /// Evaluates the data term over the rows in `range`.
    /// - Throws: whatever stops the evaluation (a lost worker that cannot be replaced, say).
    func evaluate(_ parameters: [Double], rows range: Range<Int>) throws -> PartialEvaluation
    /// The loss sum over all rows in float64, margins included, for parameters on the scale of
    /// the original features (``Objective/exactLossSum(_:)``), or `nil` when the problem cannot
    /// compute it; the value reported for a fitted model.
    func exactLossSum(originalParameters parameters: [Double]) throws -> Double?
}

extension TrainingProblem {
    public func exactLossSum(originalParameters parameters: [Double]) throws -> Double? { nil }
}

extension TrainingProblem {
    /// The smooth part of the objective over all rows, `Σ sᵢ·ℓᵢ + (λ/2)‖w‖²`, and its gradient.
    public func smoothObjective(_ parameters: [Double]) throws -> (value: Double, gradient: [Double]) {
        var evaluation = try evaluate(parameters, rows: 0 ..< rowCount)
        let value = evaluation.lossSum + regularization.smoothValue(parameters)
        regularization.addSmoothGradient(parameters, to: &evaluation.gradient)
        return (value, evaluation.gradient)
    }

    /// The full objective `F(θ)` (the L1 term included).
    public func objective(_ parameters: [Double]) throws -> Double {
        try evaluate(parameters, rows: 0 ..< rowCount).lossSum + regularization.value(parameters)
    }
}

/// A training problem evaluated in this process, on one thread, with the BLAS kernels.
public final class LocalProblem: TrainingProblem {
    /// The data term.
    public let objective: Objective
    public let regularization: Regularization
    var workspace: KernelWorkspace
    /// Whether evaluations over all rows keep their per-row curvature (once Newton asked).
    var keepsCurvature = false
    var curvatureCache = CurvatureCache<[Double]>()

    /// Creates a problem from an objective and a penalty on its weights (raw features: the
    /// penalty on the parameters themselves).
    public convenience init(objective: Objective, l2Penalty: Double, l1Penalty: Double) {
        self.init(objective: objective, regularization: Regularization(l2Penalty: l2Penalty, l1Penalty: l1Penalty,
                                                                       penalizedCount: objective.weightCount))
    }

    /// Creates a problem from an objective and its penalty.
    public init(objective: Objective, regularization: Regularization) {
        self.objective = objective
        self.regularization = regularization
        workspace = objective.makeWorkspace()
    }

    public var parameterCount: Int { objective.parameterCount }
    public var rowCount: Int { objective.rowCount }
    public var totalWeight: Double { objective.sampleWeights.map { $0.reduce(0, +) } ?? Double(objective.rowCount) }

    public func evaluate(_ parameters: [Double], rows range: Range<Int>) throws -> PartialEvaluation {
        guard keepsCurvature, range == 0 ..< rowCount else {
            return objective.evaluate(parameters, rows: range, workspace: &workspace)
        }
        var curvature = [Double](repeating: 0, count: rowCount * objective.outputs)
        let evaluation = curvature.withUnsafeMutableBufferPointer {
            objective.evaluate(parameters, rows: range, workspace: &workspace, curvature: $0)
        }
        curvatureCache.keep(curvature, for: parameters)
        return evaluation
    }

    public func exactLossSum(originalParameters parameters: [Double]) throws -> Double? {
        objective.exactLossSum(parameters).lossSum
    }
}
