import Foundation

/// Adam (Kingma & Ba, 2015): per-parameter step sizes from running moments of the gradient,
/// with bias correction:
/// `m ← β₁m + (1−β₁)ĝ`, `v ← β₂v + (1−β₂)ĝ²`, `θ ← θ − η·m̂/(√v̂ + ε)`.
///
/// See ``MiniBatchLoop`` for the batches, the gradient estimate `ĝ` and the stopping rule.
public struct Adam: ResumableMinimizer {
    public var batchSize: Int
    public var learningRate: Double
    public var beta1: Double
    public var beta2: Double
    public var epsilon: Double
    public var schedule: LearningRateSchedule
    public var seed: UInt64
    /// `maxIterations` counts epochs.
    public var stopping: StoppingRule
    /// Saves the state every few epochs, when set.
    public var checkpoints: CheckpointPolicy?
    /// Continues from this state instead of starting from the given point, when set.
    public var resume: MiniBatchCheckpoint?

    public init(batchSize: Int = 256, learningRate: Double = 0.01, beta1: Double = 0.9, beta2: Double = 0.999,
                epsilon: Double = 1e-8, schedule: LearningRateSchedule = .constant, seed: UInt64 = 1,
                stopping: StoppingRule = StoppingRule(objectiveTolerance: 1e-4, maxIterations: 50)) {
        self.batchSize = batchSize
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.schedule = schedule
        self.seed = seed
        self.stopping = stopping
    }

    public var name: String { "adam" }

    public mutating func resume(from checkpoint: OptimizerCheckpoint) throws(TrainingError) {
        resume = try checkpoint.miniBatchState(for: name)
    }

    struct Moments: MiniBatchUpdate {
        var beta1: Double, beta2: Double, epsilon: Double
        var first: [Double], second: [Double]
        var steps = 0
        mutating func apply(to x: inout [Double], gradient g: [Double], rate: Double) {
            steps += 1
            let correction1 = 1 - pow(beta1, Double(steps)), correction2 = 1 - pow(beta2, Double(steps))
            for j in x.indices {
                first[j] = beta1 * first[j] + (1 - beta1) * g[j]
                second[j] = beta2 * second[j] + (1 - beta2) * g[j] * g[j]
                x[j] -= rate * (first[j] / correction1) / ((second[j] / correction2).squareRoot() + epsilon)
            }
        }
        var state: MiniBatchUpdateState { .adam(first: first, second: second, steps: steps) }
        mutating func restore(_ state: MiniBatchUpdateState) -> Bool {
            guard case .adam(let m, let v, let t) = state, m.count == first.count, v.count == second.count else { return false }
            (first, second, steps) = (m, v, t)
            return true
        }
    }

    /// The epoch loop with this optimizer's batches, rates, stopping rule and checkpoints.
    var loop: MiniBatchLoop {
        MiniBatchLoop(batchSize: batchSize, learningRate: learningRate, schedule: schedule, seed: seed, stopping: stopping,
                      checkpoints: checkpoints, resume: resume)
    }

    /// The step rule, starting from zero moments.
    func makeUpdate(parameterCount: Int) -> Moments {
        let zeros = [Double](repeating: 0, count: parameterCount)
        return Moments(beta1: beta1, beta2: beta2, epsilon: epsilon, first: zeros, second: zeros)
    }

    public func minimize(_ problem: some TrainingProblem, from start: [Double],
                         observer: (IterationReport) -> Void) throws -> MinimizationResult {
        var update = makeUpdate(parameterCount: start.count)
        return try loop.run(problem, from: start, update: &update, observer: observer)
    }
}
