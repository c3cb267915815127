import Foundation
import Testing
@testable import ShardTrain
import TestSupport

/// Training on the bundled real datasets, against independent references.
@Suite struct TrainingAcceptanceTests {
    /// LIBLINEAR (`-s 0 -c 1`, no bias term) on a9a, run here, with a tight tolerance. Our
    /// objective at LIBLINEAR's weights and our own optimum must agree to 1e-4 relative, and ours
    /// must not be worse.
    @Test func logisticObjectiveMatchesLIBLINEAR() throws {
        try #require(ExternalTool.isAvailable("liblinear-train"), "liblinear-train is missing: run Scripts/test, which installs liblinear-tools")
        let folder = Fixtures.scratchDirectory("liblinear")
        let modelPath = folder + "/a9a.liblinear"
        let run = try ExternalTool.run("liblinear-train", ["-s", "0", "-c", "1", "-e", "0.0001", "-q", Fixtures.dataset("a9a"), modelPath])
        #expect(run.status == 0, "\(run.stderr)")
        let (train, test) = try Datasets.a9a()
        let theirWeights = try Self.liblinearWeights(modelPath, features: 123, labels: train.labels)

        var configuration = TrainingConfiguration(kind: .logistic)
        configuration.fitIntercept = false
        configuration.gradientTolerance = 1e-6
        let trainer = try Trainer(configuration)
        let prepared = try trainer.prepare(train)
        let problem = try trainer.makeLocalProblem(prepared)
        let theirObjective = try problem.objective(theirWeights + [0])
        let model = try trainer.fit(train)
        let ours = model.summary.objective
        #expect(abs(ours - theirObjective) <= 1e-4 * theirObjective, "ours \(ours), LIBLINEAR \(theirObjective)")
        #expect(ours <= theirObjective * (1 + 1e-6))
        #expect(model.summary.converged)
        let accuracy = try #require(Self.accuracy(model.evaluate(test)))
        #expect(accuracy >= 0.849)
    }

    /// With an (unregularized) intercept: the convention the CLI uses by default.
    @Test func logisticWithInterceptReachesReportedAccuracy() throws {
        let (train, test) = try Datasets.a9a()
        let model = try Trainer(.exactOptimum(.logistic)).fit(train)
        #expect(model.summary.converged)
        #expect(model.summary.objective < 10_528.6 && model.summary.objective > 10_528.5)
        let accuracy = try #require(Self.accuracy(model.evaluate(test)))
        #expect(accuracy >= 0.849)
    }

    /// L-BFGS on float32 kernels, default tolerances, against the float64 LAPACK solution.
    @Test func linearRegressionMatchesTheClosedForm() throws {
        let data = try Datasets.calHousing()
        var configuration = TrainingConfiguration(kind: .linear)
        configuration.l2Penalty = 0
        configuration.optimizer = .exact
        let exact = try Trainer(configuration).fit(data)
        configuration.optimizer = .lbfgs
        let iterative = try Trainer(configuration).fit(data)
        #expect(iterative.summary.converged)
        for j in exact.weights.indices {
            let reference = exact.weights[j]
            #expect(abs(iterative.weights[j] - reference) <= 1e-4 * abs(reference), "coefficient \(j): \(iterative.weights[j]) vs \(reference)")
        }
        #expect(abs(iterative.intercepts[0] - exact.intercepts[0]) <= 1e-4 * abs(exact.intercepts[0]))
    }

