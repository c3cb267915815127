import Foundation
import Testing
@testable import ShardTrain
import TestSupport

/// The parameter server and its workers over the in-memory transport: the distributed sum
/// equals the single-process evaluation, and bad pushes are refused.
@Suite struct ParameterServerTests {
    /// Starts `count` workers on threads, each serving one consecutive shard of `dataset`.
    static func cluster(_ dataset: Dataset, shards count: Int, configuration: TrainingConfiguration,
                        delays: [Int: Duration] = [:]) throws -> (DistributedProblem, PreparedTraining, [Thread]) {
        var serverEnds: [any MessageEndpoint] = []
        var threads: [Thread] = []
        for rank in (0 ..< count).reversed() {
            let (server, worker) = InMemoryEndpoint.pair("coordinator", "worker \(rank)")
            serverEnds.append(server)
            let lower = dataset.rowCount * rank / count, upper = dataset.rowCount * (rank + 1) / count
            let shard = dataset.rows(at: Array(lower ..< upper))
            let delay = delays[rank] ?? .zero
            let thread = Thread {
                var session = WorkerSession(rank: rank, endpoint: worker, shard: shard)
                session.delay = delay
                try? session.run()
            }
            thread.start()
            threads.append(thread)
        }
        let (problem, prepared, _) = try ClusterSetup.establish(serverEnds, configuration: configuration, featureCount: nil, source: "test")
        return (problem, prepared, threads)
    }

    @Test(arguments: [ModelKind.logistic, .linear, .softmax])
    func distributedEvaluationEqualsLocal(kind: ModelKind) throws {
        let (matrix, targets, _) = ReferenceObjective.randomProblem(kind: kind, rows: 900, features: 12)
        let labels = kind == .softmax ? targets.map { $0 + 1 } : targets
        let dataset = try Dataset(features: .dense(matrix), labels: labels)
        let configuration = TrainingConfiguration(kind: kind)
        let trainer = try Trainer(configuration)
        let localPrepared = try trainer.prepare(dataset)
        let local = try trainer.makeLocalProblem(localPrepared)
        let (remote, prepared, _) = try Self.cluster(dataset, shards: 3, configuration: configuration)
        defer { remote.shutdown() }
        remote.rowOrder = .shardsInSequence
        let a = try #require(localPrepared.standardization), b = try #require(prepared.standardization)
        for j in a.means.indices {
            #expect(abs(a.means[j] - b.means[j]) <= 1e-12 && abs(a.scales[j] - b.scales[j]) <= 1e-12 * a.scales[j])
        }
        #expect(prepared.classes == localPrepared.classes)
        var generator = SeededGenerator(seed: 4)
        let theta = (0 ..< local.parameterCount).map { _ in Double(Float(generator.nextGaussian() * 0.3)) }
        for rows in [0 ..< 900, 250 ..< 700, 0 ..< 1, 599 ..< 601] {
            let a = try local.evaluate(theta, rows: rows), b = try remote.evaluate(theta, rows: rows)
            #expect(abs(a.lossSum - b.lossSum) <= 1e-9 * max(1, abs(a.lossSum)), "rows \(rows)")
            #expect(a.weightSum == b.weightSum)
            // Workers push float32 gradients: each shard's sum is rounded once.
            for j in theta.indices { #expect(abs(a.gradient[j] - b.gradient[j]) <= 1e-5 * max(1, abs(a.gradient[j]))) }
        }
        #expect(remote.statistics.rounds == 4)
    }

    /// Interleaved batches: every batch reaches every worker, and the batches of a partition of
    /// the rows add up to the whole data.
    @Test func interleavedBatchesSpreadOverWorkersAndPartitionTheData() throws {
        let (matrix, targets, _) = ReferenceObjective.randomProblem(kind: .logistic, rows: 1000, features: 6)
        let dataset = try Dataset(features: .dense(matrix), labels: targets)
        let (remote, _, _) = try Self.cluster(dataset, shards: 3, configuration: TrainingConfiguration(kind: .logistic))
        defer { remote.shutdown() }
        var rounds: [DistributedProblem.RoundRecord] = []
        remote.afterRound = { rounds.append($0) }
        let theta = [Double](repeating: 0.1, count: remote.parameterCount)
        let whole = try remote.evaluate(theta, rows: 0 ..< 1000)
        var sum = PartialEvaluation.zero(parameterCount: remote.parameterCount)
        for begin in stride(from: 0, to: 1000, by: 64) {
            let part = try remote.evaluate(theta, rows: begin ..< min(begin + 64, 1000))
            #expect(abs(part.weightSum - Double(min(64, 1000 - begin))) <= 3)
            sum += part
        }
        #expect(sum.weightSum == 1000)
        #expect(abs(sum.lossSum - whole.lossSum) <= 1e-9 * whole.lossSum)
        #expect(rounds.dropFirst().allSatisfy { $0.workers.count == 3 })
    }

    @Test func distributedTrainingMatchesLocalTraining() throws {
        let (train, _) = try Datasets.a9a()
        let configuration = TrainingConfiguration.exactOptimum(.logistic)
        let trainer = try Trainer(configuration)
        let local = try trainer.fit(train)
        let (remote, prepared, _) = try Self.cluster(train, shards: 4, configuration: configuration)
        defer { remote.shutdown() }
        let distributed = try trainer.fit(remote, prepared: prepared, workers: 4)
        #expect(abs(distributed.summary.objective - local.summary.objective) <= 1e-6 * local.summary.objective)
        #expect(distributed.summary.workers == 4)
    }

    @Test func nonFinitePushesAreRefusedNotAveraged() throws {
        let (server, worker) = InMemoryEndpoint.pair("coordinator", "worker 0")
        let problem = DistributedProblem(endpoints: [server], shardRows: [10], parameterCount: 2,
                                         regularization: Regularization(l2Penalty: 0, l1Penalty: 0, penalizedCount: 1),
                                         timeout: .seconds(5))
        let thread = Thread {
            if case .evaluate(let version, _, _)? = try? worker.receive(timeout: .seconds(5)) {
                try? worker.send(.result(version: version, lossSum: .nan, weightSum: 10, gradient: [1, 2], computeSeconds: 0))
            }
        }
        thread.start()
        #expect { try problem.evaluate([0, 0], rows: 0 ..< 10) } throws: { error in
            (error as? TransportError)?.code == .nonFinite && (error as? TransportError)?.peer == "worker 0"
        }
    }

