/// When an iterative optimizer stops.
///
/// It stops at the first of: the gradient norm falls to `gradientTolerance` times its value at
/// the start; the objective changes by less than `objectiveTolerance · max(|F|, 1)` from one
/// iteration to the next; `maxIterations` iterations (epochs, for SGD and Adam) are done.
public struct StoppingRule: Sendable, Equatable {
    /// Relative gradient-norm tolerance, `‖g‖ ≤ tol·‖g₀‖`.
    public var gradientTolerance: Double
    /// Relative objective-change tolerance.
    public var objectiveTolerance: Double
    /// Iteration (or epoch) limit.
    public var maxIterations: Int

    public init(gradientTolerance: Double = 1e-6, objectiveTolerance: Double = 1e-10, maxIterations: Int = 500) {
        self.gradientTolerance = gradientTolerance
        self.objectiveTolerance = objectiveTolerance
        self.maxIterations = maxIterations
    }

    /// Whether the objective moved less than the tolerance between two iterations.
    public func objectiveStalled(previous: Double, current: Double) -> Bool {
        abs(previous - current) <= objectiveTolerance * max(abs(previous), abs(current), 1)
    }
}

/// What an optimizer reports after each iteration, for progress displays and logs.
public struct IterationReport: Sendable {
    /// Iteration (or epoch) number, from 1.
    public var iteration: Int
    /// The objective after it.
    public var objective: Double
    /// The (pseudo-)gradient norm after it, when known.
    public var gradientNorm: Double?
    /// Passes over the data so far.
    public var passes: Double
    /// Rows processed so far (passes × rows).
    public var rowsProcessed: Double
    /// The parameters after it (training layout), for displays that score the model as it goes.
    public var parameters: [Double] = []
}

/// What an optimizer returns: the parameters and the record of the run.
public struct MinimizationResult: Sendable {
    public var parameters: [Double]
    public var objective: Double
    public var iterations: Int
    public var passes: Double
    public var stopReason: StopReason
    public var objectiveHistory: [Double]
    public var gradientNorm: Double
}

/// An optimizer of a ``TrainingProblem``.
public protocol Minimizer: Sendable {
    /// The optimizer's name in summaries and files.
    var name: String { get }
    /// Minimizes the problem's objective from `start`.
    /// - Parameter observer: called after every iteration.
    func minimize(_ problem: some TrainingProblem, from start: [Double],
                  observer: (IterationReport) -> Void) throws -> MinimizationResult
}

/// Small vector helpers for the optimizers (float64, length-checked by the callers).
enum Vector {
    /// `aᵀb` (BLAS: vectorized, and cheap even for a million parameters).
    static func dot(_ a: [Double], _ b: [Double]) -> Double { BLAS.dot(a, b) }

    static func norm(_ a: [Double]) -> Double { dot(a, a).squareRoot() }

    /// `x + α·d`.
    static func step(_ x: [Double], _ alpha: Double, _ d: [Double]) -> [Double] {
        var out = x
        BLAS.axpy(alpha, d, &out)
        return out
    }

    static func difference(_ a: [Double], _ b: [Double]) -> [Double] {
        var out = a
        BLAS.axpy(-1, b, &out)
        return out
    }
}
