/// A minimizer that can save its state every few iterations (epochs) and continue from a saved
/// state: L-BFGS, OWL-QN, SGD and Adam.
public protocol ResumableMinimizer: Minimizer {
    /// Saves the state every few iterations (epochs), when set.
    var checkpoints: CheckpointPolicy? { get set }
    /// Makes the next ``Minimizer/minimize(_:from:observer:)`` continue from `checkpoint`
    /// instead of starting from the given point.
    /// - Throws: ``TrainingError`` when `checkpoint` was saved by another optimizer.
    mutating func resume(from checkpoint: OptimizerCheckpoint) throws(TrainingError)
}
