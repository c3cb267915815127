import ArgumentParser
import Foundation
import ShardTrain

/// `shardtrain prune --sweep`: the metric and file size at each sparsity.
extension PruneCommand {
    /// The sparsities of `--sweep`, each in `[0, 1)`.
    func sweepSparsities() throws -> [Double] {
        let fields = (sweep ?? "").split(separator: ",", omittingEmptySubsequences: false)
        var values: [Double] = []
        for field in fields {
            let text = field.trimmingCharacters(in: .whitespaces)
            guard let value = Double(text), value >= 0, value < 1 else {
                throw ValidationError("--sweep takes comma-separated sparsities in [0, 1), found \"\(text)\"")
            }
            values.append(value)
        }
        return values
    }

    /// The bytes of the weight tensors (`weight`, or `weight_indices` and `weight_values`) in
    /// the file `model` would be: what pruning shrinks, unlike the metadata.
    func weightBytes(_ model: LinearModel) throws -> Int {
        let file = try report { try SafeTensorsFile(decoding: ModelFile.encode(model), source: model.kind.rawValue) }
        return ["weight", "weight_indices", "weight_values"].compactMap { file[$0]?.bytes.count }.reduce(0, +)
    }

    /// Prunes `original` to each sparsity of the sweep (fine-tuning when asked) and prints the
    /// metric on the evaluation data and the size of the file each model would be.
    func runSweep(_ original: LinearModel) throws {
        let training = try loadTraining(original)
        guard let evaluation = try evaluationData(original) else { return }
        let metricName = original.kind.isClassifier ? "accuracy" : "rmse"
        func metric(_ model: LinearModel) throws -> Double {
            let report = try report { try model.evaluate(evaluation) }
            return report.values.first { $0.name == metricName }?.value ?? .nan
        }
        let baseline = try metric(original)
        let baselineBytes = try report { try ModelFile.encode(original).count }
        var rows: [JSONLine] = []
        if !json {
            print("sparsity  \(metricName.padding(toLength: 9, withPad: " ", startingAt: 0))  change     storage  weight bytes  file bytes")
            let storage = ModelFile.weightStorage(for: original).rawValue.padding(toLength: 6, withPad: " ", startingAt: 0)
            print(String(format: "input     %.5f    —          ", baseline) + storage
                  + String(format: "   %12d  %10d", try weightBytes(original), baselineBytes))
        }
        for target in try sweepSparsities() {
            let model = try compress(original, target: .sparsity(target), training: training)
            let value = try metric(model)
            let bytes = try report { try ModelFile.encode(model).count }
            let storage = ModelFile.weightStorage(for: model).rawValue
            var row = JSONLine()
            row.add("sparsity", Pruning.sparsity(of: model.weights))
            row.add(metricName, value)
            row.add("change", value - baseline)
            row.add("storage", storage)
            row.add("weight_bytes", try weightBytes(model))
            row.add("file_bytes", bytes)
            rows.append(row)
            if !json {
                print(String(format: "%-8.4f  %.5f    %+.5f   ", Pruning.sparsity(of: model.weights), value, value - baseline)
                      + storage.padding(toLength: 6, withPad: " ", startingAt: 0)
                      + String(format: "   %12d  %10d", try weightBytes(model), bytes))
            }
        }
        if json {
            var line = JSONLine()
            line.add("metric", metricName)
            line.add("baseline", baseline)
            line.add("baseline_weight_bytes", try weightBytes(original))
            line.add("baseline_file_bytes", baselineBytes)
            line.add("finetune_iterations", finetuneEpochs ?? 0)
            line.add("sweep", raw: "[" + rows.map(\.rendered).joined(separator: ",") + "]")
            print(line.rendered)
        }
    }
}
