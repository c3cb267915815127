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
