/// Why an optimizer stopped.
public enum StopReason: String, Sendable, Codable, Equatable {
    /// The gradient norm fell below its tolerance.
    case gradientTolerance = "gradient-tolerance"
    /// The objective stopped changing by more than its relative tolerance.
    case objectiveTolerance = "objective-tolerance"
    /// The iteration or epoch limit was reached before any tolerance was met.
    case maxIterations = "max-iterations"
    /// The line search could not find a step that decreases the objective.
    case lineSearchFailed = "line-search-failed"
    /// The objective or gradient became NaN or infinite.
    case numericalFailure = "numerical-failure"
    /// Solved directly (closed form); no iterations.
    case exactSolution = "exact-solution"

    /// Whether the stop means the optimizer converged.
    public var isConverged: Bool {
        switch self {
        case .gradientTolerance, .objectiveTolerance, .exactSolution: true
        case .maxIterations, .lineSearchFailed, .numericalFailure: false
        }
    }
}

/// The record of one training run: what the optimizer did and how long it took.
public struct TrainingSummary: Sendable, Codable, Equatable {
    /// The optimizer's name (`lbfgs`, `owlqn`, `sgd`, `adam`, `exact`).
    public var optimizer: String
    /// Iterations (L-BFGS steps, or SGD/Adam epochs).
    public var iterations: Int
    /// Passes over the training data: full-data evaluations, counting each batch as its share.
    public var passes: Double
    /// Why it stopped.
    public var stopReason: StopReason
    /// The final objective `Σ sᵢ·loss + (λ/2)‖w‖² + μ‖w‖₁` (intercepts not regularized).
    public var objective: Double
    /// The objective after each iteration (index 0 is the starting point).
    public var objectiveHistory: [Double]
    /// The norm of the final (pseudo-)gradient.
    public var gradientNorm: Double
    /// Wall time of the fit in seconds, data loading excluded.
    public var trainSeconds: Double
    /// Number of worker processes that computed gradients.
    public var workers: Int

    /// Whether the optimizer converged.
    public var converged: Bool { stopReason.isConverged }

    /// Creates a summary.
    public init(optimizer: String, iterations: Int, passes: Double, stopReason: StopReason,
                objective: Double, objectiveHistory: [Double], gradientNorm: Double,
                trainSeconds: Double, workers: Int = 1) {
        self.optimizer = optimizer
        self.iterations = iterations
        self.passes = passes
        self.stopReason = stopReason
        self.objective = objective
        self.objectiveHistory = objectiveHistory
        self.gradientNorm = gradientNorm
        self.trainSeconds = trainSeconds
        self.workers = workers
    }
}
