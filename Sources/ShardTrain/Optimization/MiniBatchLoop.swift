/// The per-step rule of a mini-batch optimizer: turns the gradient of one batch into a change
/// of the parameters.
protocol MiniBatchUpdate {
    /// Applies one step with learning rate `rate` and batch gradient `g` (the gradient of `F/N`
    /// estimated on the batch, L2 term included) to the parameters `x`.
    mutating func apply(to x: inout [Double], gradient g: [Double], rate: Double)
    /// The state between steps, for checkpoints.
    var state: MiniBatchUpdateState { get }
    /// Takes over a saved state; false when it is another rule's state or of another size.
    mutating func restore(_ state: MiniBatchUpdateState) -> Bool
}

/// Shared epoch loop of SGD and Adam.
///
/// Rows are visited in contiguous batches of `batchSize` (contiguous ranges keep the kernels on
/// BLAS and let each worker hold a share of every batch); the order of the batches is shuffled
/// every epoch with a seeded generator, so a run is reproducible. Shuffle the rows themselves
/// once before training if the file is sorted (the trainer does).
///
/// Each step follows the gradient of `F/N`:
/// `ĝ = (1/|B|)·Σ_{i∈B} sᵢ∇ℓᵢ + (λ/N)·w`; an L1 term is applied as a proximal step
/// (soft-thresholding by `rate·μ/N`), so weights can reach exactly zero. After every epoch the
/// full objective is evaluated (one extra pass) for the history and the stopping rule.
///
/// With `checkpoints`, the state at the end of every few epochs (parameters, objective, history,
/// counters, the step rule's state and the batch-order generator's state) is saved; with
/// `resume`, the run continues from such a state and repeats the uninterrupted run exactly.
struct MiniBatchLoop {
    var batchSize: Int
    var learningRate: Double
    var schedule: LearningRateSchedule
    var seed: UInt64
    var stopping: StoppingRule
    /// Epochs in a row with a relative objective change under tolerance before stopping.
    var patience: Int = 3
    /// Saves the state at the end of every few epochs, when set.
    var checkpoints: CheckpointPolicy?
    /// Continues from this state instead of starting from the given point, when set.
    var resume: MiniBatchCheckpoint?

    func run(_ problem: some TrainingProblem, from start: [Double], update: inout some MiniBatchUpdate,
             observer: (IterationReport) -> Void) throws -> MinimizationResult {
        let n = problem.rowCount
        let penalty = problem.regularization
        let scale = 1 / Double(max(n, 1))
        var x = start, f: Double, passes: Double, history: [Double]
        var calmEpochs = 0, firstEpoch = 0
        var generator = SeededGenerator(seed: seed)
        if let resume {
            guard resume.parameters.count == problem.parameterCount else {
                throw TrainingError(.invalidConfiguration, "the checkpoint has \(resume.parameters.count) parameters, the problem \(problem.parameterCount)")
            }
            guard update.restore(resume.update) else {
                throw TrainingError(.invalidConfiguration, "the checkpoint's \(resume.update.optimizer) state does not fit this optimizer")
            }
            (x, f, passes, history) = (resume.parameters, resume.objective, resume.passes, resume.history)
            (calmEpochs, firstEpoch) = (resume.calmEpochs, resume.epoch)
            generator = SeededGenerator(state: resume.generatorState)
        } else {
            f = try problem.objective(x)
            passes = 1
            history = [f]
        }
        let batch = max(1, min(batchSize, n))
        let starts = Array(stride(from: 0, to: n, by: batch))

        func result(_ reason: StopReason, iterations: Int) -> MinimizationResult {
            MinimizationResult(parameters: x, objective: f, iterations: iterations, passes: passes,
                               stopReason: reason, objectiveHistory: history, gradientNorm: .nan)
        }
        guard f.isFinite else { return result(.numericalFailure, iterations: firstEpoch) }
        if calmEpochs >= patience { return result(.objectiveTolerance, iterations: firstEpoch) }

        let epochs = max(1, stopping.maxIterations)
        if firstEpoch >= epochs { return result(.maxIterations, iterations: firstEpoch) }
        for epoch in firstEpoch ..< epochs {
            let rate = schedule.rate(base: learningRate, epoch: epoch, totalEpochs: epochs)
            for begin in starts.shuffled(using: &generator) {
                let rows = begin ..< min(begin + batch, n)
                var evaluation = try problem.evaluate(x, rows: rows)
                let inverseCount = 1 / max(evaluation.weightSum, .leastNonzeroMagnitude)
                for j in evaluation.gradient.indices { evaluation.gradient[j] *= inverseCount }
                penalty.addSmoothGradient(x, to: &evaluation.gradient, scale: scale)
                update.apply(to: &x, gradient: evaluation.gradient, rate: rate)
                if penalty.l1Penalty > 0 {
                    let threshold = rate * penalty.l1Penalty * scale
                    for j in 0 ..< penalty.penalizedCount {
                        let magnitude = abs(x[j]) - threshold
                        x[j] = magnitude > 0 ? (x[j] > 0 ? magnitude : -magnitude) : 0
                    }
                }
            }
            passes += 1
            let previous = f
            f = try problem.objective(x)
            passes += 1
            history.append(f)
            observer(IterationReport(iteration: epoch + 1, objective: f, gradientNorm: nil, passes: passes,
                                     rowsProcessed: passes * Double(n), parameters: x))
            if !f.isFinite { return result(.numericalFailure, iterations: epoch + 1) }
            calmEpochs = stopping.objectiveStalled(previous: previous, current: f) ? calmEpochs + 1 : 0
            if let checkpoints, checkpoints.isDue(after: epoch + 1) {
                try checkpoints.save(.miniBatch(MiniBatchCheckpoint(
                    epoch: epoch + 1, parameters: x, objective: f, history: history, passes: passes, calmEpochs: calmEpochs,
                    generatorState: generator.state, update: update.state)))
            }
            if calmEpochs >= patience { return result(.objectiveTolerance, iterations: epoch + 1) }
        }
        return result(.maxIterations, iterations: epochs)
    }
}
