/// The epochs of a mini-batch optimizer, whatever moves the parameters within an epoch: the
/// batch order, the learning-rate schedule, the objective after every epoch and the stopping
/// rule. The synchronous, bounded-staleness and local-steps loops differ only in the body.
///
/// The batches are contiguous ranges of `batchSize` rows; their order is shuffled every epoch
/// with a seeded generator, so a run is reproducible. The full objective is evaluated after
/// every epoch (one extra pass) for the history and the stopping rule: the run stops after
/// `patience` epochs in a row with a relative change under the tolerance.
struct EpochDriver {
    var batchSize: Int
    var learningRate: Double
    var schedule: LearningRateSchedule
    var seed: UInt64
    var stopping: StoppingRule
    var patience = 3

    /// Runs the epochs; `body` moves `x` through one epoch, given its batches in order and its
    /// learning rate.
    func run(_ problem: some TrainingProblem, from start: [Double], observer: (IterationReport) -> Void,
             epoch body: (_ batches: [Range<Int>], _ rate: Double, _ x: inout [Double]) throws -> Void) throws -> MinimizationResult {
        let n = problem.rowCount
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
            let batches = starts.shuffled(using: &generator).map { $0 ..< min($0 + batch, n) }
            try body(batches, rate, &x)
            let previous = f
            f = try problem.objective(x)
            passes += 2
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
