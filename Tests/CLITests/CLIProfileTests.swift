import Foundation
import Testing
import TestSupport
import ShardTrain

/// `train`'s reference profile on wide data: capped to the most frequent features, by default
/// and with `--profile-features`.
@Suite struct CLIProfileTests {
    @Test func wideDataGetsACappedProfile() throws {
        let folder = Fixtures.scratchDirectory("cli-profile")
        let data = folder + "/wide.svm"
        let synth = try CLI.run(["datasets", "synth", "--kind", "logistic", "--rows", "3000", "--features", "200000",
                                 "--nnz-per-row", "12", "--seed", "4", "--output", data])
        #expect(synth.status == 0, "\(synth.stderr)")
        for (options, cap) in [([String](), ReferenceProfile.defaultFeatureCap), (["--profile-features", "7"], 7)] {
            let model = folder + "/m\(cap).model"
            let run = try CLI.run(["train", "--model", "logistic", "--data", data, "--max-iterations", "5", "--quiet",
                                   "--output", model] + options)
            #expect(run.status == 0, "\(run.stderr)")
            let profile = try #require(try ModelFile.read(from: model).referenceProfile())
            let indices = try #require(profile.featureIndices)
            #expect(indices.count == cap && profile.features.count == cap)
            #expect(zip(indices, indices.dropFirst()).allSatisfy { $0 < $1 } && indices.allSatisfy { $0 < 200_000 })
        }
        let bad = try CLI.run(["train", "--model", "logistic", "--data", data, "--profile-features", "0", "--output", folder + "/x"])
        #expect(bad.status != 0 && bad.stderr.contains("--profile-features takes 1 to"), "\(bad.stderr)")
    }
}
