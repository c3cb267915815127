/// Everything L-BFGS needs to continue exactly where it was: written every few iterations when
/// checkpointing is on, read by `--resume`.
///
/// Resuming from a checkpoint replays the same iterations as an uninterrupted run (the memory
/// pairs, the gradient and the objective are restored, not recomputed), so both end at the
/// same parameters.
public struct LBFGSCheckpoint: Codable, Sendable, Equatable {
    /// Iterations completed.
    public var iteration: Int
    /// Objective and gradient evaluations so far.
    public var evaluations: Int
    public var parameters: [Double]
    public var objective: Double
    public var gradient: [Double]
    public var initialGradientNorm: Double
    public var history: [Double]
    /// Curvature pairs, oldest first.
    public var memoryS: [[Double]]
    public var memoryY: [[Double]]
}

/// When and where a run saves its state.
public struct CheckpointPolicy: Sendable {
    /// Every this many iterations (and at the end).
    public var every: Int
    /// Called with each checkpoint; the caller writes it (atomically).
    public var save: @Sendable (LBFGSCheckpoint) throws -> Void

    public init(every: Int, save: @escaping @Sendable (LBFGSCheckpoint) throws -> Void) {
        self.every = max(1, every)
        self.save = save
    }
}
