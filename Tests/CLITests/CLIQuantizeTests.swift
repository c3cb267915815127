import Foundation
import Testing
import TestSupport

/// `shardtrain quantize`, and `inspect`, `evaluate`, `predict` and `prune` on quantized files,
/// run as a user would.
@Suite(.serialized) struct CLIQuantizeTests {
    @Test func quantizeInspectEvaluatePredict() throws {
        let folder = Fixtures.scratchDirectory("cli-quantize")
        let dense = folder + "/a9a.safetensors", int8 = folder + "/a9a-int8.safetensors"
        let train = try CLI.run(["train", "--model", "logistic", "--data", "datasets/a9a", "--quiet", "--output", dense])
        try #require(train.status == 0, "\(train.stderr)")
        let quantize = try CLI.run(["quantize", "--model", dense, "--calibration-data", "datasets/a9a",
                                    "--eval-data", "datasets/a9a.t", "--output", int8, "--json"])
        #expect(quantize.status == 0, "\(quantize.stderr)")
        let json = try CLI.lastJSON(quantize)
        #expect(json["granularity"] as? String == "per-tensor")
        #expect(json["input_zero_point"] as? Int == -128)             // a9a's features are 0/1: [0, 1] → −128 … 127
        #expect(abs((json["input_scale"] as? Double ?? 0) - 1.0 / 255) < 1e-9)
        // Measured on a9a.t: 0.849825 for the int8 model (dense 0.849764).
        let accuracy = try #require((json["metrics"] as? [String: Any])?["accuracy"] as? Double)
        #expect(abs(accuracy - 0.849825) < 0.0005, "int8 accuracy \(accuracy)")

        let inspect = try CLI.lastJSON(try CLI.run(["inspect", int8, "--json"]))
        #expect(inspect["weight_dtype"] as? String == "I8")
        #expect(inspect["format_version"] as? String == "3")
        #expect((inspect["tensors"] as? [String: [String: Any]])?["weight"]?["dtype"] as? String == "I8")
        #expect((inspect["scales"] as? [Double])?.count == 1)
        #expect((inspect["quantization"] as? [String: Any])?["calibration"] as? String == "min-max")
        let text = try CLI.run(["inspect", int8])
        #expect(text.stdout.contains("inputs       I8, scale"))
        #expect(text.stdout.contains("zero point -128"))

        // evaluate and predict take the quantized file like any other.
        let evaluate = try CLI.lastJSON(try CLI.run(["evaluate", "--model", int8, "--data", "datasets/a9a.t", "--json"]))
        #expect(evaluate["accuracy"] as? Double == accuracy)
        let predictions = folder + "/predictions.txt"
        let predict = try CLI.run(["predict", "--model", int8, "--data", "datasets/a9a.t", "--output", predictions])
        #expect(predict.status == 0, "\(predict.stderr)")
        let lines = try String(contentsOfFile: predictions, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 16_281)

        // Pruning the quantized file keeps it int8 (version 3), stored sparse.
        let pruned = folder + "/a9a-int8-90.safetensors"
        let prune = try CLI.run(["prune", "--model", int8, "--sparsity", "0.9", "--output", pruned, "--json"])
        #expect(prune.status == 0, "\(prune.stderr)")
        let prunedInfo = try CLI.lastJSON(try CLI.run(["inspect", pruned, "--json"]))
        #expect(prunedInfo["weight_dtype"] as? String == "I8")
        #expect(prunedInfo["storage"] as? String == "sparse")
        #expect(prunedInfo["zero_weights"] as? Int == 111)
    }

    @Test func perChannelSoftmaxAndBadOptions() throws {
        let folder = Fixtures.scratchDirectory("cli-quantize-dna")
        let dense = folder + "/dna.safetensors", int8 = folder + "/dna-int8.safetensors"
        let train = try CLI.run(["train", "--model", "softmax", "--data", "datasets/dna.scale", "--quiet", "--output", dense])
        try #require(train.status == 0, "\(train.stderr)")
        let quantize = try CLI.run(["quantize", "--model", dense, "--per-channel", "--eval-data", "datasets/dna.scale.t",
                                    "--output", int8, "--json"])
        #expect(quantize.status == 0, "\(quantize.stderr)")
        let json = try CLI.lastJSON(quantize)
        #expect((json["scales"] as? [Double])?.count == 3)
        let accuracy = try #require((json["metrics"] as? [String: Any])?["accuracy"] as? Double)
        #expect(abs(accuracy - 0.947723) < 0.0005, "per-channel accuracy \(accuracy)")   // dense 0.947723

        let badPercentile = try CLI.run(["quantize", "--model", dense, "--percentile", "30", "--output", int8])
        #expect(badPercentile.status != 0)
        #expect(badPercentile.stderr.contains("--percentile must be in (50, 100], got 30"))
        let missing = try CLI.run(["quantize", "--model", folder + "/none.safetensors", "--output", int8])
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("none.safetensors"))
        // dna is sparse, trained without standardization: there is no standardized space.
        let noSpace = try CLI.run(["quantize", "--model", dense, "--space", "standardized", "--output", int8])
        #expect(noSpace.status != 0)
        #expect(noSpace.stderr.contains("trained without standardization"))
    }

    /// cal_housing is standardized while training, so its levels are taken in that space by
    /// default and RMSE moves by less than 1 %; `--space original` shows why (+6.9 %).
    @Test func standardizedSpaceForCalHousing() throws {
        let folder = Fixtures.scratchDirectory("cli-quantize-cal")
        let dense = folder + "/cal.safetensors", int8 = folder + "/cal-int8.safetensors"
        let train = try CLI.run(["train", "--model", "linear", "--optimizer", "exact", "--l2", "0",
                                 "--data", "datasets/cal_housing.data", "--quiet", "--output", dense])
        try #require(train.status == 0, "\(train.stderr)")
        let before = try CLI.lastJSON(try CLI.run(["evaluate", "--model", dense, "--data", "datasets/cal_housing.data", "--json"]))
        let rmse = try #require(before["rmse"] as? Double)
        // Standardized with int8 inputs (percentile calibration); original with float inputs.
        let calibrate = ["--calibration-data", "datasets/cal_housing.data", "--calibration", "percentile"]
        for (space, limit, extra) in [("standardized", 1.01, calibrate), ("original", 1.08, [])] {
            let run = try CLI.run(["quantize", "--model", dense, "--space", space, "--eval-data", "datasets/cal_housing.data",
                                   "--output", int8, "--json"] + extra)
            #expect(run.status == 0, "\(run.stderr)")
            let json = try CLI.lastJSON(run)
            #expect(json["space"] as? String == space)
            let after = try #require((json["metrics"] as? [String: Any])?["rmse"] as? Double)
            #expect(after <= limit * rmse, "\(space): \(after) against \(rmse)")
        }
        let text = try CLI.run(["inspect", int8])
        #expect(text.stdout.contains("weight_scale     F32 [], 4 bytes"))
        #expect(!text.stdout.contains("standardized space"))
        let standardized = try CLI.run(["quantize", "--model", dense, "--output", int8])
        #expect(standardized.stdout.contains("in the standardized space"))
        #expect(try CLI.run(["inspect", int8]).stdout.contains("levels in the standardized space"))
    }
}
