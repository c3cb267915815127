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

    /// A profile of features 2 and 7 only (of 10): the others are not counted, and the report
    /// names features by their own numbers.
    @Test func aCappedProfileCountsOnlyItsFeatures() {
        let bins = ReferenceProfile.Bins(edges: [0, 1], expected: [0.5, 0.5, 0])
        let profile = ReferenceProfile(scoreName: "probability", features: [bins, bins], featureIndices: [2, 7],
                                       score: .init(edges: [0.5], expected: [0.5, 0.5]), rows: 100)
        let window = DriftWindow(profile: profile, capacity: 10)
        // Ten rows: feature 7 above 1 in every one (a shift), feature 2 balanced, feature 5 wild.
        var offsets = [0], columns: [Int32] = [], values: [Float] = []
        for i in 0 ..< 10 {
            columns += [2, 5, 7]
            values += [i < 5 ? 0.5 : 0, 1000, 3]
            offsets.append(columns.count)
        }
        let matrix = try! SparseMatrix(rows: 10, columns: 10, rowOffsets: offsets, columnIndices: columns, values: values)
        window.record(.sparse(matrix), scores: [Double](repeating: 0.2, count: 5) + [Double](repeating: 0.8, count: 5))
        let report = window.report()
        #expect(report.featureNumbers == [3, 8])
        #expect(abs(report.featurePSI[0]) < 1e-12)
        #expect(abs(report.featurePSI[1] - ReferenceProfile.psi(expected: [0.5, 0.5, 0], observed: [0, 0, 10])) < 1e-12)
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
