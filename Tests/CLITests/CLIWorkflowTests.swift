import Foundation
import Testing
import TestSupport

/// The command-line contract of DESIGN.md, run as a user would: the built binary, real files.
@Suite(.serialized) struct CLIWorkflowTests {
    @Test func trainEvaluatePredictInspectOnA9A() throws {
        let folder = Fixtures.scratchDirectory("cli")
        let model = folder + "/a9a.model"
        let train = try CLI.run(["train", "--model", "logistic", "--data", "datasets/a9a", "--test", "datasets/a9a.t",
                                 "--workers", "1", "--optimizer", "lbfgs", "--l2", "1", "--json", "--output", model])
        #expect(train.status == 0, "\(train.stderr)")
        let json = try CLI.lastJSON(train)
        for key in ["objective", "train_seconds", "load_seconds", "iterations", "passes", "workers", "converged", "test_accuracy", "test_auc"] {
            #expect(json[key] != nil, "missing \(key)")
        }
        let objective = try #require(json["objective"] as? Double)
        #expect(abs(objective - 10_528.57) < 0.1)
        let testAccuracy = try #require(json["test_accuracy"] as? Double)
        #expect(testAccuracy >= 0.849)
        #expect(json["converged"] as? Bool == true)
        #expect(json["workers"] as? Int == 1)

        let evaluate = try CLI.run(["evaluate", "--model", model, "--data", "datasets/a9a.t", "--json"])
        #expect(evaluate.status == 0, "\(evaluate.stderr)")
        let metrics = try CLI.lastJSON(evaluate)
        #expect(metrics["accuracy"] as? Double == testAccuracy)
        #expect((metrics["auc"] as? Double ?? 0) > 0.9)

        let predictions = folder + "/a9a.predictions"
        let predict = try CLI.run(["predict", "--model", model, "--data", "datasets/a9a.t", "--output", predictions])
        #expect(predict.status == 0, "\(predict.stderr)")
        let lines = try String(contentsOfFile: predictions, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 16_281)
        #expect(Set(lines.map(String.init)) == ["-1", "1"])

        let inspect = try CLI.run(["inspect", model])
        #expect(inspect.status == 0)
        #expect(inspect.stdout.contains("logistic, 123 features"))
        #expect(inspect.stdout.contains("weight"))
    }

    @Test func softmaxProbabilitiesSumToOne() throws {
        let folder = Fixtures.scratchDirectory("cli-softmax")
        let model = folder + "/dna.model"
        let train = try CLI.run(["train", "--model", "softmax", "--data", "datasets/dna.scale", "--test", "datasets/dna.scale.t",
                                 "--quiet", "--json", "--output", model])
        #expect(train.status == 0, "\(train.stderr)")
        #expect((try CLI.lastJSON(train)["test_accuracy"] as? Double ?? 0) >= 0.94)
        let predict = try CLI.run(["predict", "--model", model, "--data", "datasets/dna.scale.t", "--probabilities"])
        let rows = predict.stdout.split(separator: "\n")
        #expect(rows.count == 1_186)
        for row in rows.prefix(50) {
            let fields = row.split(separator: " ")
            #expect(fields.count == 4)
            let total = fields.dropFirst().compactMap { Double($0) }.reduce(0, +)
            #expect(abs(total - 1) < 1e-9)
        }
    }

    @Test func synthesizedRegressionDataIsLearned() throws {
        let folder = Fixtures.scratchDirectory("cli-synth")
        let data = folder + "/synth.svm"
        let synth = try CLI.run(["datasets", "synth", "--kind", "linear", "--rows", "2000", "--features", "10",
                                 "--noise", "0.1", "--seed", "5", "--output", data])
        #expect(synth.status == 0, "\(synth.stderr)")
        let train = try CLI.run(["train", "--model", "linear", "--data", data, "--test-fraction", "0.25", "--quiet", "--json",
                                 "--output", folder + "/synth.model"])
        #expect(train.status == 0, "\(train.stderr)")
        #expect((try CLI.lastJSON(train)["test_r2"] as? Double ?? 0) > 0.99)
    }

