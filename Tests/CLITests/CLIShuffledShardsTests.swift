import Foundation
import ShardTrain
import Testing
import TestSupport

/// `train --workers N --shuffle-shards SEED`: the workers read seeded, shuffled chunks of the
/// file; full-batch training does not depend on which worker holds which rows.
@Suite(.serialized) struct CLIShuffledShardsTests {
    /// Full-batch L-BFGS on a9a, 2 workers, with and without `--shuffle-shards 7`, ends at the
    /// same objective (1e-6 relative) and test accuracy (1e-4); the shuffled run's workers read
    /// exactly the shards ``DataShard`` describes (the model records their fingerprints).
    @Test func shuffledShardsReachTheSameObjective() throws {
        let folder = Fixtures.scratchDirectory("shuffle-shards")
        func train(_ extra: [String]) throws -> (result: [String: Any], fingerprint: String?) {
            let model = folder + "/a9a-\(extra.count).model"
            let run = try CLI.run(["train", "--model", "logistic", "--data", "datasets/a9a", "--test", "datasets/a9a.t",
                                   "--features", "123", "--workers", "2", "--optimizer", "lbfgs", "--quiet", "--json", "--output", model] + extra)
            #expect(run.status == 0, "\(run.stderr)")
            return (try CLI.lastJSON(run), try ModelFile.read(from: model).metadata[ModelFile.dataFingerprintKey])
        }
        let plain = try train([]), shuffled = try train(["--shuffle-shards", "7"])
        let a = try #require(plain.result["objective"] as? Double), b = try #require(shuffled.result["objective"] as? Double)
        #expect(abs(a - b) <= 1e-6 * a, "shuffled \(b) vs consecutive \(a)")
        #expect(abs(a - 10_528.57) <= 1e-5 * a)
        let accuracy = try #require(plain.result["test_accuracy"] as? Double)
        #expect(abs((shuffled.result["test_accuracy"] as? Double ?? 0) - accuracy) <= 1e-4)

        let options = DataLoadOptions(featureCount: 123)
        let expected = try (0 ..< 2).map { rank in
            DatasetFingerprint.of(try DatasetLoader.loadShard(Fixtures.dataset("a9a"), shard: DataShard(rank: rank, of: 2, shuffleSeed: 7),
                                                              options: options))
        }
        #expect(shuffled.fingerprint == "shards:" + expected.joined(separator: ","))
        #expect(plain.fingerprint != shuffled.fingerprint)
    }

    @Test func shuffleShardsNeedsWorkers() throws {
        let run = try CLI.run(["train", "--model", "logistic", "--data", "datasets/a9a", "--shuffle-shards", "7",
                               "--output", Fixtures.scratchDirectory() + "/m"])
        #expect(run.status != 0)
        #expect(run.stderr.contains("use it with --workers N > 1"), "\(run.stderr)")
    }
}