    @Test func wrongDimensionsAndStaleVersionsAreRefused() throws {
        for reply in [Message.result(version: 1, lossSum: 1, weightSum: 1, gradient: [1, 2, 3], computeSeconds: 0),
                      Message.result(version: 99, lossSum: 1, weightSum: 1, gradient: [1, 2], computeSeconds: 0)] {
            let (server, worker) = InMemoryEndpoint.pair("coordinator", "worker 0")
            let problem = DistributedProblem(endpoints: [server], shardRows: [4], parameterCount: 2,
                                             regularization: Regularization(l2Penalty: 0, l1Penalty: 0, penalizedCount: 1),
                                             timeout: .seconds(5))
            let thread = Thread {
                _ = try? worker.receive(timeout: .seconds(5))
                try? worker.send(reply)
            }
            thread.start()
            #expect(throws: TransportError.self) { try problem.evaluate([0, 0], rows: 0 ..< 4) }
        }
    }

    @Test func silentWorkersTimeOut() throws {
        let (server, silent) = InMemoryEndpoint.pair("coordinator", "worker 0")
        let problem = DistributedProblem(endpoints: [server], shardRows: [4], parameterCount: 2,
                                         regularization: Regularization(l2Penalty: 0, l1Penalty: 0, penalizedCount: 1),
                                         timeout: .milliseconds(200))
        defer { withExtendedLifetime(silent) {} }
        #expect { try problem.evaluate([0, 0], rows: 0 ..< 4) } throws: { ($0 as? TransportError)?.code == .timedOut }
    }
}
