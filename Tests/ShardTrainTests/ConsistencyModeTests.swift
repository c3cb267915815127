import Foundation
import Testing
@testable import ShardTrain
import TestSupport

/// Bounded staleness and local SGD over in-memory workers: the limiting cases equal the
/// synchronous run, and the general cases still train.
@Suite struct ConsistencyModeTests {
    /// a9a's first 6,000 rows: small enough for many runs, real enough to mean something.
    static func data() throws -> Dataset {
        let (train, _) = try Datasets.a9a()
        return train.rows(at: Array(0 ..< 6000))
    }

    static func fit(_ consistency: TrainingConfiguration.Consistency, optimizer: TrainingConfiguration.OptimizerChoice = .sgd,
                    momentum: Double = 0.9, epochs: Int = 4, delays: [Int: Duration] = [:]) throws -> (LinearModel, DistributedProblem.Statistics) {
        var configuration = TrainingConfiguration(kind: .logistic)
        configuration.optimizer = optimizer
        configuration.consistency = consistency
        configuration.momentum = momentum
        configuration.maxIterations = epochs
        configuration.batchSize = 300
        configuration.seed = 5
        let (problem, prepared, _) = try ParameterServerTests.cluster(try data(), shards: 3, configuration: configuration,
                                                                       delays: delays)
        defer { problem.shutdown() }
        let model = try Trainer(configuration).fit(problem, prepared: prepared, workers: 3)
        return (model, problem.statistics)
    }

    @Test(arguments: [TrainingConfiguration.OptimizerChoice.sgd, .adam])
    func stalenessZeroIsTheSynchronousRun(optimizer: TrainingConfiguration.OptimizerChoice) throws {
        let (sync, _) = try Self.fit(.synchronous, optimizer: optimizer)
        let (async, statistics) = try Self.fit(.boundedStaleness(0), optimizer: optimizer)
        #expect(async.summary.objective == sync.summary.objective)
        #expect(async.summary.objectiveHistory == sync.summary.objectiveHistory)
        #expect(statistics.largestStaleness == 0)
    }

    /// A straggler lets the others run ahead, never more than K steps; training still gets
    /// within 1% of the synchronous objective — with Adam, and with plain SGD. (Heavy-ball
    /// momentum on stale gradients is another matter: asynchrony adds momentum of its own, and
    /// β = 0.9 at K = 3 doubles the objective; the docs say so.)
    @Test(arguments: [(TrainingConfiguration.OptimizerChoice.adam, 0.9), (.sgd, 0.0)])
    func boundedStalenessStaysWithinItsBoundAndTrains(optimizer: TrainingConfiguration.OptimizerChoice, momentum: Double) throws {
        let (sync, _) = try Self.fit(.synchronous, optimizer: optimizer, momentum: momentum)
        let (async, statistics) = try Self.fit(.boundedStaleness(3), optimizer: optimizer, momentum: momentum,
                                               delays: [1: .milliseconds(3)])
        #expect(statistics.largestStaleness <= 3)
        #expect(statistics.largestStaleness >= 1, "a slow worker should leave the others ahead")
        #expect(async.summary.objective <= sync.summary.objective * 1.01, "\(async.summary.objective) vs \(sync.summary.objective)")
    }

    /// One local step of plain SGD, averaged, is one synchronous step (up to the float32 copies
    /// of the parameters on the wire).
    @Test func oneLocalStepOfPlainSGDIsTheSynchronousStep() throws {
        let (sync, _) = try Self.fit(.synchronous, momentum: 0)
        let (local, statistics) = try Self.fit(.localSteps(1), momentum: 0)
        #expect(abs(local.summary.objective - sync.summary.objective) <= 1e-5 * sync.summary.objective,
                "\(local.summary.objective) vs \(sync.summary.objective)")
        #expect(statistics.rounds > 0)
    }

    /// K local steps need K times fewer rounds and still train to within 2% of synchronous SGD.
    @Test func localStepsCutRoundsAndStillTrain() throws {
        let (sync, syncStatistics) = try Self.fit(.synchronous)
        let (local, statistics) = try Self.fit(.localSteps(5))
        #expect(statistics.rounds * 4 < syncStatistics.rounds, "\(statistics.rounds) vs \(syncStatistics.rounds) rounds")
        #expect(local.summary.objective <= sync.summary.objective * 1.02, "\(local.summary.objective) vs \(sync.summary.objective)")
    }

    @Test func asynchronousModesNeedMiniBatchOptimizersAndWorkers() throws {
        var configuration = TrainingConfiguration(kind: .logistic)
        configuration.consistency = .localSteps(4)
        #expect(throws: TrainingError.self) { try Trainer(configuration) }
        configuration.optimizer = .sgd
        let trainer = try Trainer(configuration)
        #expect(throws: TrainingError.self) { try trainer.fit(try Self.data()) }
    }
}

/// Heartbeats tell a busy worker from a hung one.
@Suite struct HeartbeatTests {
    static func problem(_ server: InMemoryEndpoint) -> DistributedProblem {
        let problem = DistributedProblem(endpoints: [server], shardRows: [4], parameterCount: 2,
                                         regularization: Regularization(l2Penalty: 0, l1Penalty: 0, penalizedCount: 1),
                                         timeout: .seconds(60))
        problem.heartbeatTimeout = .milliseconds(300)
        return problem
    }

    /// Silent for longer than the heartbeat timeout: hung, long before the answer timeout.
    @Test func aSilentWorkerIsDeclaredHung() throws {
        let (server, worker) = InMemoryEndpoint.pair("coordinator", "worker 0")
        defer { withExtendedLifetime(worker) {} }
        let problem = Self.problem(server)
        let clock = ContinuousClock()
        let start = clock.now
        #expect { try problem.evaluate([0, 0], rows: 0 ..< 4) } throws: { error in
            (error as? TransportError)?.code == .timedOut && ((error as? TransportError)?.message.contains("hung") ?? false)
        }
        #expect(clock.now - start < .seconds(5))
    }

    /// A worker that takes a second but keeps beating is waited for.
    @Test func aBusyWorkerThatBeatsIsWaitedFor() throws {
        let (server, worker) = InMemoryEndpoint.pair("coordinator", "worker 0")
        let problem = Self.problem(server)
        let thread = Thread {
            guard case .evaluate(let version, _, _)? = try? worker.receive(timeout: .seconds(5)) else { return }
            let heartbeat = Heartbeat(endpoint: worker, interval: 0.05)
            Thread.sleep(forTimeInterval: 1)
            heartbeat.stop()
            try? worker.send(.result(version: version, lossSum: 2, weightSum: 4, gradient: [1, -1], computeSeconds: 1))
        }
        thread.start()
        let evaluation = try problem.evaluate([0, 0], rows: 0 ..< 4)
        #expect(evaluation.lossSum == 2 && evaluation.gradient == [1, -1])
    }
}
