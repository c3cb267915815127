/// Everything SGD or Adam needs to continue exactly where it was: written at the end of every
/// few epochs when checkpointing is on, read by `--resume`.
///
/// With the generator's state restored, the resumed run visits the batches in the same order
/// as an uninterrupted run, so both end at the same parameters bit for bit (given the same
/// rows in the same order, batch size and hyperparameters).
public struct MiniBatchCheckpoint: Codable, Sendable, Equatable {
    /// Epochs completed.
    public var epoch: Int
    public var parameters: [Double]
    /// The full objective after the last completed epoch.
    public var objective: Double
    /// The objective at the start and after every epoch.
    public var history: [Double]
    /// Passes over the data so far (mini-batch epochs and objective evaluations).
    public var passes: Double
    /// Epochs in a row whose objective change was under the tolerance.
    public var calmEpochs: Int
    /// ``SeededGenerator/state`` of the batch-order generator after the last completed epoch.
    public var generatorState: UInt64
    /// The optimizer's own state.
    public var update: MiniBatchUpdateState
}

/// The state of a mini-batch step rule between steps.
public enum MiniBatchUpdateState: Codable, Sendable, Equatable {
    /// SGD with momentum: the velocity `v`.
    case momentum(velocity: [Double])
    /// Adam: the first and second moments and the number of steps taken (for bias correction).
    case adam(first: [Double], second: [Double], steps: Int)

    /// The optimizer this state belongs to (``Minimizer/name``).
    public var optimizer: String {
        switch self {
        case .momentum: "sgd"
        case .adam: "adam"
        }
    }
}
