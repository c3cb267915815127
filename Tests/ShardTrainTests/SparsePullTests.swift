import Foundation
import Testing
@testable import ShardTrain
import TestSupport

/// Sparse push and pull by key: a shard that touches few of the features receives and sends
/// only their entries, and the run is the same as one that moves every parameter.
@Suite struct SparsePullTests {
    @Test func aShardPullsOnlyTheParametersItTouches() throws {
        let data = try Datasets.blocks()
        var configuration = TrainingConfiguration(kind: .logistic)
        configuration.gradientTolerance = 1e-8
        let trainer = try Trainer(configuration)
        let local = try trainer.fit(data)
        var objectives: [Int: Double] = [:]
        for shards in 2 ... 4 {
            let (remote, prepared, _) = try ParameterServerTests.cluster(data, shards: shards, configuration: configuration)
            defer { remote.shutdown() }
            var records: [DistributedProblem.RoundRecord] = []
            remote.afterRound = { records.append($0) }
            let model = try trainer.fit(remote, prepared: prepared, workers: shards)
            objectives[shards] = model.summary.objective
            #expect(abs(model.summary.objective - local.summary.objective) <= 1e-6 * local.summary.objective,
                    "\(shards) shards: \(model.summary.objective) vs \(local.summary.objective)")
            if shards == 4 {
                // Each shard holds one block: its keys are its 5,000 features' touched ones, the
                // shared ones and the intercept — under a quarter of the 20,021 parameters.
                for keys in remote.pulledKeys {
                    #expect(!keys.isEmpty && keys.count < remote.parameterCount / 4 + 30, "\(keys.count) keys")
                }
                let dense = Message.evaluateSize(remote.parameterCount)
                let evaluateRounds = records.filter { $0.workers.allSatisfy { $0.bytesSent > 1_000 } }
                #expect(!evaluateRounds.isEmpty)
                for round in evaluateRounds {
                    for worker in round.workers {
                        #expect(worker.bytesSent < dense / 3 && worker.bytesReceived < dense / 3, "\(worker)")
                    }
                }
            }
        }
        #expect(objectives.count == 3)
    }

    /// Keys come as `ready` announces them: increasing, below the parameter count; a shard
    /// touching half the parameters or more pulls everything.
    @Test func keysAreTheTouchedFeaturesAndTheIntercepts() throws {
        let data = try Datasets.blocks(blocks: 2, rows: 50)
        let half = data.rows(at: Array(0 ..< 50))
        let objective = try Trainer(TrainingConfiguration(kind: .logistic)).prepare(half).objective!
        let keys = objective.touchedParameters()
        guard case .sparse(let m) = half.features else { Issue.record("sparse data"); return }
        #expect(keys == Set(m.columnIndices.map(Int.init)).sorted() + [m.columns])
        #expect(zip(keys, keys.dropFirst()).allSatisfy { $0 < $1 })
        let everything = try Trainer(TrainingConfiguration(kind: .logistic)).prepare(try Datasets.a9a().train).objective!
        #expect(everything.touchedParameters().isEmpty)
    }
}
