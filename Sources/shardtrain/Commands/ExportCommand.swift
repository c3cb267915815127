import ArgumentParser
import Foundation
import ShardTrain

/// `shardtrain export`: a model file in a format other runtimes load.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export a model file for other runtimes (ONNX, opset 13).",
        discussion: """
        The ONNX graph takes `features` (float32, N × d) and gives `prediction` (linear), \
        `probability` and `label` (logistic) or `probabilities` and `label` (softmax).
        """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case onnx
    }

    @Option(help: "Model file.")
    var model: String

    @Option(help: "Output format: onnx.")
    var format: Format = .onnx

    @Option(help: "Where to write the exported file.")
    var output: String

    func validate() throws {
        try OutputPath.check(output, against: [("--model", model)])
    }

    func run() throws {
        let fitted = try report { try ModelFile.read(from: model) }
        do {
            try ONNXExport.write(fitted, to: output)
        } catch {
            throw CLIError("\(output): cannot export: \(error)")
        }
        print("exported \(fitted.kind.rawValue) model (\(fitted.featureCount) features, \(fitted.outputs) output(s)) to \(output) as ONNX opset \(ONNXExport.opset)")
    }
}
