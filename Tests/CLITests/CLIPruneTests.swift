import Foundation
import Testing
import TestSupport

/// `shardtrain prune` and what `inspect` shows of a pruned file, run as a user would.
@Suite(.serialized) struct CLIPruneTests {
    /// A logistic model of a9a, trained once.
    private static func denseModel(_ folder: String) throws -> String {
        let model = folder + "/a9a-dense.safetensors"
        let train = try CLI.run(["train", "--model", "logistic", "--data", "datasets/a9a", "--optimizer", "lbfgs", "--quiet", "--output", model])
        try #require(train.status == 0, "\(train.stderr)")
        return model
    }

    @Test func pruneFineTuneAndInspect() throws {
        let folder = Fixtures.scratchDirectory("cli-prune")
        let dense = try Self.denseModel(folder)
        let output = folder + "/a9a-90.safetensors"
        let prune = try CLI.run(["prune", "--model", dense, "--sparsity", "0.9", "--finetune-epochs", "100", "--data", "datasets/a9a",
                                 "--eval-data", "datasets/a9a.t", "--output", output, "--json"])
        #expect(prune.status == 0, "\(prune.stderr)")
        let json = try CLI.lastJSON(prune)
        #expect(json["zero_weights"] as? Int == 111)
        #expect(json["storage"] as? String == "sparse")
        let accuracy = try #require((json["metrics"] as? [String: Any])?["accuracy"] as? Double)
        #expect(abs(accuracy - 0.83109) < 0.002, "fine-tuned accuracy \(accuracy)")

        let inspect = try CLI.run(["inspect", output, "--json"])
        #expect(inspect.status == 0, "\(inspect.stderr)")
        let info = try CLI.lastJSON(inspect)
        #expect(info["storage"] as? String == "sparse")
        #expect(info["format_version"] as? String == "2")
        #expect(info["zero_weights"] as? Int == 111)
        #expect(abs((info["sparsity"] as? Double ?? 0) - 111.0 / 123.0) < 1e-12)
        let tensors = try #require(info["tensors"] as? [String: [String: Any]])
        #expect(tensors["weight_indices"]?["dtype"] as? String == "U16")
        #expect(tensors["weight_values"]?["shape"] as? [Int] == [12])
        #expect((info["pruning"] as? [String: Any])?["scope"] as? String == "global")
        #expect(info["finetune"] != nil)
        let text = try CLI.run(["inspect", output])
        #expect(text.stdout.contains("sparsity     90.24% of 123 weights are zero (111)"))
        #expect(text.stdout.contains("storage      sparse weights, format_version 2"))
        #expect(text.stdout.contains("weight_indices   U16 [12], 24 bytes"))
    }

    @Test func sweepPrintsEverySparsity() throws {
        let folder = Fixtures.scratchDirectory("cli-prune-sweep")
        let dense = try Self.denseModel(folder)
        let sweep = try CLI.run(["prune", "--model", dense, "--sweep", "0.5,0.9,0.99", "--data", "datasets/a9a.t", "--json"])
        #expect(sweep.status == 0, "\(sweep.stderr)")
        let json = try CLI.lastJSON(sweep)
        #expect(json["metric"] as? String == "accuracy")
        let rows = try #require(json["sweep"] as? [[String: Any]])
        #expect(rows.count == 3)
        // Without fine-tuning, measured on a9a.t: 0.84491, 0.82194, 0.76377 (±0.002).
        for (row, expected) in zip(rows, [0.84491, 0.82194, 0.76377]) {
            #expect(abs((row["accuracy"] as? Double ?? 0) - expected) < 0.002, "\(row)")
        }
        #expect(rows.map { $0["weight_bytes"] as? Int } == [366, 72, 6])   // 61, 12 and 1 non-zeros × 6 bytes
        let table = try CLI.run(["prune", "--model", dense, "--sweep", "0.9", "--data", "datasets/a9a.t"])
        #expect(table.stdout.contains("sparsity  accuracy"))
        #expect(table.stdout.contains("0.9024    0.82194"))
    }

    @Test(arguments: [
        (["--sparsity", "1", "--output", "x"], "--sparsity must be in [0, 1)"),
        (["--threshold=-2", "--output", "x"], "--threshold must be a finite number ≥ 0"),
        (["--sparsity", "0.5", "--threshold", "0.1", "--output", "x"], "exactly one of --sparsity and --threshold"),
        (["--output", "x"], "exactly one of --sparsity and --threshold"),
        (["--sparsity", "0.5", "--finetune-epochs", "5", "--output", "x"], "--finetune-epochs needs --data"),
        (["--sweep", "0.5,abc", "--data", "d"], "found \"abc\""),
        (["--sweep", "0.5", "--sparsity", "0.5", "--data", "d"], "--sweep replaces --sparsity and --threshold"),
        (["--sweep", "0.5"], "--sweep needs --data"),
    ])
    func validationErrors(arguments: [String], phrase: String) throws {
        let run = try CLI.run(["prune", "--model", "m.safetensors"] + arguments)
        #expect(run.status != 0)
        #expect(run.stderr.contains(phrase), "\(run.stderr)")
    }

    @Test func unreadableModelNamesTheFile() throws {
        let path = Fixtures.writeTemporaryFile("not a model", name: "junk.safetensors")
        let run = try CLI.run(["prune", "--model", path, "--sparsity", "0.5", "--output", path + ".out"])
        #expect(run.status == 1)
        #expect(run.stderr.contains(path))
    }
}
