/// Orthant-wise limited-memory quasi-Newton (Andrew & Gao, 2007): L-BFGS for objectives with an
/// L1 term, `F(θ) = f(θ) + μ‖w‖₁`.
///
/// Where `F` is not differentiable it uses the pseudo-gradient (the minimum-norm subgradient),
/// keeps each step inside the orthant the current point (or the pseudo-gradient) defines, and
/// sets coordinates that would cross zero to exactly zero — which is how L1 models become
/// sparse. The curvature pairs come from the smooth part `f` only. The line search is
/// backtracking on the projected path.
public struct OWLQN: ResumableMinimizer {
    public var memory: Int
    public var stopping: StoppingRule
    /// Saves the state every few iterations, when set.
    public var checkpoints: CheckpointPolicy?
    /// Continues from this state instead of starting from the given point, when set.
    public var resume: LBFGSCheckpoint?

    public init(memory: Int = 10, stopping: StoppingRule = StoppingRule(), checkpoints: CheckpointPolicy? = nil,
                resume: LBFGSCheckpoint? = nil) {
        self.memory = memory
        self.stopping = stopping
        self.checkpoints = checkpoints
        self.resume = resume
    }

    public var name: String { "owlqn" }

    public mutating func resume(from checkpoint: OptimizerCheckpoint) throws(TrainingError) {
        resume = try checkpoint.quasiNewtonState(for: name)
    }

    public func minimize(_ problem: some TrainingProblem, from start: [Double],
                         observer: (IterationReport) -> Void) throws -> MinimizationResult {
        let penalty = problem.regularization
        let initial = try LBFGSCheckpoint.starting(from: resume, at: start, parameterCount: problem.parameterCount) {
            let (smooth, gradient) = try problem.smoothObjective(start)
            return (smooth + penalty.l1Value(start), gradient, Vector.norm(Self.pseudoGradient(start, gradient, penalty)))
        }
        var (x, f, g, evaluations, history) = (initial.parameters, initial.objective, initial.gradient,
                                               initial.evaluations, initial.history)
        let (initialNorm, firstIteration) = (initial.initialGradientNorm, initial.iteration + 1)
        var memory = initial.memory(capacity: self.memory)
        var pg = Self.pseudoGradient(x, g, penalty)
        var gradientNorm = Vector.norm(pg)
        let rows = Double(problem.rowCount)

        func result(_ reason: StopReason, iterations: Int) -> MinimizationResult {
            MinimizationResult(parameters: x, objective: f, iterations: iterations, passes: Double(evaluations),
                               stopReason: reason, objectiveHistory: history, gradientNorm: gradientNorm)
        }
        guard f.isFinite, initialNorm.isFinite else { return result(.numericalFailure, iterations: 0) }
        if initialNorm == 0 { return result(.gradientTolerance, iterations: 0) }
        if firstIteration > stopping.maxIterations { return result(.maxIterations, iterations: firstIteration - 1) }

        for iteration in firstIteration ... max(firstIteration, stopping.maxIterations) {
            var direction = memory.direction(for: pg)
            // Keep only the components that descend along the pseudo-gradient.
            for j in direction.indices where direction[j] * pg[j] >= 0 { direction[j] = 0 }
            if Vector.dot(direction, pg) >= 0 { direction = pg.map { -$0 } }
            let orthant = x.indices.map { j in x[j] != 0 ? (x[j] > 0 ? 1.0 : -1.0) : (pg[j] < 0 ? 1.0 : (pg[j] > 0 ? -1.0 : 0)) }

            var alpha = memory.isEmpty ? min(1, 1 / gradientNorm) : 1
            var accepted: (x: [Double], f: Double, g: [Double])?
            for _ in 0 ..< 30 {
                var trial = Vector.step(x, alpha, direction)
                for j in 0 ..< penalty.penalizedCount where trial[j] * orthant[j] <= 0 { trial[j] = 0 }
                let (trialSmooth, trialGradient) = try problem.smoothObjective(trial)
                evaluations += 1
                let trialF = trialSmooth + penalty.l1Value(trial)
                let decrease = Vector.dot(pg, Vector.difference(trial, x))
                if trialF.isFinite, trialF <= f + 1e-4 * decrease {
                    accepted = (trial, trialF, trialGradient)
                    break
                }
                alpha *= 0.5
            }
            guard let step = accepted else { return result(.lineSearchFailed, iterations: iteration - 1) }
            memory.append(s: Vector.difference(step.x, x), y: Vector.difference(step.g, g))
            let previous = f
            x = step.x
            f = step.f
            g = step.g
            pg = Self.pseudoGradient(x, g, penalty)
            gradientNorm = Vector.norm(pg)
            history.append(f)
            observer(IterationReport(iteration: iteration, objective: f, gradientNorm: gradientNorm,
                                     passes: Double(evaluations), rowsProcessed: Double(evaluations) * rows, parameters: x))
            if let checkpoints, checkpoints.isDue(after: iteration) {
                try checkpoints.save(.owlqn(LBFGSCheckpoint(iteration: iteration, evaluations: evaluations, parameters: x,
                                                            objective: f, gradient: g, initialGradientNorm: initialNorm,
                                                            history: history, memory: memory)))
            }
            if !f.isFinite { return result(.numericalFailure, iterations: iteration) }
            if gradientNorm <= stopping.gradientTolerance * initialNorm { return result(.gradientTolerance, iterations: iteration) }
            if stopping.objectiveStalled(previous: previous, current: f) { return result(.objectiveTolerance, iterations: iteration) }
        }
        return result(.maxIterations, iterations: stopping.maxIterations)
    }

    /// The minimum-norm subgradient of `f + μ‖w‖₁` at `x`, given `∇f(x)`.
    static func pseudoGradient(_ x: [Double], _ g: [Double], _ penalty: Regularization) -> [Double] {
        var pg = g
        for j in 0 ..< penalty.penalizedCount {
            let mu = penalty.l1Strength(j)
            if x[j] > 0 {
                pg[j] = g[j] + mu
            } else if x[j] < 0 {
                pg[j] = g[j] - mu
            } else if g[j] + mu < 0 {
                pg[j] = g[j] + mu
            } else if g[j] - mu > 0 {
                pg[j] = g[j] - mu
            } else {
                pg[j] = 0
            }
        }
        return pg
    }
}
