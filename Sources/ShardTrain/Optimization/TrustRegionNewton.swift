/// Trust-region Newton's method with preconditioned conjugate gradients: LIBLINEAR's TRON
/// (Lin, Weng and Keerthi, 2008; the diagonal preconditioner of Hsia, Chiang and Lin, 2018),
/// for smooth objectives (no L1 term).
///
/// Each iteration evaluates the gradient at the current point, the diagonal of the Hessian
/// there (for the preconditioner `M = (1 − α)·I + α·diag(H)`, `α = 0.01`), and approximately
/// minimizes the quadratic model inside a trust region `‖s‖_M ≤ Δ` with conjugate gradients
/// (``TruncatedConjugateGradient``), each step one Hessian–vector product. The trial point
/// `x + s` is accepted when the objective falls by more than `η₀ = 10⁻⁴` of the model's
/// prediction; `Δ` grows or shrinks with how well the model predicted.
///
/// Cost in passes over the data (reduce rounds when distributed): one for the objective and
/// gradient per trial point, one for the diagonal, and one per conjugate-gradient step. On the
/// well-conditioned problems regularized linear models usually are, a handful of iterations
/// with a few CG steps each reach what L-BFGS needs tens to hundreds of passes for — fewer
/// rounds is what counts across machines.
///
/// Stops at the first of: `‖g‖ ≤ tol·‖g₀‖` (the ``StoppingRule``'s gradient tolerance), an
/// accepted step that changes the objective by less than the objective tolerance, actual and
/// predicted reductions both below `10⁻¹²·|F|` (converged as far as float64 can tell), or the
/// iteration limit.
public struct TrustRegionNewton: ResumableMinimizer {
    public var stopping: StoppingRule
    /// Weight of the Hessian's diagonal in the preconditioner (LIBLINEAR's 0.01).
    public var preconditionerWeight = 0.01
    /// Conjugate gradients stop when the residual falls to this share of the gradient norm.
    public var cgTolerance = 0.1
    public var checkpoints: CheckpointPolicy?
    public var resume: NewtonCheckpoint?

    public init(stopping: StoppingRule = StoppingRule(), checkpoints: CheckpointPolicy? = nil, resume: NewtonCheckpoint? = nil) {
        self.stopping = stopping
        self.checkpoints = checkpoints
        self.resume = resume
    }

    public var name: String { "newton" }

    public mutating func resume(from checkpoint: OptimizerCheckpoint) throws(TrainingError) {
        guard case .newton(let state) = checkpoint else {
            throw TrainingError(.invalidConfiguration, "the checkpoint was saved by \(checkpoint.optimizer) — this run uses newton")
        }
        resume = state
    }

    /// Relative size of the rounding in an objective computed from float32 margins.
    static let objectiveNoise = 1e-8
    // Trust-region constants (LIBLINEAR's).
    private static let (eta0, eta1, eta2) = (1e-4, 0.25, 0.75)
    private static let (sigma1, sigma2, sigma3) = (0.25, 0.5, 4.0)

    public func minimize(_ problem: some TrainingProblem, from start: [Double],
                         observer: (IterationReport) -> Void) throws -> MinimizationResult {
        guard let problem = problem as? any CurvatureProblem else {
            throw TrainingError(.invalidConfiguration, "--optimizer newton needs Hessian–vector products, which this kind of run does not provide; use lbfgs")
        }
        return try run(problem, from: start, observer: observer)
    }

