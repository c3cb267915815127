import ArgumentParser
import ShardTrain

/// `shardtrain prune`: magnitude pruning of a model file, with optional fine-tuning, or a
/// sweep over sparsities.
struct PruneCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prune",
        abstract: "Zero the smallest weights of a model (intercepts are kept) and write the pruned model.",
        discussion: """
        Give --sparsity (the fraction of weights to zero) or --threshold (zero every |w| below it). \
        --finetune-epochs N re-fits the surviving weights on --data for at most N L-BFGS iterations, \
        with the model's own objective on the original feature scale; zeroed weights stay zero. \
        --sweep 0.5,0.9,… --data FILE prints, for each sparsity, the metric on --eval-data (default: --data) \
        and the size of the file that would be written. The file stores weights sparse when that is smaller.
        """
    )

    @Option(help: "Model file to prune.")
    var model: String

    @Option(help: "Fraction of the weights to set to zero, in [0, 1).")
    var sparsity: Double?

    @Option(help: "Zero every weight whose magnitude is below this value (≥ 0).")
    var threshold: Double?

    @Flag(help: "Prune each output's row (each class of a softmax model) separately instead of all weights together.")
    var perOutput = false

    @Option(help: "Where to write the pruned model.")
    var output: String?

    @Option(help: "Re-fit the surviving weights for at most this many iterations (needs --data).")
    var finetuneEpochs: Int?

    @Option(help: "Training data for fine-tuning, and for --sweep.")
    var data: String?

    @Option(help: "Data the sweep (or the pruned model) is scored on (default: --data).")
    var evalData: String?

    @Option(help: "Comma-separated sparsities to try, e.g. 0.5,0.8,0.9,0.95,0.99 (needs --data; writes no file).")
    var sweep: String?

    @OptionGroup var dataOptions: DataOptions

    @Flag(help: "Print one JSON object as the last line of stdout.")
    var json = false

    func validate() throws {
        try OutputPath.check(output, against: [("--model", model), ("--data", data)])
        if let sparsity, !(sparsity >= 0 && sparsity < 1) { throw ValidationError("--sparsity must be in [0, 1), got \(sparsity)") }
        if let threshold, !(threshold >= 0 && threshold.isFinite) { throw ValidationError("--threshold must be a finite number ≥ 0, got \(threshold)") }
        if let finetuneEpochs {
            guard finetuneEpochs >= 1 else { throw ValidationError("--finetune-epochs must be ≥ 1, got \(finetuneEpochs)") }
            guard data != nil else { throw ValidationError("--finetune-epochs needs --data (the training data to re-fit on)") }
        }
        if sweep != nil {
            guard sparsity == nil, threshold == nil else { throw ValidationError("--sweep replaces --sparsity and --threshold; give only --sweep") }
            guard data != nil || evalData != nil else { throw ValidationError("--sweep needs --data (the data to score each sparsity on)") }
            guard output == nil else { throw ValidationError("--sweep writes no model; drop --output") }
            _ = try sweepSparsities()
            return
        }
        guard (sparsity == nil) != (threshold == nil) else { throw ValidationError("give exactly one of --sparsity and --threshold") }
        guard output != nil else { throw ValidationError("--output is required: where to write the pruned model") }
    }

    func run() throws {
        let original = try report { try ModelFile.read(from: model) }
        if sweep != nil { return try runSweep(original) }
        let target: Pruning.Target = sparsity.map { .sparsity($0) } ?? .threshold(threshold ?? 0)
        let pruned = try compress(original, target: target, training: loadTraining(original))
        guard let output else { return }
        try report { try ModelFile.write(pruned, to: output) }
        let bytes = try report { try ModelFile.encode(pruned).count }
        let denseBytes = try report { try ModelFile.encode(original).count }
        let evaluation = try evaluationData(original).map { dataset in try report { try pruned.evaluate(dataset) } }
        let achieved = Pruning.sparsity(of: pruned.weights)
        let storage = ModelFile.weightStorage(for: pruned)
        if json {
            var line = JSONLine()
            line.add("sparsity", achieved)
            line.add("zero_weights", pruned.weights.count(where: { $0 == 0 }))
            line.add("weights", pruned.weights.count)
            line.add("storage", storage.rawValue)
            line.add("file_bytes", bytes)
            line.add("input_file_bytes", denseBytes)
            line.add("finetune_iterations", finetuneEpochs == nil ? 0 : pruned.summary.iterations)
            if let evaluation { line.add("metrics", object: evaluation.json) }
            print(line.rendered)
            return
        }
        print("pruned \(model) → \(output): " + String(format: "%.2f%% of %d weights are zero, ", 100 * achieved, pruned.weights.count)
              + "\(storage.rawValue) storage, \(bytes) bytes (input \(denseBytes))")
        if finetuneEpochs != nil {
            print(String(format: "fine-tuned %d iterations, objective %.6f", pruned.summary.iterations, pruned.summary.objective))
        }
        if let evaluation {
            print("metrics: " + evaluation.values.map { "\($0.name) \($0.value)" }.joined(separator: ", "))
        }
    }

    /// `model` pruned to `target`, then fine-tuned when asked.
    func compress(_ model: LinearModel, target: Pruning.Target, training: Dataset?) throws -> LinearModel {
        let pruning = try report { try Pruning(target, scope: perOutput ? .perOutput : .global) }
        let pruned = pruning.apply(to: model)
        guard let finetuneEpochs, let training else { return pruned }
        let tuning = try report { try FineTuning(maxIterations: finetuneEpochs) }
        return try report { try tuning.refit(pruned, on: training) }
    }

    /// The training data, when fine-tuning.
    func loadTraining(_ model: LinearModel) throws -> Dataset? {
        guard finetuneEpochs != nil, let data else { return nil }
        return try loadDataset(data, dataOptions.loadOptions(featureCount: model.featureCount)).0
    }

    /// The data to score on: --eval-data, else --data.
    func evaluationData(_ model: LinearModel) throws -> Dataset? {
        guard let path = evalData ?? data else { return nil }
        return try loadDataset(path, dataOptions.loadOptions(featureCount: model.featureCount)).0
    }
}
