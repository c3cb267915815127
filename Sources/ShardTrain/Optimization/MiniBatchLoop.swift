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

/// The epochs of SGD and Adam, whatever moves the parameters within an epoch: the batch order,
/// the learning-rate schedule, the objective after every epoch, the stopping rule and the
/// checkpoints. The synchronous loop, bounded staleness and local SGD differ only in the body
/// of an epoch.
///
/// Rows are visited in contiguous batches of `batchSize` (contiguous ranges keep the kernels on
/// BLAS; a distributed problem spreads each over its workers); the order of the batches is
/// shuffled every epoch with a seeded generator, so a run is reproducible. Shuffle the rows
/// themselves once before training if the file is sorted (the trainer does). Each step is a
/// ``MiniBatchStep``. After every epoch the full objective is evaluated (one extra pass) for the
/// history and the stopping rule: the run stops after `patience` calm epochs in a row.
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

    /// One epoch: moves `x` (and the step rule's state) through the epoch's batches, in order,
    /// at learning rate `rate`.
    typealias Epoch<U> = (_ batches: [Range<Int>], _ rate: Double, _ x: inout [Double], _ update: inout U) throws -> Void

    /// Runs the synchronous loop: one step per batch, each on the batch's whole gradient.
    func run(_ problem: some TrainingProblem, from start: [Double], update: inout some MiniBatchUpdate,
             observer: (IterationReport) -> Void) throws -> MinimizationResult {
        let scale = 1 / max(problem.totalWeight, .leastNonzeroMagnitude)
        return try run(problem, from: start, update: &update, observer: observer) { batches, rate, x, update in
            for rows in batches {
                let evaluation = try problem.evaluate(x, rows: rows)
                MiniBatchStep.take(evaluation, at: &x, rate: rate, penalty: problem.regularization, scale: scale, update: &update)
            }
        }
    }

    /// Runs the epochs with `epoch` as the body of each.
    func run<U: MiniBatchUpdate>(_ problem: some TrainingProblem, from start: [Double], update: inout U,
                                 observer: (IterationReport) -> Void, epoch body: Epoch<U>) throws -> MinimizationResult {
        let n = problem.rowCount
        var x = start, f: Double, passes: Double, history: [Double]
        var calmEpochs = 0, firstEpoch = 0
        var generator = SeededGenerator(seed: seed)
        if let resume {
            try resume.check(parameterCount: problem.parameterCount)
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
            let batches = starts.shuffled(using: &generator).map { $0 ..< min($0 + batch, n) }
            try body(batches, rate, &x, &update)
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
