import Foundation
import Testing
@testable import ShardTrain
import TestSupport

/// A worker lost during the handshake — after its `hello`, or after the setup was sent, while
/// it reads its shard — is replaced through `ClusterSetup.establish`'s `replace`, and the
/// cluster then evaluates exactly what an undisturbed one does.
@Suite struct SetupReplacementTests {
    @Test(arguments: ["hello", "setup"])
    func aWorkerLostDuringSetupIsReplaced(lostAfter: String) throws {
        let (matrix, targets, _) = ReferenceObjective.randomProblem(kind: .logistic, rows: 600, features: 8)
        let dataset = try Dataset(features: .dense(matrix), labels: targets)
        let configuration = TrainingConfiguration(kind: .logistic)
        let shards = [dataset.rows(at: Array(0 ..< 300)), dataset.rows(at: Array(300 ..< 600))]
        func session(_ rank: Int) -> InMemoryEndpoint {
            let (server, worker) = InMemoryEndpoint.pair("coordinator", "worker \(rank)")
            let shard = shards[rank]
            Thread { try? WorkerSession(rank: rank, endpoint: worker, shard: shard).run() }.start()
            return server
        }
        // Worker 1 goes away at the chosen step, as a killed process would: no failure message.
        let (doomedServer, doomed) = InMemoryEndpoint.pair("coordinator", "worker 1")
        let doomedShard = shards[1]
        Thread {
            try? doomed.send(.hello(rank: 1))
            if lostAfter == "setup" {
                try? doomed.send(.dataSummary(ShardSummary(of: doomedShard)))
                _ = try? doomed.receive(timeout: .seconds(10))
            }
            doomed.close()
        }.start()
        var replaced: [Int] = []
        let (problem, prepared, _) = try ClusterSetup.establish(
            [session(0), doomedServer], configuration: configuration, featureCount: nil, source: "test", timeout: .seconds(10),
            replace: { rank in
                replaced.append(rank)
                let fresh = session(rank)
                guard case .hello(rank)? = try? fresh.receive(timeout: .seconds(10)) else {
                    throw TransportError(.unexpectedMessage, peer: "worker \(rank)", "no hello")
                }
                return fresh
            })
        defer { problem.shutdown() }
        #expect(replaced == [1])
        problem.rowOrder = .shardsInSequence
        let trainer = try Trainer(configuration)
        let local = try trainer.makeLocalProblem(try trainer.prepare(dataset))
        #expect(prepared.rowCount == 600)
        var generator = SeededGenerator(seed: 9)
        let theta = (0 ..< local.parameterCount).map { _ in Double(Float(generator.nextGaussian() * 0.3)) }
        let a = try local.evaluate(theta, rows: 0 ..< 600), b = try problem.evaluate(theta, rows: 0 ..< 600)
        #expect(abs(a.lossSum - b.lossSum) <= 1e-9 * abs(a.lossSum))
    }

    /// A worker that reports a failure while loading is not replaced: the setup fails with its
    /// message.
    @Test func aWorkerThatReportsAFailureIsNotReplaced() throws {
        let (server, worker) = InMemoryEndpoint.pair("coordinator", "worker 0")
        Thread {
            try? worker.send(.hello(rank: 0))
            try? worker.send(.failure("rows.svm:7:3: bad label"))
        }.start()
        var asked = false
        #expect {
            _ = try ClusterSetup.establish([server], configuration: TrainingConfiguration(kind: .logistic), featureCount: nil,
                                           source: "test", timeout: .seconds(10), replace: { _ in asked = true; return server })
        } throws: { ($0 as? TransportError)?.code == .workerFailed && "\($0)".contains("bad label") }
        #expect(!asked)
    }
}
