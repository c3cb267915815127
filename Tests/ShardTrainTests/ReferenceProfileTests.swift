import Foundation
import Testing
import TestSupport
@testable import ShardTrain

/// The training-data profile `train` stores for drift monitoring: bins, shares, PSI, the JSON form.
struct ReferenceProfileTests {
    @Test func decileBinsOfKnownValues() {
        // 0…99: deciles 10, 20, …, 90 and the largest value 99 close ten bins of ten values.
        let bins = ReferenceProfile.bins(of: (0 ..< 100).map(Double.init), zeros: 0)
        #expect(bins.edges == [10, 20, 30, 40, 50, 60, 70, 80, 90, 99])
        #expect(bins.expected.count == 11)
        #expect(bins.expected[0] == 0.11 && bins.expected[9] == 0.09 && bins.expected[10] == 0)
        #expect(abs(bins.expected.reduce(0, +) - 1) < 1e-12)
        #expect(bins.bin(of: -5) == 0 && bins.bin(of: 10) == 0 && bins.bin(of: 10.5) == 1 && bins.bin(of: 1000) == 10)
    }

    @Test func aBinaryFeatureWithImpliedZerosHasTwoBins() {
        // 30 ones among 100 rows (70 zeros implied, as in a sparse column).
        let bins = ReferenceProfile.bins(of: [Double](repeating: 1, count: 30), zeros: 70)
        #expect(bins.edges == [0, 1])
        #expect(bins.expected == [0.7, 0.3, 0])
    }

    /// The bins as first written: every value, zeros included, materialized and sorted.
    static func sortedBins(_ values: [Double], zeros: Int) -> ReferenceProfile.Bins {
        let all = (values + [Double](repeating: 0, count: zeros)).sorted()
        var edges: [Double] = []
        for q in 1 ... 9 {
            let cut = all[min(all.count - 1, (q * all.count) / 10)]
            if edges.last != cut { edges.append(cut) }
        }
        if let top = all.last, edges.last != top, edges.count < 10 { edges.append(top) }
        var counts = [Int](repeating: 0, count: edges.count + 1)
        let bins = ReferenceProfile.Bins(edges: edges, expected: [])
        for value in all { counts[bins.bin(of: value)] += 1 }
        return .init(edges: edges, expected: counts.map { Double($0) / Double(all.count) })
    }

    /// Placing the zeros by count gives exactly the bins of sorting them with the values.
    @Test func zerosPlacedByCountGiveTheBinsOfSortingThem() {
        var generator = SeededGenerator(seed: 11)
        for trial in 0 ..< 300 {
            let count = Int.random(in: 0 ... 40, using: &generator)
            let values = (0 ..< count).map { _ in
                Double(Int.random(in: -4 ... 6, using: &generator)) * (trial % 2 == 0 ? 1 : 0.37)
            }.filter { $0 != 0 }
            let zeros = Int.random(in: 0 ... 60, using: &generator)
            guard values.count + zeros > 0 else { continue }
            #expect(ReferenceProfile.bins(of: values, zeros: zeros) == Self.sortedBins(values, zeros: zeros), "trial \(trial)")
        }
    }

    /// Wide sparse data: the profile covers the features non-zero in the most rows, each with
    /// the bins of its whole column, and says which they are.
    @Test func wideDataIsProfiledByItsMostFrequentFeatures() throws {
        let rows = 400, columns = 5_000
        var generator = SeededGenerator(seed: 5)
        var offsets = [0], indices: [Int32] = [], values: [Float] = []
        for _ in 0 ..< rows {
            // Feature 10·k is non-zero in about 1/(k+1) of the rows; others now and then.
            var row = Set<Int>()
            for k in 0 ..< 20 where Int.random(in: 0 ... k, using: &generator) == 0 { row.insert(10 * k) }
            for _ in 0 ..< 3 { row.insert(Int.random(in: 0 ..< columns, using: &generator)) }
            for j in row.sorted() {
                indices.append(Int32(j))
                values.append(Float(Int.random(in: -3 ... 5, using: &generator)) + 0.5)
            }
            offsets.append(indices.count)
        }
        let matrix = try SparseMatrix(rows: rows, columns: columns, rowOffsets: offsets, columnIndices: indices, values: values)
        let labels = (0 ..< rows).map { Double($0 % 2) }
        var configuration = TrainingConfiguration(kind: .logistic)
        configuration.maxIterations = 5
        let model = try Trainer(configuration)
            .fit(try Dataset(features: .sparse(matrix), labels: labels))
        let profile = try ReferenceProfile(model: model, data: .sparse(matrix), featureCap: 6)
        // The reference: count each column's non-zeros, take the six most frequent.
        var columnValues = [[Double]](repeating: [], count: columns)
        for p in 0 ..< indices.count { columnValues[Int(indices[p])].append(Double(values[p])) }
        let top = (0 ..< columns).sorted { (columnValues[$0].count, -$0) > (columnValues[$1].count, -$1) }.prefix(6).sorted()
        #expect(profile.featureIndices == Array(top))
        #expect(profile.featureIndices == [0, 10, 20, 30, 40, 50], "the most frequent by construction")
        for (k, j) in top.enumerated() {
            #expect(profile.features[k] == Self.sortedBins(columnValues[j], zeros: rows - columnValues[j].count))
        }
        let decoded = try ReferenceProfile(json: profile.json, featureCount: columns)
        #expect(decoded == profile)
        #expect(profile.json.contains("\"feature_indices\":[0,10,20,30,40,50]"))
        // Within the cap, every feature and no index list (the format before the cap).
        let full = try ReferenceProfile(model: model, data: .sparse(matrix), featureCap: columns)
        #expect(full.featureIndices == nil && full.features.count == columns && !full.json.contains("feature_indices"))
    }