    @Test func dataErrorsNameFileLineAndColumn() throws {
        let path = Fixtures.writeTemporaryFile("+1 1:0.5 3:1\n-1 2:1 0:4\n", name: "bad.svm")
        let run = try CLI.run(["train", "--model", "logistic", "--data", path, "--output", Fixtures.scratchDirectory() + "/m"])
        #expect(run.status != 0)
        #expect(run.stderr.contains("bad.svm:2:"))
        #expect(run.stderr.contains("0:4"))
        #expect(!run.stderr.contains("Fatal error"))
    }

    /// `--output NAME` with no folder writes into the working directory (the path is split by
    /// hand: Foundation's path functions trap on a name without a slash on this toolchain).
    @Test func aBareOutputNameIsWrittenInTheWorkingDirectory() throws {
        let folder = Fixtures.scratchDirectory("bare-output")
        let process = Process()
        process.executableURL = CLI.executable
        process.currentDirectoryURL = URL(fileURLWithPath: folder)
        process.arguments = ["train", "--model", "logistic", "--data", Fixtures.repositoryRoot.path + "/datasets/a9a",
                             "--max-iterations", "5", "--quiet", "--output", "m"]
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["m"])
    }

    /// `export` writes an ONNX file of the model (what ONNX Runtime makes of it is checked by
    /// ONNXInteropTests); a file that is not a model is a clear error and writes nothing.
    @Test func exportWritesONNXAndRefusesNonModels() throws {
        let folder = Fixtures.scratchDirectory("export")
        let train = try CLI.run(["train", "--model", "softmax", "--data", "datasets/dna.scale", "--quiet", "--output", folder + "/dna.model"])
        #expect(train.status == 0, "\(train.stderr)")
        let export = try CLI.run(["export", "--model", folder + "/dna.model", "--format", "onnx", "--output", folder + "/dna.onnx"])
        #expect(export.status == 0, "\(export.stderr)")
        let bytes = try #require(FileManager.default.contents(atPath: folder + "/dna.onnx"))
        #expect(bytes.count > 180 * 3 * 4, "the weights alone are 2,160 bytes")
        #expect(export.stdout.contains("opset 13"))
        let inspect = try CLI.run(["inspect", folder + "/dna.onnx", "--json"])
        #expect(inspect.status == 0, "\(inspect.stderr)")
        let summary = try CLI.lastJSON(inspect)
        #expect(summary["format"] as? String == "onnx")
        #expect(summary["operators"] as? String == "Gemm,Softmax,ArgMax,Gather")
        #expect(summary["inputs"] as? String == "features float32[N, 180]")
        #expect(summary["meta_shardtrain.kind"] as? String == "softmax")
        let bogus = Fixtures.writeTemporaryFile("not a model", name: "bogus.model")
        let refused = try CLI.run(["export", "--model", bogus, "--output", folder + "/bogus.onnx"])
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("bogus.model"))
        #expect(!FileManager.default.fileExists(atPath: folder + "/bogus.onnx"))
        let format = try CLI.run(["export", "--model", folder + "/dna.model", "--format", "pmml", "--output", folder + "/x"])
        #expect(format.status != 0)
    }

    @Test func missingFilesAndCorruptModelsAreClearErrors() throws {
        let missing = try CLI.run(["evaluate", "--model", "no-such.model", "--data", "datasets/a9a.t"])
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("no-such.model"))
        let corrupt = Fixtures.writeTemporaryFile("this is not a model", name: "corrupt.model")
        let run = try CLI.run(["evaluate", "--model", corrupt, "--data", "datasets/a9a.t"])
        #expect(run.status != 0)
        #expect(run.stderr.contains("corrupt.model"))
    }

    @Test func badHyperparametersAreRefusedBeforeReadingData() throws {
        let run = try CLI.run(["train", "--model", "logistic", "--data", "no-such-file", "--l2", "-1", "--output", "/dev/null"])
        #expect(run.status != 0)
        #expect(run.stderr.contains("--l2"))
    }

    @Test func verboseNamesTheBLASKernel() throws {
        let run = try CLI.run(["train", "--model", "logistic", "--data", "datasets/dna.scale", "--model", "softmax", "--verbose",
                               "--max-iterations", "2", "--output", Fixtures.scratchDirectory() + "/m"])
        #expect(run.stderr.contains("BLAS: OpenBLAS kernel"))
    }
}