    private func run(_ problem: some CurvatureProblem, from start: [Double],
                     observer: (IterationReport) -> Void) throws -> MinimizationResult {
        let regularization = problem.regularization
        let penalty = (0 ..< problem.parameterCount).map { $0 < regularization.penalizedCount ? regularization.l2Strength($0) : 0 }
        var state: NewtonCheckpoint
        if let resume {
            try resume.check(parameterCount: problem.parameterCount)
            state = resume
        } else {
            let (value, gradient) = try problem.smoothObjective(start)
            state = NewtonCheckpoint(iteration: 0, passes: 1, parameters: start, objective: value, gradient: gradient,
                                     initialGradientNorm: Vector.norm(gradient), radius: nil, history: [value])
        }
        var gradientNorm = Vector.norm(state.gradient)
        let rows = Double(problem.rowCount)
        func result(_ reason: StopReason) -> MinimizationResult {
            MinimizationResult(parameters: state.parameters, objective: state.objective, iterations: state.iteration,
                               passes: Double(state.passes), stopReason: reason, objectiveHistory: state.history,
                               gradientNorm: gradientNorm)
        }
        guard state.objective.isFinite, state.initialGradientNorm.isFinite else { return result(.numericalFailure) }
        if gradientNorm <= stopping.gradientTolerance * state.initialGradientNorm { return result(.gradientTolerance) }

        // The preconditioner at the current point; recomputed after each accepted step.
        func preconditioner(at x: [Double]) throws -> [Double] {
            let diagonal = try problem.hessianDiagonal(at: x)
            state.passes += 1
            let alpha = preconditionerWeight
            return diagonal.indices.map { (1 - alpha) + alpha * (diagonal[$0] + penalty[$0]) }
        }
        var scaling = try preconditioner(at: state.parameters)
        var failedTrials = 0
        while state.iteration < stopping.maxIterations {
            let x = state.parameters
            let hessian = { (direction: [Double]) throws -> [Double] in
                var product = try problem.hessianProduct(at: x, direction: direction)
                state.passes += 1
                for j in product.indices { product[j] += penalty[j] * direction[j] }
                return product
            }
            let radius = state.radius ?? Self.mNorm(state.gradient, scaling)
            let cg = TruncatedConjugateGradient(tolerance: cgTolerance * gradientNorm)
            let step = try cg.solve(gradient: state.gradient, scaling: scaling, radius: radius, hessian: hessian)
            let trial = Vector.step(x, 1, step.s)
            let slope = Vector.dot(state.gradient, step.s)
            let predicted = -0.5 * (slope - Vector.dot(step.s, step.residual))
            let (trialValue, trialGradient) = try problem.smoothObjective(trial)
            state.passes += 1
            // Near the optimum the objective's change drowns in the rounding of its float32
            // margins (about 1e-8 of |F|), while the gradients are still exact enough: when both
            // the measured and the predicted change are below that noise, the change is measured
            // by the trapezoid rule on the gradients, `−½·(g + g₊)ᵀs`, exact for a quadratic.
            let noise = Self.objectiveNoise * max(abs(state.objective), 1e-300)
            let measured = state.objective - trialValue
            let judgedByGradients = abs(measured) <= noise && predicted <= noise
            let actual = judgedByGradients
                ? -0.5 * (slope + Vector.dot(trialGradient, step.s)) : measured
            let stepNorm = Self.mNorm(step.s, scaling)
            var delta = state.iteration == 0 && state.radius == nil ? min(radius, stepNorm) : radius
            let curvatureGap = -actual - slope
            let alpha = curvatureGap <= 0 ? Self.sigma3 : max(Self.sigma1, -0.5 * (slope / curvatureGap))
            if !(actual >= Self.eta0 * predicted) || !trialValue.isFinite {
                delta = min(alpha * stepNorm, Self.sigma2 * delta)
            } else if actual < Self.eta1 * predicted {
                delta = max(Self.sigma1 * delta, min(alpha * stepNorm, Self.sigma2 * delta))
            } else if actual < Self.eta2 * predicted {
                delta = max(Self.sigma1 * delta, min(alpha * stepNorm, Self.sigma3 * delta))
            } else if step.reachedBoundary {
                delta = Self.sigma3 * delta
            } else {
                delta = max(delta, min(alpha * stepNorm, Self.sigma3 * delta))
            }
            state.radius = delta
            let trialNorm = Vector.norm(trialGradient)
            let decreases = actual > Self.eta0 * predicted
            if decreases, trialValue.isFinite {
                failedTrials = 0
                let previous = state.objective
                state.iteration += 1
                state.parameters = trial
                state.objective = trialValue
                state.gradient = trialGradient
                state.history.append(trialValue)
                gradientNorm = trialNorm
                observer(IterationReport(iteration: state.iteration, objective: trialValue, gradientNorm: gradientNorm,
                                         passes: Double(state.passes), rowsProcessed: Double(state.passes) * rows,
                                         parameters: trial))
                if let checkpoints, checkpoints.isDue(after: state.iteration) { try checkpoints.save(.newton(state)) }
                if !gradientNorm.isFinite { return result(.numericalFailure) }
                if gradientNorm <= stopping.gradientTolerance * state.initialGradientNorm { return result(.gradientTolerance) }
                if !judgedByGradients, stopping.objectiveStalled(previous: previous, current: trialValue) {
                    return result(.objectiveTolerance)
                }
                scaling = try preconditioner(at: trial)
            } else {
                failedTrials += 1
            }
            let scale = max(abs(state.objective), 1e-300)
            if !decreases, abs(actual) <= 1e-12 * scale, abs(predicted) <= 1e-12 * scale { return result(.objectiveTolerance) }
            if !decreases, (actual <= 0 && predicted <= 0) || failedTrials >= 50 { return result(.lineSearchFailed) }
        }
        return result(.maxIterations)
    }

    /// `‖v‖_M = √(vᵀ·M·v)` for the diagonal `M`.
    static func mNorm(_ v: [Double], _ scaling: [Double]) -> Double {
        var sum = 0.0
        for j in v.indices { sum += v[j] * scaling[j] * v[j] }
        return sum.squareRoot()
    }
}
