import Foundation
import Testing
import TestSupport

/// Checkpoints of SGD and Adam runs, `--resume` after a crash, and the checks that a checkpoint
/// belongs to the run that resumes it.
@Suite(.serialized) struct CLICheckpointTests {
    /// Mini-batch SGD on a9a: 33 reduce rounds per epoch (32 batches of 1024 rows, then the
    /// objective), after one round for the starting objective.
    static let sgd = ["--optimizer", "sgd", "--epochs", "6", "--batch-size", "1024", "--seed", "4"]

    static func json(_ path: String) throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        return try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
    }

    /// `kill -9` of the coordinator of a 2-worker SGD run at round 150 (in epoch 5, after the
    /// checkpoint of epoch 4), then `--resume`: the run ends at the uninterrupted run's
    /// objective (1e-12 relative) after the same number of epochs.
    @Test func killedSGDCoordinatorResumesFromItsCheckpoint() throws {
        let clean = try CLIDistributedTests.train(workers: 2, Self.sgd)
        let folder = Fixtures.scratchDirectory("sgd-checkpoints")
        let model = folder + "/a9a.model"
        let common = ["train", "--model", "logistic", "--data", "datasets/a9a", "--features", "123", "--workers", "2",
                      "--quiet", "--json", "--checkpoint-dir", folder, "--checkpoint-every", "2", "--output", model] + Self.sgd
        let crashed = try CLI.run(common + ["--kill-coordinator", "150"])
        #expect(crashed.status != 0)
        #expect(!FileManager.default.fileExists(atPath: model))
        let file = try Self.json(folder + "/checkpoint.json")
        let saved = try #require(file["state"] as? [String: Any])
        #expect(file["version"] as? Int == 2)
        #expect(saved["optimizer"] as? String == "sgd")
        #expect((saved["state"] as? [String: Any])?["epoch"] as? Int == 4)

        let resumed = try CLI.run(common + ["--resume"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        let result = try CLI.lastJSON(resumed)
        let a = try #require(clean["objective"] as? Double), b = try #require(result["objective"] as? Double)
        #expect(abs(a - b) <= 1e-12 * a, "\(b) vs uninterrupted \(a)")
        #expect(result["iterations"] as? Int == 6)
        #expect(clean["iterations"] as? Int == 6)
    }

    /// An SGD checkpoint does not resume an Adam run, nor a run with another batch size.
    @Test func resumeRefusesAnotherOptimizersCheckpoint() throws {
        let folder = Fixtures.scratchDirectory("sgd-other")
        let common = ["train", "--model", "softmax", "--data", "datasets/dna.scale", "--quiet", "--checkpoint-dir", folder,
                      "--epochs", "2", "--checkpoint-every", "1", "--output", folder + "/m"]
        let first = try CLI.run(common + ["--optimizer", "sgd"])
        #expect(first.status == 0, "\(first.stderr)")
        let adam = try CLI.run(common + ["--optimizer", "adam", "--resume"])
        #expect(adam.status != 0)
        #expect(adam.stderr.contains("saved by sgd — this run uses adam"), "\(adam.stderr)")
        let batch = try CLI.run(common + ["--optimizer", "sgd", "--batch-size", "64", "--resume"])
        #expect(batch.status != 0)
        #expect(batch.stderr.contains("batch size 256 (this run: 64)"), "\(batch.stderr)")
    }

    /// A checkpoint belongs to the data it was made on, not to a path: a file changed in place
    /// (one label flipped) is another run, and `--resume` says so.
    @Test func resumeRefusesDataChangedAtTheSamePath() throws {
        let folder = Fixtures.scratchDirectory("checkpoint-data")
        let data = folder + "/rows.svm"
        let lines = try String(contentsOfFile: Fixtures.dataset("a9a"), encoding: .utf8).split(separator: "\n").prefix(500)
        try (lines.joined(separator: "\n") + "\n").write(toFile: data, atomically: true, encoding: .utf8)
        let common = ["train", "--model", "logistic", "--data", data, "--features", "123", "--quiet", "--checkpoint-dir", folder,
                      "--checkpoint-every", "2", "--max-iterations", "4", "--output", folder + "/m"]
        let first = try CLI.run(common)
        #expect(first.status == 0, "\(first.stderr)")
        var changed = Array(lines)
        changed[7] = (changed[7].hasPrefix("+1") ? "-1" : "+1") + changed[7].dropFirst(2)
        try (changed.joined(separator: "\n") + "\n").write(toFile: data, atomically: true, encoding: .utf8)
        let resumed = try CLI.run(common + ["--resume"])
        #expect(resumed.status != 0)
        #expect(resumed.stderr.contains("data fingerprint"), "\(resumed.stderr)")
        // The unchanged data resumes.
        try (lines.joined(separator: "\n") + "\n").write(toFile: data, atomically: true, encoding: .utf8)
        let again = try CLI.run(common + ["--resume"])
        #expect(again.status == 0, "\(again.stderr)")
    }

    /// A version 1 checkpoint (L-BFGS state only, written before SGD and Adam could resume)
    /// still resumes an L-BFGS run, ending where an uninterrupted run ends (1e-9 relative).
    @Test func resumeReadsVersion1Checkpoints() throws {
        let folder = Fixtures.scratchDirectory("checkpoint-v1")
        let common = ["train", "--model", "softmax", "--data", "datasets/dna.scale", "--json", "--checkpoint-dir", folder,
                      "--optimizer", "lbfgs", "--checkpoint-every", "4", "--output", folder + "/m"]
        let clean = try CLI.run(common + ["--max-iterations", "8"])
        #expect(clean.status == 0, "\(clean.stderr)")
        let short = try CLI.run(common + ["--max-iterations", "4"])
        #expect(short.status == 0, "\(short.stderr)")

        var file = try Self.json(folder + "/checkpoint.json")
        var run = try #require(file["run"] as? [String: Any])
        run["optimizer"] = nil
        file["run"] = run
        file["state"] = (file["state"] as? [String: Any])?["state"]
        file["version"] = 1
        try JSONSerialization.data(withJSONObject: file).write(to: URL(fileURLWithPath: folder + "/checkpoint.json"))

        let resumed = try CLI.run(common + ["--max-iterations", "8", "--resume"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stderr.contains("resuming from iteration 4"), "\(resumed.stderr)")
        let a = try #require(try CLI.lastJSON(clean)["objective"] as? Double)
        let b = try #require(try CLI.lastJSON(resumed)["objective"] as? Double)
        #expect(abs(a - b) <= 1e-9 * a, "\(b) vs uninterrupted \(a)")
    }
}
