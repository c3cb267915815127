import ArgumentParser
import Foundation
import ShardTrain

/// `shardtrain inspect`: what a model file holds.
struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Show a model file: kind, shapes, tensors, training summary, metrics and metadata."
    )

    @Argument(help: "Model file.")
    var model: String

    @Flag(help: "Print one JSON object as the last line of stdout.")
    var json = false

    func run() throws {
        let container = try report { try SafeTensorsFile.read(from: model) }
        let fitted = try report { try ModelFile.read(from: model) }
        let size = (try? FileManager.default.attributesOfItem(atPath: model)[.size] as? Int) ?? nil
        let zeros = fitted.weights.filter { $0 == 0 }.count
        let sparsity = fitted.weights.isEmpty ? 0 : Double(zeros) / Double(fitted.weights.count)
        let summary = fitted.summary
        if json {
            var line = JSONLine()
            line.add("kind", fitted.kind.rawValue)
            line.add("features", fitted.featureCount)
            line.add("outputs", fitted.outputs)
            line.add("classes", raw: "[" + fitted.classes.map { "\($0)" }.joined(separator: ",") + "]")
            line.add("sparsity", sparsity)
            if let size { line.add("file_bytes", size) }
            line.add("optimizer", summary.optimizer)
            line.add("objective", summary.objective)
            line.add("iterations", summary.iterations)
            line.add("converged", summary.converged)
            if let metrics = fitted.metadata["metrics"] { line.add("metrics", raw: metrics) }
            print(line.rendered)
            return
        }
        print("model file   \(model)" + (size.map { " (\($0) bytes)" } ?? ""))
        print("kind         \(fitted.kind.rawValue), \(fitted.featureCount) features, \(fitted.outputs) output(s)")
        if !fitted.classes.isEmpty { print("classes      " + fitted.classes.map(LabelEncoding.format).joined(separator: ", ")) }
        print(String(format: "sparsity     %.2f%% of %d weights are zero", 100 * sparsity, fitted.weights.count))
        print("tensors")
        for name in container.tensors.keys.sorted() {
            if let tensor = container.tensors[name] {
                print("  \(name.padding(toLength: 14, withPad: " ", startingAt: 0)) \(tensor.dtype.rawValue) \(tensor.shape)")
            }
        }
        print("training     \(summary.optimizer), \(summary.iterations) iterations, \(String(format: "%.0f", summary.passes)) passes, "
              + "\(summary.converged ? "converged" : "NOT converged") (\(summary.stopReason.rawValue)), "
              + String(format: "%.3f s, objective %.6f", summary.trainSeconds, summary.objective))
        if let metrics = fitted.metadata["metrics"] { print("metrics      \(metrics)") }
        print("metadata")
        for key in container.metadata.keys.sorted() where !["training_summary", "metrics"].contains(key) {
            print("  \(key.padding(toLength: 22, withPad: " ", startingAt: 0)) \(container.metadata[key] ?? "")")
        }
    }
}
