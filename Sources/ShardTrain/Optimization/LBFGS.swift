/// Limited-memory BFGS with a strong-Wolfe line search, for full-batch training of smooth
/// objectives (no L1 term): the optimizer `auto` picks where Newton cannot run (under MPI), and
/// the one to pick for the exact optimum at its tight default tolerances.
///
/// Each iteration costs one gradient evaluation per line-search trial (usually one), i.e. one
/// pass over the data and, when distributed, one reduce round. Quasi-Newton steps need far
/// fewer passes than gradient descent on the ill-conditioned problems linear models pose.
public struct LBFGS: ResumableMinimizer {
    /// Curvature pairs kept (`m`).
    public var memory: Int
    /// When to stop.
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

    public var name: String { "lbfgs" }

    public mutating func resume(from checkpoint: OptimizerCheckpoint) throws(TrainingError) {
        resume = try checkpoint.quasiNewtonState(for: name)
    }

    public func minimize(_ problem: some TrainingProblem, from start: [Double],
                         observer: (IterationReport) -> Void) throws -> MinimizationResult {
        let initial = try LBFGSCheckpoint.starting(from: resume, at: start, parameterCount: problem.parameterCount) {
            let (value, gradient) = try problem.smoothObjective(start)
            return (value, gradient, Vector.norm(gradient))
        }
        var (x, f, g, evaluations, history) = (initial.parameters, initial.objective, initial.gradient,
                                               initial.evaluations, initial.history)
        let (initialNorm, firstIteration) = (initial.initialGradientNorm, initial.iteration + 1)
        var memory = initial.memory(capacity: self.memory)
        var gradientNorm = Vector.norm(g)
        let lineSearch = StrongWolfeLineSearch()
        let rows = Double(problem.rowCount)

        func result(_ reason: StopReason, iterations: Int) -> MinimizationResult {
            MinimizationResult(parameters: x, objective: f, iterations: iterations, passes: Double(evaluations),
                               stopReason: reason, objectiveHistory: history, gradientNorm: gradientNorm)
        }

        guard f.isFinite, initialNorm.isFinite else { return result(.numericalFailure, iterations: 0) }
        if initialNorm == 0 { return result(.gradientTolerance, iterations: 0) }
        if firstIteration > stopping.maxIterations { return result(.maxIterations, iterations: firstIteration - 1) }

        for iteration in firstIteration ... max(firstIteration, stopping.maxIterations) {
            var direction = memory.direction(for: g)
            var slope = Vector.dot(direction, g)
            if !(slope < 0) {
                // Not a descent direction (lost curvature): restart from steepest descent.
                memory = LBFGSMemory(capacity: self.memory)
                direction = g.map { -$0 }
                slope = -gradientNorm * gradientNorm
            }
            let initialStep = memory.isEmpty ? min(1, 1 / gradientNorm) : 1
            let origin = StrongWolfeLineSearch.Point(alpha: 0, value: f, slope: slope, parameters: x, gradient: g)
            let (found, used) = try lineSearch.search(origin: origin, initialStep: initialStep) { alpha in
                let trial = Vector.step(x, alpha, direction)
                let (value, gradient) = try problem.smoothObjective(trial)
                return .init(alpha: alpha, value: value, slope: Vector.dot(gradient, direction),
                             parameters: trial, gradient: gradient)
            }
            evaluations += used
            guard let accepted = found else {
                return result(.lineSearchFailed, iterations: iteration - 1)
            }
            memory.append(s: Vector.difference(accepted.parameters, x), y: Vector.difference(accepted.gradient, g))
            let previous = f
            x = accepted.parameters
            f = accepted.value
            g = accepted.gradient
            gradientNorm = Vector.norm(g)
            history.append(f)
            observer(IterationReport(iteration: iteration, objective: f, gradientNorm: gradientNorm,
                                     passes: Double(evaluations), rowsProcessed: Double(evaluations) * rows, parameters: x))
            if let checkpoints, checkpoints.isDue(after: iteration) {
                try checkpoints.save(.lbfgs(LBFGSCheckpoint(iteration: iteration, evaluations: evaluations, parameters: x,
                                                            objective: f, gradient: g, initialGradientNorm: initialNorm,
                                                            history: history, memory: memory)))
            }
            if !f.isFinite || !gradientNorm.isFinite { return result(.numericalFailure, iterations: iteration) }
            if gradientNorm <= stopping.gradientTolerance * initialNorm { return result(.gradientTolerance, iterations: iteration) }
            if stopping.objectiveStalled(previous: previous, current: f) { return result(.objectiveTolerance, iterations: iteration) }
        }
        return result(.maxIterations, iterations: stopping.maxIterations)
    }
}
