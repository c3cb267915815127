extension TrainingConfiguration {
    /// Whether the configured optimizer can save checkpoints and resume from them: Newton,
    /// L-BFGS, OWL-QN (L-BFGS with L1), SGD and Adam can; the closed-form solve has no state to save.
    public var supportsCheckpoints: Bool { optimizer != .exact }

    /// The minimizer this configuration asks for, saving its state with `checkpoints` and
    /// continuing from `resume`, when set.
    /// - Throws: ``TrainingError`` when the optimizer cannot resume, or `resume` is the state of
    ///   another optimizer.
    func makeMinimizer(checkpoints: CheckpointPolicy?, resume: OptimizerCheckpoint?, hessianProducts: Bool,
                       classCounts: [Int]) throws(TrainingError) -> any Minimizer {
        let minimizer = makeMinimizer(hessianProducts: hessianProducts, classCounts: classCounts)
        guard checkpoints != nil || resume != nil else { return minimizer }
        guard supportsCheckpoints, var resumable = minimizer as? any ResumableMinimizer else {
            throw TrainingError(.invalidConfiguration, "checkpoints and --resume are available for newton, lbfgs, sgd and adam, not \(optimizer.rawValue)")
        }
        resumable.checkpoints = checkpoints
        if let resume { try resumable.resume(from: resume) }
        return resumable
    }
}
