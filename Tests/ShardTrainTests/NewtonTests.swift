import Foundation
import Testing
@testable import ShardTrain
import TestSupport

/// Trust-region Newton (``TrustRegionNewton``) and the Hessian it applies: products and
/// diagonals against the Hessian written out row by row in float64, the optimum against
/// L-BFGS and the closed form, the default stopping rule against the exact optimum, and the
/// distributed products against the in-process ones.
@Suite struct NewtonTests {
    struct Case: Sendable, CustomStringConvertible {
        var kind: ModelKind
        var sparse: Bool
        var weighted: Bool
        var intercept: Bool
        var description: String { "\(kind.rawValue) \(sparse ? "sparse" : "dense")\(weighted ? " weighted" : "")\(intercept ? "" : " no-intercept")" }
    }

    static let cases: [Case] = [
        Case(kind: .logistic, sparse: false, weighted: false, intercept: true),
        Case(kind: .logistic, sparse: true, weighted: true, intercept: true),
        Case(kind: .linear, sparse: false, weighted: true, intercept: false),
        Case(kind: .linear, sparse: true, weighted: false, intercept: true),
        Case(kind: .softmax, sparse: false, weighted: false, intercept: true),
        Case(kind: .softmax, sparse: true, weighted: true, intercept: false),
    ]

    static func objective(_ c: Case, rows: Int = 60, features: Int = 7) throws -> Objective {
        let (matrix, targets, weights) = ReferenceObjective.randomProblem(kind: c.kind, rows: rows, features: features,
                                                                          density: c.sparse ? 0.4 : 1, weighted: c.weighted)
        var storage = FeatureMatrix.dense(matrix)
        if c.sparse {
            var offsets = [0], columns: [Int32] = [], values: [Float] = []
            for i in 0 ..< rows {
                for j in 0 ..< features where matrix[i, j] != 0 {
                    columns.append(Int32(j))
                    values.append(matrix[i, j])
                }
                offsets.append(columns.count)
            }
            storage = .sparse(try SparseMatrix(rows: rows, columns: features, rowOffsets: offsets, columnIndices: columns, values: values))
        }
        return try Objective(loss: c.kind.makeLoss(classes: 3), features: storage, targets: targets, sampleWeights: weights,
                             fitIntercept: c.intercept)
    }

    /// The data term's Hessian at `theta`, formed explicitly in float64: `Σᵢ sᵢ·x̃ᵢx̃ᵢᵀ ⊗ Hᵢ`
    /// with `Hᵢ` the loss's Hessian in the margins (1; `σ(1 − σ)`; `diag(p) − ppᵀ`).
    static func explicitHessian(_ objective: Objective, at theta: [Double]) -> [[Double]] {
        let k = objective.outputs, d = objective.features.columns, n = objective.parameterCount
        var h = [[Double]](repeating: [Double](repeating: 0, count: n), count: n)
        for i in 0 ..< objective.rowCount {
            var x = [Double](repeating: 0, count: d)
            switch objective.features {
            case .dense(let m): for j in 0 ..< d { x[j] = Double(m[i, j]) }
            case .sparse(let m):
                for p in m.rowOffsets[i] ..< m.rowOffsets[i + 1] { x[Int(m.columnIndices[p])] = Double(m.values[p]) }
            }
            var margins = (0 ..< k).map { c in theta[d * k + c] + (0 ..< d).reduce(0) { $0 + x[$1] * theta[$1 * k + c] } }
            var local = [[Double]](repeating: [Double](repeating: 0, count: k), count: k)
            switch objective.loss {
            case is SquaredLoss: local[0][0] = 1
            case is LogisticLoss:
                let p = 1 / (1 + exp(-margins[0]))
                local[0][0] = p * (1 - p)
            default:
                let top = margins.max()!
                margins = margins.map { exp($0 - top) }
                let total = margins.reduce(0, +)
                let p = margins.map { $0 / total }
                for a in 0 ..< k { for b in 0 ..< k { local[a][b] = (a == b ? p[a] : 0) - p[a] * p[b] } }
            }
            let s = objective.sampleWeights?[i] ?? 1
            let xt = x + [1]
            for u in 0 ... d {
                for v in 0 ... d where xt[u] != 0 && xt[v] != 0 {
                    for a in 0 ..< k {
                        for b in 0 ..< k {
                            let row = u < d ? u * k + a : d * k + a, column = v < d ? v * k + b : d * k + b
                            h[row][column] += s * xt[u] * xt[v] * local[a][b]
                        }
                    }
                }
            }
        }
        if !objective.fitIntercept {
            for c in 0 ..< k {
                for j in 0 ..< n { h[d * k + c][j] = 0; h[j][d * k + c] = 0 }
            }
        }
        return h
    }

