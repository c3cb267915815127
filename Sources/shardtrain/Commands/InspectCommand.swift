import ArgumentParser
import Foundation
import ShardTrain

/// `shardtrain inspect`: what a model file holds.
struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Show a model file: kind, shapes, tensors, sparsity and storage, weight dtype and scales, size, training summary, metrics and metadata (or an exported ONNX file's graph, or any safetensors file's tensors)."
    )

    @Argument(help: "Model file.")
    var model: String

    @Flag(help: "Print one JSON object as the last line of stdout.")
    var json = false

    func run() throws {
        if let bytes = FileManager.default.contents(atPath: model).map(Array.init), ONNXSummary.looksLikeONNX(bytes) {
            return try inspectONNX(bytes)
        }
        let container = try report { try SafeTensorsFile.read(from: model) }
        let size = (try? FileManager.default.attributesOfItem(atPath: model)[.size] as? Int) ?? nil
        if container.metadata["format"] != "shardtrain-model" {
            return inspectForeignSafeTensors(container, fileBytes: size)
        }
        let fitted = try report { try ModelFile.read(from: model) }
        let zeros = fitted.weights.filter { $0 == 0 }.count
        let sparsity = fitted.weights.isEmpty ? 0 : Double(zeros) / Double(fitted.weights.count)
        let summary = fitted.summary
        let storage = container.metadata["weight_storage"] ?? ModelFile.WeightStorage.dense.rawValue
        if json {
            var line = JSONLine()
            line.add("kind", fitted.kind.rawValue)
            line.add("features", fitted.featureCount)
            line.add("outputs", fitted.outputs)
            line.add("classes", raw: "[" + fitted.classes.map { "\($0)" }.joined(separator: ",") + "]")
            line.add("sparsity", sparsity)
            line.add("zero_weights", zeros)
            line.add("storage", storage)
            line.add("format_version", container.metadata["format_version"] ?? "")
            line.add("weight_dtype", fitted.quantization == nil ? "F32" : "I8")
            if let quantization = fitted.quantization {
                line.add("granularity", quantization.granularity.rawValue)
                line.add("space", quantization.standardization == nil ? "original" : "standardized")
                line.add("scales", raw: "[" + quantization.scales.map { "\(Double($0))" }.joined(separator: ",") + "]")
                if let input = quantization.input {
                    line.add("input_scale", Double(input.scale))
                    line.add("input_zero_point", Int(input.zeroPoint))
                }
            }
            if let size { line.add("file_bytes", size) }
            var tensors = JSONLine()
            for name in container.tensors.keys.sorted() {
                guard let tensor = container.tensors[name] else { continue }
                var entry = JSONLine()
                entry.add("dtype", tensor.dtype.rawValue)
                entry.add("shape", raw: "[" + tensor.shape.map(String.init).joined(separator: ",") + "]")
                entry.add("bytes", tensor.bytes.count)
                tensors.add(name, object: entry)
            }
            line.add("tensors", object: tensors)
            line.add("optimizer", summary.optimizer)
            line.add("objective", summary.objective)
            line.add("iterations", summary.iterations)
            line.add("converged", summary.converged)
            if let metrics = fitted.metadata["metrics"] { line.add("metrics", raw: metrics) }
            if let pruning = fitted.metadata[Pruning.metadataKey] { line.add("pruning", raw: pruning) }
            if let finetune = fitted.metadata[FineTuning.metadataKey] { line.add("finetune", raw: finetune) }
            if let record = fitted.metadata[Quantization.metadataKey] { line.add("quantization", raw: record) }
            print(line.rendered)
            return
        }
        print("model file   \(model)" + (size.map { " (\($0) bytes)" } ?? ""))
        print("kind         \(fitted.kind.rawValue), \(fitted.featureCount) features, \(fitted.outputs) output(s)")
        if !fitted.classes.isEmpty { print("classes      " + fitted.classes.map(LabelEncoding.format).joined(separator: ", ")) }
        print(String(format: "sparsity     %.2f%% of %d weights are zero (%d)", 100 * sparsity, fitted.weights.count, zeros))
        print("storage      \(storage) weights, format_version \(container.metadata["format_version"] ?? "?")")
        if let quantization = fitted.quantization {
            let scales = quantization.scales
            print("weights      I8, \(quantization.granularity.rawValue) scales: " + (scales.count == 1 ? "\(scales[0])"
                : "\(scales.count), from \(scales.min() ?? 0) to \(scales.max() ?? 0)")
                + (quantization.standardization == nil ? "" : ", levels in the standardized space (÷ feature_scale)"))
            print("inputs       " + (quantization.input.map {
                "I8, scale \($0.scale), zero point \($0.zeroPoint)" + ($0.standardization == nil ? "" : " on standardized values")
            } ?? "float (weight-only quantization)"))
        } else {
            print("weights      F32")
        }
        print("tensors")
        for name in container.tensors.keys.sorted() {
            if let tensor = container.tensors[name] {
                print("  \(name.padding(toLength: max(16, name.count), withPad: " ", startingAt: 0)) \(tensor.dtype.rawValue) \(tensor.shape), \(tensor.bytes.count) bytes")
            }
        }
        if let pruning = fitted.metadata[Pruning.metadataKey] { print("pruning      \(pruning)") }
        if let finetune = fitted.metadata[FineTuning.metadataKey] { print("fine-tuning  \(finetune)") }
        if let record = fitted.metadata[Quantization.metadataKey] { print("quantization \(record)") }
        print("training     \(summary.optimizer), \(summary.iterations) iterations, \(String(format: "%.0f", summary.passes)) passes, "
              + "\(summary.converged ? "converged" : "NOT converged") (\(summary.stopReason.rawValue)), "
              + String(format: "%.3f s, objective %.6f", summary.trainSeconds, summary.objective))
        if let metrics = fitted.metadata["metrics"] { print("metrics      \(metrics)") }
        print("metadata")
        for key in container.metadata.keys.sorted() where !["training_summary", "metrics"].contains(key) {
            print("  \(key.padding(toLength: max(22, key.count), withPad: " ", startingAt: 0)) \(container.metadata[key] ?? "")")
        }
    }
}
