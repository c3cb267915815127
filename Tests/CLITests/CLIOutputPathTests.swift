import Foundation
import Testing
import TestSupport

/// An output path that names one of the command's inputs is refused before anything is read
/// or written, however it is spelled: the input stays byte for byte as it was.
@Suite struct CLIOutputPathTests {
    @Test func outputsThatWouldReplaceAnInputAreRefused() throws {
        let folder = Fixtures.scratchDirectory("output-path")
        let data = folder + "/rows.svm"
        try FileManager.default.copyItem(atPath: Fixtures.dataset("a9a.t"), toPath: data)
        let original = try Data(contentsOf: URL(fileURLWithPath: data))
        try FileManager.default.createSymbolicLink(atPath: folder + "/link.svm", withDestinationPath: data)

        for output in [data, folder + "/./rows.svm", folder + "/link.svm"] {
            let run = try CLI.run(["train", "--model", "logistic", "--data", data, "--features", "123", "--quiet", "--output", output])
            #expect(run.status != 0)
            #expect(run.stderr.contains("is the file given to --data"), "\(run.stderr)")
        }
        let trace = try CLI.run(["train", "--model", "logistic", "--data", data, "--features", "123", "--quiet",
                                 "--output", folder + "/m", "--trace", data])
        #expect(trace.status != 0 && trace.stderr.contains("--trace"), "\(trace.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: data)) == original)

        let model = folder + "/m"
        let trained = try CLI.run(["train", "--model", "logistic", "--data", data, "--features", "123", "--quiet", "--output", model])
        try #require(trained.status == 0, "\(trained.stderr)")
        let modelBytes = try Data(contentsOf: URL(fileURLWithPath: model))
        let checks: [[String]] = [
            ["predict", "--model", model, "--data", data, "--output", model],
            ["predict", "--model", model, "--data", data, "--output", data],
            ["prune", "--model", model, "--sparsity", "0.5", "--output", model],
            ["quantize", "--model", model, "--output", model],
            ["export", "--model", model, "--format", "onnx", "--output", model],
        ]
        for arguments in checks {
            let run = try CLI.run(arguments)
            #expect(run.status != 0, "\(arguments)")
            #expect(run.stderr.contains("writing it would replace that input"), "\(arguments): \(run.stderr)")
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: model)) == modelBytes)
        #expect(try Data(contentsOf: URL(fileURLWithPath: data)) == original)
    }
}
