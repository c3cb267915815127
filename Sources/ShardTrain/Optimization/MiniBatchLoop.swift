/// The per-step rule of a mini-batch optimizer: turns the gradient of one batch into a change
/// of the parameters.
protocol MiniBatchUpdate {
    /// Applies one step with learning rate `rate` and batch gradient `g` (the gradient of `F/N`
    /// estimated on the batch, L2 term included) to the parameters `x`.
    mutating func apply(to x: inout [Double], gradient g: [Double], rate: Double)
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
struct MiniBatchLoop {
    var batchSize: Int
    var learningRate: Double
    var schedule: LearningRateSchedule
    var seed: UInt64
    var stopping: StoppingRule
    /// Epochs in a row with a relative objective change under tolerance before stopping.
    var patience: Int = 3

    func run(_ problem: some TrainingProblem, from start: [Double], update: inout some MiniBatchUpdate,
             observer: (IterationReport) -> Void) throws -> MinimizationResult {
        let n = problem.rowCount
        let penalty = problem.regularization
        let scale = 1 / Double(max(n, 1))
        var x = start
        var f = try problem.objective(x)
        var passes = 1.0
        var history = [f]
        var calmEpochs = 0
        let batch = max(1, min(batchSize, n))
        let starts = Array(stride(from: 0, to: n, by: batch))
        var generator = SeededGenerator(seed: seed)

        func result(_ reason: StopReason, iterations: Int) -> MinimizationResult {
            MinimizationResult(parameters: x, objective: f, iterations: iterations, passes: passes,
                               stopReason: reason, objectiveHistory: history, gradientNorm: .nan)
        }
        guard f.isFinite else { return result(.numericalFailure, iterations: 0) }

        let epochs = max(1, stopping.maxIterations)
        for epoch in 0 ..< epochs {
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
            if calmEpochs >= patience { return result(.objectiveTolerance, iterations: epoch + 1) }
        }
        return result(.maxIterations, iterations: epochs)
    }
}
