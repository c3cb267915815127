/// Everything that decides how a model is trained: validated before any work starts.
///
/// Defaults follow LIBLINEAR and scikit-learn: for classifiers `l2Penalty = 1` is their `C = 1`;
/// linear regression is unpenalized by default (`l2Penalty = 0`, like scikit-learn's
/// `LinearRegression`); full-batch trust-region Newton stopped by LIBLINEAR's rule (OWL-QN
/// when `l1Penalty > 0`): see ``OptimizerChoice/auto``.
///
/// The penalty falls on the coefficients as reported, on the original feature scale, whatever
/// the storage or the standardization: `l2Penalty = λ` is LIBLINEAR's `-c 1/λ` and
/// scikit-learn's `C = 1/λ`. ``PenaltyConvention/standardized`` puts it on the standardized
/// coefficients instead (glmnet's and Spark's `standardization = true`).
public struct TrainingConfiguration: Sendable, Equatable {
    /// Which optimizer minimizes the objective.
    public enum OptimizerChoice: String, Sendable, CaseIterable {
        /// The default: `newton` for smooth problems (no L1 term) whose runs can apply the
        /// Hessian (in this process and with workers; not under MPI), else `lbfgs`.
        case auto
        /// Full-batch trust-region Newton with preconditioned conjugate gradients
        /// (``TrustRegionNewton``, LIBLINEAR's TRON); no L1 term.
        case newton
        /// Full-batch L-BFGS with a strong-Wolfe line search (OWL-QN with an L1 term).
        case lbfgs
        /// Mini-batch SGD with momentum.
        case sgd
        /// Mini-batch Adam.
        case adam
        /// Closed-form least squares (linear regression without L1 only).
        case exact

        /// Whether the optimizer takes steps on mini-batches (SGD, Adam).
        public var isMiniBatch: Bool { self == .sgd || self == .adam }
    }

    /// Whether features are standardized for training.
    public enum StandardizationChoice: String, Sendable, CaseIterable {
        /// On for dense data, off for sparse data (centring would densify it).
        case auto
        case on
        case off
    }

    /// Which coefficients the penalty measures.
    public enum PenaltyConvention: String, Sendable, CaseIterable {
        /// The coefficients as reported, on the original feature scale (LIBLINEAR, scikit-learn).
        case original
        /// The coefficients of the standardized features, `wⱼ·sⱼ` (glmnet, Spark with
        /// `standardization = true`); the same as `original` when nothing is standardized.
        case standardized
    }

    /// How workers and the parameter server stay in step (mini-batch optimizers with workers).
    public enum Consistency: Sendable, Equatable {
        /// Bulk-synchronous: every step waits for every worker's share of its batch.
        case synchronous
        /// Asynchronous with bounded delay: no worker more than `K` steps ahead of the slowest.
        case boundedStaleness(Int)
        /// Local SGD: each worker takes `K` steps of its own between averages of the models.
        case localSteps(Int)
    }

    public var kind: ModelKind
    public var optimizer: OptimizerChoice = .auto
    /// How workers stay in step; anything but synchronous needs SGD or Adam and workers.
    public var consistency: Consistency = .synchronous
    /// `λ ≥ 0`: the objective has `(λ/2)‖w‖²`. Default 1 for classifiers, 0 for linear regression.
    public var l2Penalty: Double
    /// `μ ≥ 0`: the objective has `μ‖w‖₁`.
    public var l1Penalty: Double = 0
    public var fitIntercept = true
    public var standardization: StandardizationChoice = .auto
    /// Which coefficients the penalty measures; `original` unless asked otherwise.
    public var penaltyConvention: PenaltyConvention = .original
    /// Iterations (L-BFGS) or epochs (SGD, Adam); `nil` for the optimizer's default (500 / 50).
    public var maxIterations: Int?
    /// Relative gradient-norm tolerance `‖g‖ ≤ tol·‖g₀‖` (Newton, L-BFGS, OWL-QN); `nil` for the
    /// optimizer's default (``defaultGradientTolerance(for:classCounts:)``).
    public var gradientTolerance: Double?
    /// Relative objective-change tolerance; `nil` for the optimizer's default (1e-10 / 1e-4).
    public var objectiveTolerance: Double?
    /// L-BFGS memory `m`.
    public var memory = 10
    /// Rows per mini-batch (SGD, Adam).
    public var batchSize = 256
    /// Base learning rate; `nil` for the optimizer's default (SGD 0.1, Adam 0.01).
    public var learningRate: Double?
    /// SGD momentum `β ∈ [0, 1)`.
    public var momentum = 0.9
    /// Learning-rate schedule; `nil` for the optimizer's default (SGD `1/(1 + 0.1·t)`, Adam constant).
    public var schedule: LearningRateSchedule?
    /// Seed of every random choice (row shuffle, batch order).
    public var seed: UInt64 = 1

    /// A configuration with the defaults of `kind` (`l2Penalty` 1 for classifiers, 0 for linear).
    public init(kind: ModelKind) {
        self.kind = kind
        l2Penalty = kind == .linear ? 0 : 1
    }