    @Test func psiMatchesItsFormula() {
        // Expected 50/50, observed 80/20: (0.8−0.5)·ln(0.8/0.5) + (0.2−0.5)·ln(0.2/0.5).
        let psi = ReferenceProfile.psi(expected: [0.5, 0.5], observed: [80, 20])
        #expect(abs(psi - (0.3 * log(1.6) + 0.3 * log(2.5))) < 1e-12)
        #expect(ReferenceProfile.psi(expected: [0.25, 0.75], observed: [25, 75]) == 0)
        // An empty expected bin counts as 1e-4, not as impossible.
        #expect(ReferenceProfile.psi(expected: [1, 0], observed: [50, 50]).isFinite)
    }

    @Test func profileOfA9ARoundTripsThroughJSONAndTheModelFile() throws {
        let data = try Datasets.a9a().train
        var model = try Trainer(TrainingConfiguration(kind: .logistic)).fit(data)
        let profile = try ReferenceProfile(model: model, data: data.features, sampleRows: 5_000)
        #expect(profile.rows == 5_000 && profile.features.count == 123 && profile.scoreName == "probability")
        #expect(profile.features.allSatisfy { abs($0.expected.reduce(0, +) - 1) < 1e-9 })
        #expect(try ReferenceProfile(json: profile.json, featureCount: 123) == profile)
        model.metadata[ModelFile.referenceProfileKey] = profile.json
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("profile-\(UUID()).st").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try ModelFile.write(model, to: path)
        #expect(try ModelFile.read(from: path).referenceProfile() == profile)
    }

    @Test func badProfilesAreRefusedWithTheReason() {
        let cases: [(String, String)] = [
            ("{", "not valid JSON"),
            ("[]", "not a JSON object"),
            ("{\"rows\":1,\"score_name\":\"p\",\"score\":[[0],[1,0]]}", "has no \"features\""),
            ("{\"rows\":1,\"score_name\":\"p\",\"score\":[[0],[1,0]],\"features\":[]}", "has 0 features, the model 2"),
            ("{\"rows\":1,\"score_name\":\"p\",\"score\":[[0],[1,0]],\"features\":[[[0],[1,0]],[[1,0],[0.5,0.25,0.25]]]}",
             "feature 2 needs ascending finite edges"),
            ("{\"rows\":1,\"score_name\":\"p\",\"score\":[[0],[0.5,0.4]],\"features\":[[[0],[1,0]],[[0],[1,0]]]}",
             "score needs ascending finite edges and one more share than edges, summing to 1"),
            ("{\"rows\":1,\"score_name\":\"p\",\"score\":[[0],[1,0]],\"feature_indices\":[1,0],\"features\":[[[0],[1,0]],[[0],[1,0]]]}",
             "feature_indices must be ascending feature indices below 2"),
            ("{\"rows\":1,\"score_name\":\"p\",\"score\":[[0],[1,0]],\"feature_indices\":[2],\"features\":[[[0],[1,0]]]}",
             "feature_indices must be ascending feature indices below 2"),
            ("{\"rows\":1,\"score_name\":\"p\",\"score\":[[0],[1,0]],\"feature_indices\":[1],\"features\":[[[0],[1,0]],[[0],[1,0]]]}",
             "has 2 features for 1 feature_indices"),
        ]
        for (text, message) in cases {
            #expect(throws: ReferenceProfile.FormatError.self) { try ReferenceProfile(json: text, featureCount: 2) }
            do {
                _ = try ReferenceProfile(json: text, featureCount: 2)
            } catch {
                #expect(error.description.contains(message), "\(error.description)")
            }
        }
    }
}
