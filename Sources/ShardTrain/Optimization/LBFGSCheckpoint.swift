/// Everything L-BFGS (or OWL-QN) needs to continue exactly where it was: written every few
/// iterations when checkpointing is on, read by `--resume`.
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
    /// The objective (OWL-QN: L1 term included).
    public var objective: Double
    /// The gradient (OWL-QN: of the smooth part, without the L1 term).
    public var gradient: [Double]
    /// The (pseudo-)gradient norm at the start, for the relative gradient tolerance.
    public var initialGradientNorm: Double
    public var history: [Double]
    /// Curvature pairs, oldest first.
    public var memoryS: [[Double]]
    public var memoryY: [[Double]]
}

extension LBFGSCheckpoint {
    /// The state after `iteration` iterations, with the curvature pairs of `memory`.
    init(iteration: Int, evaluations: Int, parameters: [Double], objective: Double, gradient: [Double],
         initialGradientNorm: Double, history: [Double], memory: LBFGSMemory) {
        let pairs = memory.pairs
        self.init(iteration: iteration, evaluations: evaluations, parameters: parameters, objective: objective,
                  gradient: gradient, initialGradientNorm: initialGradientNorm, history: history,
                  memoryS: pairs.s, memoryY: pairs.y)
    }

    /// Where a run starts: `resume` (checked against the problem's size) when set, else
    /// iteration 0 at `start` with the objective, gradient and initial (pseudo-)gradient norm
    /// that `evaluate` returns for it (one evaluation) and an empty memory.
    static func starting(from resume: LBFGSCheckpoint?, at start: [Double], parameterCount: Int,
                         evaluate: () throws -> (objective: Double, gradient: [Double], norm: Double)) throws -> LBFGSCheckpoint {
        if let resume {
            try resume.check(parameterCount: parameterCount)
            return resume
        }
        let (objective, gradient, norm) = try evaluate()
        return LBFGSCheckpoint(iteration: 0, evaluations: 1, parameters: start, objective: objective, gradient: gradient,
                               initialGradientNorm: norm, history: [objective], memoryS: [], memoryY: [])
    }

    /// The curvature memory this checkpoint holds.
    func memory(capacity: Int) -> LBFGSMemory {
        LBFGSMemory(capacity: capacity, s: memoryS, y: memoryY)
    }
}
