import Foundation
import Testing
@testable import ShardTrain
import TestSupport

/// A run interrupted after a checkpoint and resumed from it ends exactly where an uninterrupted
/// run ends: same parameters bit for bit, same history, iterations and passes.
@Suite struct CheckpointResumeTests {
    /// The checkpoints a run saved; the save after `stopAfter` of them throws, as a crash would.
    final class Recorder: @unchecked Sendable {
        struct Interrupted: Error {}
        private let lock = NSLock()
        private var saved: [OptimizerCheckpoint] = []
        let stopAfter: Int

        init(stopAfter: Int) { self.stopAfter = stopAfter }

        var checkpoints: [OptimizerCheckpoint] { lock.withLock { saved } }

        func save(_ state: OptimizerCheckpoint) throws {
            let count = lock.withLock {
                saved.append(state)
                return saved.count
            }
            if count >= stopAfter { throw Interrupted() }
        }
    }

    struct Case: Sendable, CustomStringConvertible {
        var optimizer: TrainingConfiguration.OptimizerChoice
        var kind: ModelKind
        var dataset: String
        var l1 = 0.0
        var limit: Int
        var every: Int
        /// The objective the uninterrupted run must reach (relative tolerance `within`).
        var reference: Double
        var within: Double
        var description: String { "\(optimizer.rawValue)\(l1 > 0 ? "+l1" : "") on \(dataset)" }
    }

    static let cases: [Case] = [
        // a9a logistic, λ = 1: the optimum is 10528.5–10528.6 (TrainingAcceptanceTests).
        Case(optimizer: .sgd, kind: .logistic, dataset: "a9a", limit: 6, every: 2, reference: 10_528.6, within: 0.01),
        Case(optimizer: .adam, kind: .logistic, dataset: "a9a", limit: 6, every: 2, reference: 10_528.6, within: 0.01),
        Case(optimizer: .lbfgs, kind: .logistic, dataset: "a9a", limit: 30, every: 10, reference: 10_528.6, within: 2e-3),
        Case(optimizer: .adam, kind: .softmax, dataset: "dna", limit: 5, every: 2, reference: 0, within: 0),
        Case(optimizer: .lbfgs, kind: .logistic, dataset: "a9a", l1: 1, limit: 30, every: 10, reference: 0, within: 0),
        Case(optimizer: .newton, kind: .logistic, dataset: "a9a", limit: 5, every: 2, reference: 0, within: 0),
        Case(optimizer: .newton, kind: .softmax, dataset: "dna", limit: 5, every: 2, reference: 0, within: 0),
    ]

    static func data(_ name: String) throws -> Dataset {
        name == "dna" ? try Datasets.dna().train : try Datasets.a9a().train
    }

    @Test(arguments: cases)
    func interruptedRunResumesToTheSameParameters(_ run: Case) throws {
        var configuration = TrainingConfiguration(kind: run.kind)
        configuration.optimizer = run.optimizer
        configuration.l1Penalty = run.l1
        configuration.maxIterations = run.limit
        configuration.objectiveTolerance = 0
        configuration.gradientTolerance = 1e-12
        configuration.seed = 5
        let trainer = try Trainer(configuration)
        let prepared = try trainer.prepare(try Self.data(run.dataset))
        let problem = try trainer.makeLocalProblem(prepared)
        let clean = try trainer.fit(problem, prepared: prepared)
        #expect(clean.summary.iterations == run.limit)
        if run.reference > 0 {
            #expect(abs(clean.summary.objective - run.reference) <= run.within * run.reference, "\(clean.summary.objective)")
        }

        let recorder = Recorder(stopAfter: 2)
        let policy = CheckpointPolicy(every: run.every) { try recorder.save($0) }
        #expect(throws: TrainingError.self) { try trainer.fit(problem, prepared: prepared, checkpoints: policy) }
        let saved = try #require(recorder.checkpoints.last)
        #expect(recorder.checkpoints.map(\.completed) == [run.every, 2 * run.every])
        #expect(saved.optimizer == configuration.makeMinimizer().name)

        // Through JSON, as the CLI stores it.
        let decoded = try JSONDecoder().decode(OptimizerCheckpoint.self, from: try JSONEncoder().encode(saved))
        #expect(decoded == saved)
        let resumed = try trainer.fit(problem, prepared: prepared, resume: decoded)
        #expect(resumed.weights == clean.weights)
        #expect(resumed.intercepts == clean.intercepts)
        #expect(resumed.summary.objectiveHistory == clean.summary.objectiveHistory)
        #expect(resumed.summary.iterations == clean.summary.iterations)
        #expect(resumed.summary.passes == clean.summary.passes)
        // The resumed run did work: its history is longer than the checkpoint's.
        #expect(resumed.summary.objectiveHistory.count > (try Self.history(of: saved)).count)
    }

    static func history(of checkpoint: OptimizerCheckpoint) throws -> [Double] {
        switch checkpoint {
        case .lbfgs(let state), .owlqn(let state): state.history
        case .miniBatch(let state): state.history
        case .newton(let state): state.history
        }
    }

    /// Adam's checkpoint is refused by SGD (and the other way round) with a message naming both.
    @Test func aCheckpointOfAnotherOptimizerIsRefused() throws {
        var configuration = TrainingConfiguration(kind: .softmax)
        configuration.optimizer = .adam
        configuration.maxIterations = 1
        let data = try Datasets.dna().train
        let recorder = Recorder(stopAfter: .max)
        let adam = try Trainer(configuration)
        let adamPrepared = try adam.prepare(data)
        _ = try adam.fit(try adam.makeLocalProblem(adamPrepared), prepared: adamPrepared,
                         checkpoints: CheckpointPolicy(every: 1) { try recorder.save($0) })
        let saved = try #require(recorder.checkpoints.first)
        configuration.optimizer = .sgd
        let sgd = try Trainer(configuration)
        let prepared = try sgd.prepare(data)
        #expect(throws: TrainingError(.invalidConfiguration, "the checkpoint was saved by adam — this run uses sgd")) {
            try sgd.fit(try sgd.makeLocalProblem(prepared), prepared: prepared, resume: saved)
        }
    }

    /// The generator continues its sequence from a saved state.
    @Test func generatorStateContinuesTheSequence() {
        var generator = SeededGenerator(seed: 42)
        _ = (0 ..< 5).map { _ in generator.next() }
        var copy = SeededGenerator(state: generator.state)
        #expect((0 ..< 5).map { _ in copy.next() } == (0 ..< 5).map { _ in generator.next() })
    }
}
