import Foundation
import Testing
@testable import ShardTrain
import TestSupport

/// The fused kernels against a naive float64 loop, finite differences, sparse storage and
/// sums of row ranges.
@Suite struct GradientTests {
    static let kinds: [ModelKind] = [.linear, .logistic, .softmax]

    static func objective(_ kind: ModelKind, _ features: FeatureMatrix, _ targets: [Double], _ weights: [Double]?) -> Objective {
        let loss: any Loss = switch kind {
        case .linear: SquaredLoss()
        case .logistic: LogisticLoss()
        case .softmax: SoftmaxLoss(classes: 3)
        }
        return try! Objective(loss: loss, features: features, targets: targets, sampleWeights: weights)
    }

    static func randomParameters(_ count: Int, seed: UInt64) -> [Double] {
        var generator = SeededGenerator(seed: seed)
        return (0 ..< count).map { _ in generator.nextGaussian() * 0.5 }
    }

    @Test(arguments: kinds, [false, true])
    func kernelMatchesNaiveReference(kind: ModelKind, weighted: Bool) {
        let (matrix, targets, weights) = ReferenceObjective.randomProblem(kind: kind, rows: 517, features: 13, weighted: weighted)
        let objective = Self.objective(kind, .dense(matrix), targets, weights)
        let theta = Self.randomParameters(objective.parameterCount, seed: 3)
        var workspace = KernelWorkspace(features: 13, outputs: objective.outputs, blockRows: 64)
        let fast = objective.evaluate(theta, rows: 0 ..< 517, workspace: &workspace)
        let reference = ReferenceObjective.evaluate(kind: kind, classes: 3, features: matrix, targets: targets,
                                                    weights: weights, parameters: theta)
        // float32 margins and block gradients: agree to ~1e-5 relative.
        #expect(abs(fast.lossSum - reference.loss) <= 1e-5 * abs(reference.loss))
        let scale = reference.gradient.map(abs).max() ?? 1
        for j in theta.indices { #expect(abs(fast.gradient[j] - reference.gradient[j]) <= 1e-5 * scale) }
        #expect(fast.weightSum == (weights?.reduce(0, +) ?? 517))
    }

    @Test(arguments: kinds)
    func gradientMatchesFiniteDifferences(kind: ModelKind) {
        let (matrix, targets, _) = ReferenceObjective.randomProblem(kind: kind, rows: 200, features: 6)
        let objective = Self.objective(kind, .dense(matrix), targets, nil)
        let theta = Self.randomParameters(objective.parameterCount, seed: 11)
        var workspace = objective.makeWorkspace()
        let analytic = objective.evaluate(theta, rows: 0 ..< 200, workspace: &workspace).gradient
        // Central differences on the float64 reference (the float32 kernel is too coarse for h²).
        let h = 1e-5
        for j in theta.indices {
            var plus = theta, minus = theta
            plus[j] += h
            minus[j] -= h
            let up = ReferenceObjective.evaluate(kind: kind, classes: 3, features: matrix, targets: targets, weights: nil, parameters: plus).loss
            let down = ReferenceObjective.evaluate(kind: kind, classes: 3, features: matrix, targets: targets, weights: nil, parameters: minus).loss
            let numeric = (up - down) / (2 * h)
            #expect(abs(numeric - analytic[j]) <= 1e-4 * max(1, abs(numeric)), "parameter \(j)")
        }
    }

    @Test(arguments: kinds)
    func denseAndSparseStorageGiveTheSameGradient(kind: ModelKind) {
        let (matrix, targets, weights) = ReferenceObjective.randomProblem(kind: kind, rows: 300, features: 40,
                                                                          density: 0.15, weighted: true)
        let dense = Self.objective(kind, .dense(matrix), targets, weights)
        let sparse = Self.objective(kind, .sparse(matrix.sparsified()), targets, weights)
        let theta = Self.randomParameters(dense.parameterCount, seed: 5)
        var w1 = dense.makeWorkspace(), w2 = sparse.makeWorkspace()
        let a = dense.evaluate(theta, rows: 0 ..< 300, workspace: &w1)
        let b = sparse.evaluate(theta, rows: 0 ..< 300, workspace: &w2)
        #expect(abs(a.lossSum - b.lossSum) <= 1e-6 * abs(a.lossSum))
        for j in theta.indices { #expect(abs(a.gradient[j] - b.gradient[j]) <= 1e-5 * max(1, abs(a.gradient[j]))) }
    }

    @Test(arguments: kinds, [false, true])
    func rangeEvaluationsAddUpToTheWhole(kind: ModelKind, sparse: Bool) {
        let (matrix, targets, weights) = ReferenceObjective.randomProblem(kind: kind, rows: 1000, features: 20,
                                                                          density: 0.3, weighted: true)
        let features: FeatureMatrix = sparse ? .sparse(matrix.sparsified()) : .dense(matrix)
        let objective = Self.objective(kind, features, targets, weights)
        let theta = Self.randomParameters(objective.parameterCount, seed: 9)
        var workspace = objective.makeWorkspace()
        let whole = objective.evaluate(theta, rows: 0 ..< 1000, workspace: &workspace)
        var sum = PartialEvaluation.zero(parameterCount: objective.parameterCount)
        for range in [0 ..< 1, 1 ..< 333, 333 ..< 334, 334 ..< 777, 777 ..< 1000] {
            sum += objective.evaluate(theta, rows: range, workspace: &workspace)
        }
        #expect(abs(sum.lossSum - whole.lossSum) <= 1e-9 * abs(whole.lossSum))
        #expect(abs(sum.weightSum - whole.weightSum) <= 1e-9 * whole.weightSum)
        for j in theta.indices { #expect(abs(sum.gradient[j] - whole.gradient[j]) <= 1e-5 * max(1, abs(whole.gradient[j]))) }
    }

    @Test func losesNothingAtExtremeMargins() {
        let margins: [Float] = [800, -800, 0]
        let targets: [Double] = [0, 1, 1]
        var derivatives = [Double](repeating: 0, count: 3)
        let loss = margins.withUnsafeBufferPointer { m in
            derivatives.withUnsafeMutableBufferPointer { r in
                targets.withUnsafeBufferPointer { LogisticLoss().derivatives(margins: m, into: r, targets: $0, weights: nil) }
            }
        }
        #expect(abs(loss - (800 + 800 + log(2))) < 1e-5)
        #expect(derivatives == [1, -1, -0.5])
    }
}
