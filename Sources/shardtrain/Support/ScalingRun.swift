import BenchmarkKit
import Foundation
import ShardTrain

/// One run of `bench scaling`: `workers` local worker processes train from zero, and the
/// parameter server's records give the split of the time.
struct ScalingRun {
    var workers: Int
    var path: String
    var options: DataOptions
    var trainer: Trainer

    init(workers: Int, path: String, options: DataOptions, trainer: Trainer) throws {
        self.workers = workers
        self.path = path
        self.options = options
        self.trainer = trainer
    }

    /// Starts the workers (their data loading is not timed), trains, and measures; also returns
    /// the objective after each iteration with the seconds it took to get there.
    func measure(cores: Int, floor: Double) throws -> (ScalingMeasurement, trace: [(seconds: Double, objective: Double)]) {
        let count = workers
        let passOn = options.arguments
        let data = path
        let cluster = try report {
            try LocalCluster(workers: count, executable: LocalWorkers.currentExecutable, configuration: trainer.configuration,
                             featureCount: options.features, source: data) { rank, socket in
                ["worker", "--socket", socket, "--rank", String(rank), "--workers", String(count), "--data", data] + passOn
            }
        }
        defer { cluster.shutdown() }
        let slowest = SlowestCompute()
        cluster.problem.afterRound = { round in slowest.add(round.workers.map(\.computeSeconds).max() ?? 0) }
        let clock = ContinuousClock()
        let start = clock.now
        var trace: [(seconds: Double, objective: Double)] = []
        let fitted = try report {
            try trainer.fit(cluster.problem, prepared: cluster.prepared, workers: count) { step in
                trace.append(((clock.now - start).seconds, step.objective))
            }
        }
        let seconds = (clock.now - start).seconds
        let statistics = cluster.problem.statistics
        let measurement = ScalingMeasurement(workers: count, oversubscribed: count > cores, seconds: seconds, passes: fitted.summary.passes,
                                  iterations: fitted.summary.iterations, objective: fitted.summary.objective,
                                  secondsToTarget: nil, computeSeconds: slowest.total, waitSeconds: statistics.waitSeconds,
                                  reduceSeconds: statistics.reduceSeconds, bytesMoved: statistics.bytesSent + statistics.bytesReceived,
                                  rounds: statistics.rounds, floorSecondsPerPass: floor)
        return (measurement, trace)
    }
}

/// Sums each round's slowest compute time (rounds are recorded on the server's thread).
private final class SlowestCompute {
    private(set) var total = 0.0
    func add(_ seconds: Double) { total += seconds }
}
