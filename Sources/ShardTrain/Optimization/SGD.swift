/// Mini-batch stochastic gradient descent with (heavy-ball) momentum:
/// `v ← β·v − η·ĝ`, `θ ← θ + v`.
///
/// See ``MiniBatchLoop`` for the batches, the gradient estimate `ĝ` and the stopping rule.
public struct SGD: ResumableMinimizer {
    public var batchSize: Int
    public var learningRate: Double
    /// `β` in `[0, 1)`; 0 is plain SGD.
    public var momentum: Double
    public var schedule: LearningRateSchedule
    public var seed: UInt64
    /// `maxIterations` counts epochs.
    public var stopping: StoppingRule
    /// Saves the state every few epochs, when set.
    public var checkpoints: CheckpointPolicy?
    /// Continues from this state instead of starting from the given point, when set.
    public var resume: MiniBatchCheckpoint?

    public init(batchSize: Int = 256, learningRate: Double = 0.1, momentum: Double = 0.9,
                schedule: LearningRateSchedule = .inverseTime(decay: 0.1), seed: UInt64 = 1,
                stopping: StoppingRule = StoppingRule(objectiveTolerance: 1e-4, maxIterations: 50)) {
        self.batchSize = batchSize
        self.learningRate = learningRate
        self.momentum = momentum
        self.schedule = schedule
        self.seed = seed
        self.stopping = stopping
    }

    public var name: String { "sgd" }

    public mutating func resume(from checkpoint: OptimizerCheckpoint) throws(TrainingError) {
        resume = try checkpoint.miniBatchState(for: name)
    }

    struct Momentum: MiniBatchUpdate {
        var beta: Double
        var velocity: [Double]
        mutating func apply(to x: inout [Double], gradient g: [Double], rate: Double) {
            for j in x.indices {
                velocity[j] = beta * velocity[j] - rate * g[j]
                x[j] += velocity[j]
            }
        }
        var state: MiniBatchUpdateState { .momentum(velocity: velocity) }
        mutating func restore(_ state: MiniBatchUpdateState) -> Bool {
            guard case .momentum(let saved) = state, saved.count == velocity.count else { return false }
            velocity = saved
            return true
        }
    }

    /// The epoch loop with this optimizer's batches, rates, stopping rule and checkpoints.
    var loop: MiniBatchLoop {
        MiniBatchLoop(batchSize: batchSize, learningRate: learningRate, schedule: schedule, seed: seed, stopping: stopping,
                      checkpoints: checkpoints, resume: resume)
    }

    /// The step rule, starting at rest.
    func makeUpdate(parameterCount: Int) -> Momentum {
        Momentum(beta: momentum, velocity: [Double](repeating: 0, count: parameterCount))
    }

    public func minimize(_ problem: some TrainingProblem, from start: [Double],
                         observer: (IterationReport) -> Void) throws -> MinimizationResult {
        var update = makeUpdate(parameterCount: start.count)
        return try loop.run(problem, from: start, update: &update, observer: observer)
    }
}
