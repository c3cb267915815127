/// When and where a run saves its state.
public struct CheckpointPolicy: Sendable {
    /// Every this many iterations (L-BFGS, OWL-QN) or epochs (SGD, Adam).
    public var every: Int
    /// Called with each checkpoint; the caller writes it (atomically).
    public var save: @Sendable (OptimizerCheckpoint) throws -> Void

    public init(every: Int, save: @escaping @Sendable (OptimizerCheckpoint) throws -> Void) {
        self.every = max(1, every)
        self.save = save
    }

    /// Whether a checkpoint is due after `completed` iterations (or epochs).
    func isDue(after completed: Int) -> Bool { completed % every == 0 }
}
