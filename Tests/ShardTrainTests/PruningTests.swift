import Foundation
import Testing
import TestSupport
@testable import ShardTrain

/// Magnitude pruning: exact sparsity, untouched intercepts, global versus per-output scope.
@Suite struct PruningTests {
    /// A softmax model of dna (3 classes × 180 features), trained once for the suite.
    private static let dna: LinearModel? = try? Trainer(.exactOptimum(.softmax)).fit(Datasets.dna().train)

    @Test(arguments: [0.0, 0.5, 0.8, 0.9, 0.95, 0.99])
    func hitsTheRequestedSparsityExactly(sparsity: Double) throws {
        let model = try #require(Self.dna)
        let pruned = try Pruning(.sparsity(sparsity)).apply(to: model)
        let expectedZeros = Int((sparsity * 540).rounded())
        #expect(pruned.weights.count(where: { $0 == 0 }) == expectedZeros)
        #expect(pruned.intercepts == model.intercepts)
        // Survivors are untouched and every survivor is at least as large as every removed weight.
        let removed = zip(model.weights, pruned.weights).filter { $0.1 == 0 }.map { abs($0.0) }
        let kept = zip(model.weights, pruned.weights).filter { $0.1 != 0 }
        #expect(kept.allSatisfy { $0.0 == $0.1 })
        if let largestRemoved = removed.max(), let smallestKept = kept.map({ abs($0.0) }).min() {
            #expect(largestRemoved <= smallestKept)
        }
    }

    @Test func tiesAreBrokenByPositionSoTheCountIsExact() throws {
        let model = LinearModel(kind: .linear, featureCount: 6, weights: [0.5, -0.5, 0.5, 1, -0.5, 2], intercepts: [3],
                                classes: [], standardization: nil, summary: ModelFileSamples.summary)
        let pruned = try Pruning(.sparsity(0.5)).apply(to: model)
        #expect(pruned.weights == [0, 0, 0, 1, -0.5, 2])
        #expect(pruned.intercepts == [3])
    }

    @Test func thresholdZeroesEveryWeightBelowIt() throws {
        let model = try #require(Self.dna)
        let threshold = 0.05
        let pruned = try Pruning(.threshold(threshold)).apply(to: model)
        let expected = model.weights.map { abs($0) < threshold ? 0 : $0 }
        #expect(pruned.weights == expected)
        #expect(pruned.intercepts == model.intercepts)
        #expect(try Pruning(.threshold(0)).apply(to: model).weights == model.weights)
    }

    @Test func perOutputGivesEveryClassTheSameShareWhileGlobalDoesNot() throws {
        let model = try #require(Self.dna)
        let perClass = try Pruning(.sparsity(0.9), scope: .perOutput).apply(to: model)
        let global = try Pruning(.sparsity(0.9)).apply(to: model)
        func zerosPerClass(_ m: LinearModel) -> [Int] {
            (0 ..< m.outputs).map { k in m.coefficients(ofOutput: k).count(where: { $0 == 0 }) }
        }
        #expect(zerosPerClass(perClass) == [162, 162, 162])   // round(0.9 × 180) each
        #expect(zerosPerClass(global).reduce(0, +) == 486)     // round(0.9 × 540) in all
        #expect(zerosPerClass(global) != [162, 162, 162])
        // Test accuracy on dna.scale.t (1 186 rows), without fine-tuning: measured dense 0.9477,
        // per-class 0.8153, global 0.8187; checked to ±0.01.
        let test = try Datasets.dna().test
        let dense = try accuracy(model, test), a = try accuracy(perClass, test), b = try accuracy(global, test)
        #expect(abs(dense - 0.9477) < 0.01, "dense \(dense)")
        #expect(abs(a - 0.8153) < 0.01, "per-class \(a)")
        #expect(abs(b - 0.8187) < 0.01, "global \(b)")
    }

    @Test func recordsWhatWasDone() throws {
        let model = try #require(Self.dna)
        let pruned = try Pruning(.sparsity(0.8), scope: .perOutput).apply(to: model)
        let record = try #require(pruned.metadata[Pruning.metadataKey])
        let json = try #require(try JSONSerialization.jsonObject(with: Data(record.utf8)) as? [String: Any])
        #expect(json["method"] as? String == "magnitude")
        #expect(json["scope"] as? String == "per-output")
        #expect(json["target_sparsity"] as? Double == 0.8)
        #expect(json["achieved_sparsity"] as? Double == 432.0 / 540.0)
    }

    @Test func rejectsTargetsOutOfRange() {
        for target: Pruning.Target in [.sparsity(1), .sparsity(-0.1), .sparsity(.nan), .threshold(-1), .threshold(.infinity)] {
            #expect(throws: TrainingError.self) { try Pruning(target) }
        }
    }

    private func accuracy(_ model: LinearModel, _ data: Dataset) throws -> Double {
        guard case .classification(let metrics) = try model.evaluate(data) else { return .nan }
        return metrics.accuracy
    }
}
