/// One training run of a scaling benchmark: `workers` worker processes, the same data,
/// optimizer and iteration count as every other run of the benchmark.
public struct ScalingMeasurement: Sendable, Equatable {
    /// Worker processes.
    public var workers: Int
    /// More workers than the machine has cores.
    public var oversubscribed: Bool
    /// Wall-clock seconds of the fit (data already loaded by the workers).
    public var seconds: Double
    /// Passes over the data the optimizer made.
    public var passes: Double
    /// Iterations (epochs for SGD and Adam).
    public var iterations: Int
    /// The final objective.
    public var objective: Double
    /// Seconds until the objective first reached the benchmark's target, if it did.
    public var secondsToTarget: Double?
    /// Σ over reduce rounds of the slowest worker's compute time: the part of each round that
    /// more workers shrink.
    public var computeSeconds: Double
    /// Seconds the parameter server waited for replies (compute included).
    public var waitSeconds: Double
    /// Seconds the parameter server spent summing contributions.
    public var reduceSeconds: Double
    /// Bytes sent and received by the parameter server.
    public var bytesMoved: Int
    /// Reduce rounds.
    public var rounds: Int
    /// Seconds to stream-read the data's feature bytes once with `min(workers, cores)` threads,
    /// measured in the same run: the memory-bandwidth floor of one pass.
    public var floorSecondsPerPass: Double

    public init(workers: Int, oversubscribed: Bool, seconds: Double, passes: Double, iterations: Int, objective: Double,
                secondsToTarget: Double?, computeSeconds: Double, waitSeconds: Double, reduceSeconds: Double,
                bytesMoved: Int, rounds: Int, floorSecondsPerPass: Double) {
        self.workers = workers
        self.oversubscribed = oversubscribed
        self.seconds = seconds
        self.passes = passes
        self.iterations = iterations
        self.objective = objective
        self.secondsToTarget = secondsToTarget
        self.computeSeconds = computeSeconds
        self.waitSeconds = waitSeconds
        self.reduceSeconds = reduceSeconds
        self.bytesMoved = bytesMoved
        self.rounds = rounds
        self.floorSecondsPerPass = floorSecondsPerPass
    }

    /// Seconds per pass over the data ("time per epoch").
    public var secondsPerPass: Double { passes > 0 ? seconds / passes : seconds }

    /// How a pass's time splits: the workers' compute, waiting beyond it (messages, stragglers,
    /// scheduling), the reduce, and the parameter server's own work (the optimizer's vector
    /// operations and line search), each per pass.
    public var breakdown: Breakdown {
        let perPass = passes > 0 ? 1 / passes : 1
        let compute = min(computeSeconds, waitSeconds)
        let communication = max(0, waitSeconds - compute)
        let coordinator = max(0, seconds - waitSeconds - reduceSeconds)
        return Breakdown(compute: compute * perPass, communication: communication * perPass,
                         reduce: reduceSeconds * perPass, coordinator: coordinator * perPass)
    }

    /// The parts of one pass, in seconds.
    public struct Breakdown: Sendable, Equatable {
        public var compute: Double
        public var communication: Double
        public var reduce: Double
        public var coordinator: Double

        public var total: Double { compute + communication + reduce + coordinator }
    }
}