    /// Products and diagonals agree with the explicit Hessian to float32 precision (the
    /// direction and the margins are float32), whether the curvature comes from a margin pass or
    /// is kept by the evaluation at the same point.
    @Test(arguments: cases)
    func productsAndDiagonalsMatchTheExplicitHessian(_ c: Case) throws {
        let objective = try Self.objective(c)
        var generator = SeededGenerator(seed: 11)
        let theta = (0 ..< objective.parameterCount).map { _ in Double(Float(generator.nextGaussian() * 0.5)) }
        var direction = (0 ..< objective.parameterCount).map { _ in Double(Float(generator.nextGaussian())) }
        if !c.intercept { for j in objective.weightCount ..< objective.parameterCount { direction[j] = 0 } }
        let h = Self.explicitHessian(objective, at: theta)
        var workspace = objective.makeWorkspace()
        let rows = 0 ..< objective.rowCount
        let computed = objective.curvature(theta, rows: rows, workspace: &workspace)
        var kept = [Double](repeating: 0, count: computed.count)
        let evaluation = kept.withUnsafeMutableBufferPointer { objective.evaluate(theta, rows: rows, workspace: &workspace, curvature: $0) }
        #expect(evaluation == objective.evaluate(theta, rows: rows, workspace: &workspace), "keeping curvature changes nothing")
        for (a, b) in zip(computed, kept) { #expect(a == b) }

        let product = objective.hessianProduct(curvature: computed, direction: direction, rows: rows, workspace: &workspace)
        let expected = h.map { row in zip(row, direction).reduce(0) { $0 + $1.0 * $1.1 } }
        let scale = expected.map(abs).max() ?? 1
        for j in expected.indices { #expect(abs(product[j] - expected[j]) <= 1e-5 * scale, "\(c) entry \(j)") }

        let diagonal = objective.hessianDiagonal(curvature: computed, rows: rows, workspace: &workspace)
        let largest = h.indices.map { abs(h[$0][$0]) }.max() ?? 1
        for j in h.indices { #expect(abs(diagonal[j] - h[j][j]) <= 1e-5 * largest, "\(c) diagonal \(j)") }
    }

    /// Newton at a tight tolerance reaches the optimum L-BFGS and the closed form reach.
    @Test func newtonReachesTheOptimumOfLBFGSAndOfTheClosedForm() throws {
        let (a9a, _) = try Datasets.a9a()
        var newton = TrainingConfiguration(kind: .logistic)
        newton.optimizer = .newton
        newton.gradientTolerance = 1e-7
        let n = try Trainer(newton).fit(a9a), l = try Trainer(.exactOptimum(.logistic)).fit(a9a)
        #expect(n.summary.optimizer == "newton" && l.summary.optimizer == "lbfgs")
        #expect(abs(n.summary.objective - l.summary.objective) <= 1e-7 * l.summary.objective, "\(n.summary.objective) vs \(l.summary.objective)")

        let dna = try Datasets.dna().train
        var softmax = TrainingConfiguration(kind: .softmax)
        softmax.optimizer = .newton
        softmax.gradientTolerance = 1e-7
        let ns = try Trainer(softmax).fit(dna), ls = try Trainer(.exactOptimum(.softmax)).fit(dna)
        #expect(abs(ns.summary.objective - ls.summary.objective) <= 1e-6 * ls.summary.objective, "\(ns.summary.objective) vs \(ls.summary.objective)")

        let (matrix, targets, weights) = ReferenceObjective.randomProblem(kind: .linear, rows: 500, features: 15, weighted: true)
        let data = try Dataset(features: .dense(matrix), labels: targets, sampleWeights: weights)
        var linear = TrainingConfiguration(kind: .linear)
        linear.optimizer = .newton
        linear.l2Penalty = 0.5
        var exact = linear
        exact.optimizer = .exact
        let nl = try Trainer(linear).fit(data), el = try Trainer(exact).fit(data)
        let largest = el.weights.map(abs).max() ?? 1
        for (a, b) in zip(nl.weights + nl.intercepts, el.weights + el.intercepts) { #expect(abs(a - b) <= 1e-5 * largest) }
    }

    /// `train` with no tuning flags: Newton stopped by LIBLINEAR's rule (`‖g‖ ≤ 0.01·n₋/n·‖g₀‖`)
    /// in a few dozen passes, at a test accuracy within 0.05 point of the exact optimum's and an
    /// objective within 0.1 % of it.
    @Test func theDefaultStopsEarlyAtTheOptimumsAccuracy() throws {
        let (train, test) = try Datasets.a9a()
        let configuration = TrainingConfiguration(kind: .logistic)
        let trainer = try Trainer(configuration)
        let prepared = try trainer.prepare(train)
        #expect(prepared.classCounts == [24_720, 7_841])
        #expect(abs(configuration.defaultGradientTolerance(for: .newton, classCounts: prepared.classCounts) - 0.01 * 7_841 / 32_561) < 1e-15)
        let fast = try trainer.fit(try trainer.makeLocalProblem(prepared), prepared: prepared)
        let exact = try Trainer(.exactOptimum(.logistic)).fit(train)
        #expect(fast.summary.optimizer == "newton")
        #expect(fast.summary.stopReason == .gradientTolerance)
        #expect(fast.summary.passes <= 60, "\(fast.summary.passes) passes")
        #expect(exact.summary.passes >= 5 * fast.summary.passes)
        #expect(fast.summary.objective <= exact.summary.objective * 1.001)
        let accuracy = { (model: LinearModel) throws -> Double in
            guard case .classification(let metrics) = try model.evaluate(test) else { return 0 }
            return metrics.accuracy
        }
        #expect(abs(try accuracy(fast) - (try accuracy(exact))) <= 0.0005)
    }

    /// `auto` is Newton for smooth problems and L-BFGS (OWL-QN) with an L1 term or without
    /// Hessian products; Newton refuses an L1 term.
    @Test func autoPicksTheOptimizerAndNewtonRefusesL1() throws {
        var configuration = TrainingConfiguration(kind: .logistic)
        #expect(configuration.resolvedOptimizer() == .newton)
        #expect(configuration.resolvedOptimizer(hessianProducts: false) == .lbfgs)
        #expect(configuration.makeMinimizer().name == "newton")
        configuration.l1Penalty = 1
        #expect(configuration.resolvedOptimizer() == .lbfgs)
        #expect(configuration.makeMinimizer().name == "owlqn")
        configuration.optimizer = .newton
        #expect(throws: TrainingError.self) { try configuration.validate() }
        var linear = TrainingConfiguration(kind: .linear)
        #expect(linear.defaultGradientTolerance(for: .newton, classCounts: []) == 1e-6)
        linear.optimizer = .lbfgs
        #expect(linear.makeMinimizer().name == "lbfgs")
    }

    /// Over worker threads: the products summed in rank order equal the in-process ones to the
    /// float32 rounding of each shard's push, with the curvature kept by the workers (named by
    /// version) or recomputed from the point (a point no evaluation visited).
    @Test func distributedProductsEqualLocalOnes() throws {
        let (a9a, _) = try Datasets.a9a()
        let configuration = TrainingConfiguration(kind: .logistic)
        let trainer = try Trainer(configuration)
        let local = try trainer.makeLocalProblem(try trainer.prepare(a9a))
        let (remote, _, _) = try ParameterServerTests.cluster(a9a, shards: 3, configuration: configuration)
        defer { remote.shutdown() }
        #expect(remote.workersKeepCurvature)
        var generator = SeededGenerator(seed: 3)
        let theta = (0 ..< local.parameterCount).map { _ in Double(Float(generator.nextGaussian() * 0.1)) }
        let direction = (0 ..< local.parameterCount).map { _ in Double(Float(generator.nextGaussian())) }
        _ = try remote.evaluate(theta, rows: 0 ..< remote.rowCount)
        let sent = remote.statistics.bytesSent
        let named = try remote.hessianProduct(at: theta, direction: direction)
        // Named by version: the request carries the direction and no point.
        #expect(remote.statistics.bytesSent - sent < 3 * (Message.evaluateSize(local.parameterCount) + 64))
        let unvisited = theta.map { $0 * 0.5 }
        let carried = try remote.hessianProduct(at: unvisited, direction: direction)
        for (point, product) in [(theta, named), (unvisited, carried)] {
            let reference = try local.hessianProduct(at: point, direction: direction)
            let scale = reference.map(abs).max() ?? 1
            for j in reference.indices { #expect(abs(product[j] - reference[j]) <= 1e-5 * scale) }
        }
        let diagonal = try remote.hessianDiagonal(at: theta), reference = try local.hessianDiagonal(at: theta)
        for j in reference.indices { #expect(abs(diagonal[j] - reference[j]) <= 1e-5 * max(1, abs(reference[j]))) }
    }
}
