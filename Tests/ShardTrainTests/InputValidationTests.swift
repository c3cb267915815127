import Foundation
import Testing
import TestSupport
@testable import ShardTrain

/// The library's public initializers of data throw a ``DataError`` (or ``TrainingError``)
/// naming the row and column, instead of trapping or training on garbage.
@Suite struct InputValidationTests {
    private func code(_ body: () throws -> Void) -> DataError? {
        do { try body() } catch let error as DataError { return error } catch { return nil }
        return nil
    }

    @Test func denseMatrixChecksSizeAndValues() {
        #expect(code { _ = try DenseMatrix(rows: 2, columns: 3, values: [1, 2, 3, 4, 5]) }?.code == .shapeMismatch)
        #expect(code { _ = try DenseMatrix(rows: -1, columns: 3, values: []) }?.code == .shapeMismatch)
        #expect(code { _ = try DenseMatrix(rows: Int.max, columns: 3) }?.code == .shapeMismatch)
        let nan = code { _ = try DenseMatrix(rows: 2, columns: 3, values: [1, 2, 3, 4, .nan, 6]) }
        #expect(nan?.code == .nonFinite)
        #expect(nan?.line == 2 && nan?.column == 2)
        #expect(code { _ = try DenseMatrix(rows: 1, columns: 2, values: [.infinity, 0]) }?.code == .nonFinite)
        #expect(code { _ = try DenseMatrix(rows: 2, columns: 2, values: [1, 2, 3, 4]) } == nil)
    }

    @Test func sparseMatrixChecksOffsetsIndicesAndValues() {
        func make(_ offsets: [Int], _ indices: [Int32], _ values: [Float], columns: Int = 4) -> DataError? {
            code { _ = try SparseMatrix(rows: offsets.count - 1, columns: columns, rowOffsets: offsets, columnIndices: indices, values: values) }
        }
        let outside = make([0, 1, 2], [0, 4], [1, 1])
        #expect(outside?.code == .indexOutOfRange)
        #expect(outside?.line == 2 && outside?.column == 5)
        #expect(make([0, 1, 2], [0, -1], [1, 1])?.code == .indexOutOfRange)
        #expect(make([0, 2], [2, 1], [1, 1])?.code == .indicesNotIncreasing)
        #expect(make([0, 2], [1, 1], [1, 1])?.code == .indicesNotIncreasing)
        #expect(make([0, 1], [0, 1], [1, 1])?.code == .shapeMismatch)
        #expect(make([0, 2, 1], [0, 1], [1, 1])?.code == .shapeMismatch)
        #expect(make([0, 1, 2], [0, 1], [1])?.code == .shapeMismatch)
        #expect(make([0, 1, 2], [0, 1], [1, .nan])?.code == .nonFinite)
        #expect(make([0, 1, 2], [0, 3], [1, 2]) == nil)
    }

    @Test func datasetChecksLabelsAndWeights() throws {
        let features = FeatureMatrix.dense(try DenseMatrix(rows: 2, columns: 1, values: [1, 2]))
        #expect(code { _ = try Dataset(features: features, labels: [1]) }?.code == .labelCountMismatch)
        let nan = code { _ = try Dataset(features: features, labels: [1, .nan]) }
        #expect(nan?.code == .nonFinite && nan?.line == 2)
        #expect(code { _ = try Dataset(features: features, labels: [1, 0], sampleWeights: [1]) }?.code == .labelCountMismatch)
        #expect(code { _ = try Dataset(features: features, labels: [1, 0], sampleWeights: [1, -1]) }?.code == .nonFinite)
        #expect(code { _ = try Dataset(features: features, labels: [1, 0], sampleWeights: [.infinity, 1]) }?.code == .nonFinite)
        #expect(code { _ = try Dataset(features: features, labels: [1, 0], sampleWeights: [1, 0]) } == nil)
    }

    @Test func objectiveChecksTargetsForItsLoss() throws {
        let features = FeatureMatrix.dense(try DenseMatrix(rows: 2, columns: 1, values: [1, 2]))
        #expect(throws: TrainingError.self) { try Objective(loss: SquaredLoss(), features: features, targets: [1]) }
        #expect(throws: TrainingError.self) { try Objective(loss: LogisticLoss(), features: features, targets: [1, 2]) }
        #expect(throws: TrainingError.self) { try Objective(loss: SoftmaxLoss(classes: 3), features: features, targets: [0, 3]) }
        #expect(throws: TrainingError.self) { try Objective(loss: SoftmaxLoss(classes: 3), features: features, targets: [0, 1.5]) }
        #expect(throws: TrainingError.self) { try Objective(loss: SquaredLoss(), features: features, targets: [1, 2], sampleWeights: [1, .nan]) }
        _ = try Objective(loss: SoftmaxLoss(classes: 3), features: features, targets: [0, 2])
    }

