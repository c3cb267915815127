import Testing
@testable import ShardTrain
@testable import ShardTrainServing

/// The drift window's counts and PSI, by hand-made profiles.
struct DriftWindowTests {
    /// One feature with cut points 0 and 1 (bins ≤ 0, (0, 1], > 1), shares 0.5 / 0.5 / 0.
    static let profile = ReferenceProfile(scoreName: "probability",
                                          features: [.init(edges: [0, 1], expected: [0.5, 0.5, 0])],
                                          score: .init(edges: [0.5], expected: [0.5, 0.5]), rows: 100)

    static func rows(_ values: [Float]) -> FeatureMatrix {
        .dense(try! DenseMatrix(rows: values.count, columns: 1, values: values))
    }

    @Test func matchingRowsAreStableAndAShiftIsSignificant() {
        let window = DriftWindow(profile: Self.profile, capacity: 100)
        window.record(Self.rows([Float](repeating: 0, count: 50) + [Float](repeating: 1, count: 50)),
                      scores: [Double](repeating: 0.2, count: 50) + [Double](repeating: 0.8, count: 50))
        var report = window.report()
        #expect(report.rows == 100 && report.seen == 100)
        #expect(abs(report.featurePSI[0]) < 1e-12 && abs(report.scorePSI) < 1e-12)
        // 100 rows above 1 push the first 100 out: every row in the bin whose share was 0.
        window.record(Self.rows([Float](repeating: 3, count: 100)), scores: [Double](repeating: 0.8, count: 100))
        report = window.report()
        #expect(report.rows == 100 && report.seen == 200)
        let expected = ReferenceProfile.psi(expected: [0.5, 0.5, 0], observed: [0, 0, 100])
        #expect(abs(report.featurePSI[0] - expected) < 1e-12 && report.featurePSI[0] > 0.25)
    }

    @Test func sparseRowsCountTheirZerosInTheZeroBin() {
        let window = DriftWindow(profile: Self.profile, capacity: 10)
        // Four rows, one stored 1.0 in the first: three zeros implied.
        let matrix = try! SparseMatrix(rows: 4, columns: 1, rowOffsets: [0, 1, 1, 1, 1], columnIndices: [0], values: [1])
        window.record(.sparse(matrix), scores: [0.2, 0.2, 0.8, 0.8])
        let expected = ReferenceProfile.psi(expected: [0.5, 0.5, 0], observed: [3, 1, 0])
        #expect(abs(window.report().featurePSI[0] - expected) < 1e-12)
    }
}