    /// The closed form against an independent solve of the normal equations in plain float64.
    @Test func closedFormMatchesANaiveSolve() throws {
        let (matrix, targets, weights) = ReferenceObjective.randomProblem(kind: .linear, rows: 400, features: 5, weighted: true)
        let dataset = try Dataset(features: .dense(matrix), labels: targets, sampleWeights: weights)
        var configuration = TrainingConfiguration(kind: .linear)
        configuration.optimizer = .exact
        configuration.standardization = .off
        configuration.l2Penalty = 0.5
        let model = try Trainer(configuration).fit(dataset)
        let reference = NaiveLeastSquares.solve(matrix, targets, weights, l2: 0.5)
        // A model holds its coefficients at the precision of its file (float32): within half an
        // ulp of float32 of the exact solution.
        for j in 0 ..< 5 { #expect(abs(model.weights[j] - reference[j]) <= 0x1p-24 * abs(reference[j]) + 1e-12) }
        #expect(abs(model.intercepts[0] - reference[5]) <= 0x1p-24 * abs(reference[5]) + 1e-12)
    }

    @Test func softmaxOnDNAReachesAccuracy() throws {
        let (train, test) = try Datasets.dna()
        let model = try Trainer(TrainingConfiguration(kind: .softmax)).fit(train)
        #expect(model.classes == [1, 2, 3])
        let accuracy = try #require(Self.accuracy(model.evaluate(test)))
        #expect(accuracy >= 0.94)
    }

    /// L1 logistic regression against LIBLINEAR's L1 solver (`-s 6`, no bias term; its
    /// `‖w‖₁ + C·Σ loss` with `C = 1/μ` is our objective divided by μ). OWL-QN must reach the same
    /// objective (1e-5 relative), produce a sparse model, and every zero weight must satisfy the
    /// subgradient condition `|∂f/∂wⱼ| ≤ μ`.
    @Test func l1LogisticMatchesLIBLINEARAndIsSparse() throws {
        try #require(ExternalTool.isAvailable("liblinear-train"), "liblinear-train is missing: run Scripts/test, which installs liblinear-tools")
        let mu = 4.0
        let modelPath = Fixtures.scratchDirectory("liblinear-l1") + "/a9a.l1"
        let run = try ExternalTool.run("liblinear-train", ["-s", "6", "-c", "0.25", "-e", "0.000001", "-q", Fixtures.dataset("a9a"), modelPath])
        #expect(run.status == 0, "\(run.stderr)")
        let (train, _) = try Datasets.a9a()
        var configuration = TrainingConfiguration(kind: .logistic)
        configuration.l1Penalty = mu
        configuration.l2Penalty = 0
        configuration.fitIntercept = false
        configuration.maxIterations = 3000
        let trainer = try Trainer(configuration)
        let model = try trainer.fit(train)
        let prepared = try trainer.prepare(train)
        let problem = try trainer.makeLocalProblem(prepared)
        let theirs = try problem.objective(try Self.liblinearWeights(modelPath, features: 123, labels: train.labels) + [0])
        #expect(model.summary.converged)
        #expect(abs(model.summary.objective - theirs) <= 1e-5 * theirs, "ours \(model.summary.objective), LIBLINEAR \(theirs)")
        let zeros = model.weights.filter { $0 == 0 }.count
        #expect(zeros >= 30, "only \(zeros) zero weights")
        let (_, gradient) = try problem.smoothObjective(model.weights + model.intercepts)
        for j in model.weights.indices where model.weights[j] == 0 {
            #expect(abs(gradient[j]) <= mu * 1.01, "zero weight \(j) has gradient \(gradient[j])")
        }
    }

    @Test(arguments: [TrainingConfiguration.OptimizerChoice.sgd, .adam])
    func miniBatchOptimizersAreReproducibleAndClose(optimizer: TrainingConfiguration.OptimizerChoice) throws {
        let (train, test) = try Datasets.a9a()
        var configuration = TrainingConfiguration(kind: .logistic)
        configuration.optimizer = optimizer
        configuration.maxIterations = 15
        configuration.seed = 42
        let first = try Trainer(configuration).fit(train)
        let second = try Trainer(configuration).fit(train)
        #expect(first.weights == second.weights)
        #expect(first.summary.objective == second.summary.objective)
        #expect(first.summary.objective <= 10_528.6 * 1.01)
        let accuracy = try #require(Self.accuracy(first.evaluate(test)))
        #expect(accuracy >= 0.845)
    }

    @Test func nonConvergenceIsReportedNotHidden() throws {
        let (train, _) = try Datasets.a9a()
        var configuration = TrainingConfiguration(kind: .logistic)
        configuration.maxIterations = 3
        let model = try Trainer(configuration).fit(train)
        #expect(!model.summary.converged)
        #expect(model.summary.stopReason == .maxIterations)
        #expect(model.summary.iterations == 3)
        #expect(model.summary.objectiveHistory.count == 4)
    }

    @Test func invalidConfigurationsAreRefusedBeforeAnyWork() {
        var configuration = TrainingConfiguration(kind: .logistic)
        configuration.optimizer = .exact
        #expect(throws: TrainingError.self) { try Trainer(configuration) }
        configuration = TrainingConfiguration(kind: .linear)
        configuration.l2Penalty = -1
        #expect(throws: TrainingError.self) { try Trainer(configuration) }
        configuration.l2Penalty = 1
        configuration.momentum = 1
        #expect(throws: TrainingError.self) { try Trainer(configuration) }
    }

    @Test func logisticRefusesMulticlassLabels() throws {
        let (train, _) = try Datasets.dna()
        do {
            _ = try Trainer(TrainingConfiguration(kind: .logistic)).fit(train)
            Issue.record("expected an error")
        } catch {
            #expect(error.code == .badLabels)
            #expect(error.message.contains("exactly 2 distinct labels, found 3"))
            #expect(error.message.contains("--model softmax"))
        }
    }

    static func accuracy(_ report: EvaluationReport) -> Double? {
        if case .classification(let metrics) = report { return metrics.accuracy }
        return nil
    }

    /// Reads a LIBLINEAR model file's weights, oriented so positive means our positive class.
    /// docs/conventions.md: LIBLINEAR's `-s 11 -p 0 -c C` (`½‖w‖² + C·Σ(y − m)²`, no bias) is
    /// ShardTrain's linear model with `l2Penalty = 1/(2C)` and no intercept, here with the
    /// default standardization of dense features.
    @Test func squaredErrorRegressionMatchesLIBLINEARsL2Regression() throws {
        try #require(ExternalTool.isAvailable("liblinear-train"), "liblinear-train is missing: run Scripts/test, which installs liblinear-tools")
        let (matrix, targets, _) = ReferenceObjective.randomProblem(kind: .linear, rows: 400, features: 5)
        let folder = Fixtures.scratchDirectory("liblinear-s11")
        var text = ""
        for i in 0 ..< matrix.rows {
            text += "\(targets[i])" + (0 ..< 5).map { j in " \(j + 1):\(matrix[i, j])" }.joined() + "\n"
        }
        try text.write(toFile: folder + "/rows.svm", atomically: true, encoding: .utf8)
        let c = 0.5
        let run = try ExternalTool.run("liblinear-train", ["-s", "11", "-p", "0", "-c", String(c), "-e", "1e-8", "-B", "-1", "-q",
                                                           folder + "/rows.svm", folder + "/model"])
        try #require(run.status == 0, "\(run.stderr)")
        let lines = try String(contentsOfFile: folder + "/model", encoding: .utf8).split(separator: "\n").map(String.init)
        let start = try #require(lines.firstIndex(of: "w"))
        let theirs = lines[(start + 1)...].prefix(5).compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
        try #require(theirs.count == 5)

        var configuration = TrainingConfiguration(kind: .linear)
        configuration.l2Penalty = 1 / (2 * c)
        configuration.fitIntercept = false
        let model = try Trainer(configuration).fit(try Dataset(features: .dense(matrix), labels: targets))
        let largest = theirs.map(abs).max() ?? 1
        for (a, b) in zip(model.weights, theirs) { #expect(abs(a - b) <= 1e-5 * largest, "ours \(a), LIBLINEAR \(b)") }
    }

    static func liblinearWeights(_ path: String, features: Int, labels: [Double]) throws -> [Double] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        var lines = text.split(separator: "\n").map(String.init)
        let labelLine = try #require(lines.first { $0.hasPrefix("label ") })
        let order = labelLine.split(separator: " ").dropFirst().compactMap { Double($0) }
        let start = try #require(lines.firstIndex(of: "w"))
        lines = Array(lines[(start + 1)...])
        var weights = lines.prefix(features).compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
        #expect(weights.count == features)
        // LIBLINEAR's w scores its first label; ours scores the larger label.
        if order.first != order.max() { weights = weights.map { -$0 } }
        return weights
    }
}

/// Weighted ridge least squares by Gaussian elimination in plain float64.
enum NaiveLeastSquares {
    static func solve(_ x: DenseMatrix, _ y: [Double], _ s: [Double]?, l2: Double) -> [Double] {
        let d = x.columns, w = d + 1
        var a = [[Double]](repeating: [Double](repeating: 0, count: w + 1), count: w)
        for i in 0 ..< x.rows {
            let row = (0 ..< d).map { Double(x[i, $0]) } + [1]
            let weight = s?[i] ?? 1
            for p in 0 ..< w {
                for q in 0 ..< w { a[p][q] += weight * row[p] * row[q] }
                a[p][w] += weight * row[p] * y[i]
            }
        }
        for p in 0 ..< d { a[p][p] += l2 }
        for p in 0 ..< w {
            let pivot = (p ..< w).max { abs(a[$0][p]) < abs(a[$1][p]) } ?? p
            a.swapAt(p, pivot)
            for r in 0 ..< w where r != p {
                let factor = a[r][p] / a[p][p]
                for c in p ... w { a[r][c] -= factor * a[p][c] }
            }
        }
        return (0 ..< w).map { a[$0][w] / a[$0][$0] }
    }
}