    /// Issue: `--no-intercept` on dense data fitted an intercept through the centring. Rows
    /// `(x, 2x)`: the exact answer is weight 2, bias 0, RMSE 0.
    @Test func noInterceptMeansNoInterceptOnStandardizedDenseData() throws {
        let xs: [Float] = (1 ... 9).map(Float.init)
        let data = try Dataset(features: .dense(try DenseMatrix(rows: 9, columns: 1, values: xs)), labels: xs.map { 2 * Double($0) })
        var configuration = TrainingConfiguration(kind: .linear)
        configuration.fitIntercept = false
        let model = try Trainer(configuration).fit(data)
        #expect(model.intercepts == [0])
        #expect(abs(model.weights[0] - 2) < 1e-6)
        guard case .regression(let metrics) = try model.evaluate(data) else { Issue.record("not a regression report"); return }
        #expect(metrics.rmse < 1e-6)
    }

    @Test func l2DefaultsFollowTheKind() {
        #expect(TrainingConfiguration(kind: .linear).l2Penalty == 0)
        #expect(TrainingConfiguration(kind: .logistic).l2Penalty == 1)
        #expect(TrainingConfiguration(kind: .softmax).l2Penalty == 1)
    }

    /// Sample weights all equal to `c` with `λ·c` is the unweighted objective times `c`: the same
    /// minimizer, and with the penalty scaled by the total weight, the same SGD steps.
    @Test func sgdScalesThePenaltyByTheTotalWeight() throws {
        let (matrix, targets, _) = ReferenceObjective.randomProblem(kind: .logistic, rows: 300, features: 4)
        var configuration = TrainingConfiguration(kind: .logistic)
        configuration.optimizer = .sgd
        configuration.maxIterations = 5
        configuration.l2Penalty = 3
        let plain = try Trainer(configuration).fit(try Dataset(features: .dense(matrix), labels: targets))
        configuration.l2Penalty = 3 * 2.5
        let weighted = try Trainer(configuration).fit(try Dataset(features: .dense(matrix), labels: targets,
                                                                  sampleWeights: [Double](repeating: 2.5, count: 300)))
        for (a, b) in zip(plain.weights, weighted.weights) { #expect(abs(a - b) <= 1e-6 * max(1, abs(a))) }
    }

    /// With weights, the standardization combined from shard summaries is the weighted one.
    @Test func shardedStandardizationIsWeighted() throws {
        let (matrix, targets, weights) = ReferenceObjective.randomProblem(kind: .linear, rows: 100, features: 3, weighted: true)
        let whole = try Dataset(features: .dense(matrix), labels: targets, sampleWeights: weights)
        let parts = [whole.rows(at: Array(0 ..< 30)), whole.rows(at: Array(30 ..< 100))]
        let (_, prepared) = try ShardSetup.combining(parts.map { ShardSummary(of: $0) }, configuration: TrainingConfiguration(kind: .linear),
                                                    featureCount: nil, source: "test")
        let reference = Standardization(fitting: matrix, sampleWeights: weights)
        let combined = try #require(prepared.standardization)
        for j in 0 ..< 3 {
            #expect(abs(combined.means[j] - reference.means[j]) <= 1e-6 * max(1, abs(reference.means[j])))
            #expect(abs(combined.scales[j] - reference.scales[j]) <= 1e-6 * reference.scales[j])
        }
    }

    /// The writer refuses what the reader would: a header past the reader's limit.
    @Test func theWriterHoldsItselfToTheReadersLimits() {
        let huge = String(repeating: "x", count: SafeTensorsFile.maximumHeaderSize)
        let model = LinearModel(kind: .linear, featureCount: 1, weights: [1], intercepts: [0], classes: [], standardization: nil,
                                summary: ModelFileSamples.summary, metadata: ["note": huge])
        #expect(throws: ModelFileError.self) { _ = try ModelFile.encode(model) }
    }
}