    /// Checks every value and combination; throws the first problem found.
    public func validate() throws(TrainingError) {
        func fail(_ message: String) -> TrainingError { TrainingError(.invalidConfiguration, message) }
        guard l2Penalty.isFinite, l2Penalty >= 0 else { throw fail("--l2 must be a finite number ≥ 0, got \(l2Penalty)") }
        guard l1Penalty.isFinite, l1Penalty >= 0 else { throw fail("--l1 must be a finite number ≥ 0, got \(l1Penalty)") }
        if let maxIterations, maxIterations < 1 { throw fail("the iteration/epoch limit must be ≥ 1, got \(maxIterations)") }
        if let gradientTolerance, !(gradientTolerance >= 0 && gradientTolerance.isFinite) {
            throw fail("the gradient tolerance must be ≥ 0")
        }
        if let objectiveTolerance, !(objectiveTolerance >= 0 && objectiveTolerance.isFinite) {
            throw fail("the objective tolerance must be ≥ 0")
        }
        guard memory >= 1 else { throw fail("the L-BFGS memory must be ≥ 1, got \(memory)") }
        guard batchSize >= 1 else { throw fail("--batch-size must be ≥ 1, got \(batchSize)") }
        if let learningRate, !(learningRate > 0 && learningRate.isFinite) {
            throw fail("--learning-rate must be a finite number > 0, got \(learningRate)")
        }
        guard momentum >= 0, momentum < 1 else { throw fail("--momentum must be in [0, 1), got \(momentum)") }
        switch consistency {
        case .synchronous: break
        case .boundedStaleness(let k) where k < 0: throw fail("--staleness must be ≥ 0, got \(k)")
        case .localSteps(let k) where k < 1: throw fail("--local-steps must be ≥ 1, got \(k)")
        default:
            guard optimizer.isMiniBatch else {
                throw fail("--async and --local-steps take mini-batch steps: use --optimizer sgd or adam, not \(optimizer.rawValue)")
            }
        }
        if optimizer == .newton, l1Penalty > 0 {
            throw fail("--optimizer newton needs a smooth objective; with --l1 use lbfgs (OWL-QN)")
        }
        if optimizer == .exact {
            guard kind == .linear else { throw fail("--optimizer exact solves linear regression only, not \(kind.rawValue)") }
            guard l1Penalty == 0 else { throw fail("--optimizer exact has no closed form with --l1; use lbfgs (OWL-QN)") }
        }
    }

    /// The optimizer a run uses: ``optimizer`` with ``OptimizerChoice/auto`` resolved.
    /// - Parameter hessianProducts: whether the run's problem can apply its Hessian
    ///   (``CurvatureProblem``).
    public func resolvedOptimizer(hessianProducts: Bool = true) -> OptimizerChoice {
        guard optimizer == .auto else { return optimizer }
        return l1Penalty == 0 && hessianProducts && consistency == .synchronous ? .newton : .lbfgs
    }

    /// The gradient tolerance when none is given.
    ///
    /// - Newton on a classifier: LIBLINEAR's rule, `0.01·max(1, n₋)/n` with `n₋` the rows of the
    ///   smallest class and `n` all rows (for a9a, 0.0024): a model whose test accuracy is that
    ///   of the exact optimum, reached in a few iterations.
    /// - Newton on linear regression, and L-BFGS/OWL-QN: `10⁻⁶`, close to the exact optimum
    ///   (the objective-change tolerance `10⁻¹⁰` usually stops L-BFGS first).
    public func defaultGradientTolerance(for optimizer: OptimizerChoice, classCounts: [Int]) -> Double {
        guard optimizer == .newton, kind.isClassifier, let smallest = classCounts.min() else { return 1e-6 }
        let rows = classCounts.reduce(0, +)
        return rows > 0 ? 0.01 * Double(max(1, smallest)) / Double(rows) : 1e-6
    }

    /// The minimizer this configuration asks for: `auto` resolved for a problem that can
    /// (`hessianProducts`) or cannot apply its Hessian, the default tolerance for data with
    /// `classCounts` rows per class (empty: unknown or regression).
    public func makeMinimizer(hessianProducts: Bool = true, classCounts: [Int] = []) -> any Minimizer {
        let choice = resolvedOptimizer(hessianProducts: hessianProducts)
        let tolerance = gradientTolerance ?? defaultGradientTolerance(for: choice, classCounts: classCounts)
        let iterative = StoppingRule(gradientTolerance: tolerance, objectiveTolerance: objectiveTolerance ?? 1e-10,
                                     maxIterations: maxIterations ?? 500)
        let stochastic = StoppingRule(gradientTolerance: 0, objectiveTolerance: objectiveTolerance ?? 1e-4,
                                      maxIterations: maxIterations ?? 50)
        switch choice {
        case .newton:
            return TrustRegionNewton(stopping: iterative)
        case .lbfgs, .exact, .auto:
            return l1Penalty > 0 ? OWLQN(memory: memory, stopping: iterative) as any Minimizer
                : LBFGS(memory: memory, stopping: iterative)
        case .sgd:
            return SGD(batchSize: batchSize, learningRate: learningRate ?? 0.1, momentum: momentum,
                       schedule: schedule ?? .inverseTime(decay: 0.1), seed: seed, stopping: stochastic)
        case .adam:
            return Adam(batchSize: batchSize, learningRate: learningRate ?? 0.01, schedule: schedule ?? .constant,
                        seed: seed, stopping: stochastic)
        }
    }
}
