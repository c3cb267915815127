import ArgumentParser
import ShardTrain

/// `shardtrain quantize`: int8 weights (and optionally int8 inputs) for a model file.
struct QuantizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quantize",
        abstract: "Quantize a model's weights to int8 (intercepts stay float) and write the quantized model.",
        discussion: """
        Weights become symmetric int8 levels with one float scale for the whole matrix, or one per \
        class with --per-channel. --calibration-data FILE also quantizes the inputs (asymmetric int8, \
        one scale and zero point for all features, from the data's range: --calibration min-max or \
        percentile with --percentile P); the model then scores with int8 × int8 → int32 dot products. \
        --eval-data FILE scores the quantized model and stores the metrics in the file. A model trained \
        on standardized features is quantized in that space (each coefficient times its feature's \
        standard deviation, and int8 inputs standardized before rounding), so that coefficients of \
        very different sizes share one scale; --space original turns this off. Works on \
        pruned models too: zero weights stay zero and are stored sparse when that is smaller.
        """
    )

    enum CalibrationMethod: String, ExpressibleByArgument, CaseIterable {
        case minMax = "min-max"
        case percentile
    }

    @Option(help: "Model file to quantize.")
    var model: String

    @Flag(help: "One weight scale per output row (per class) instead of one for all weights.")
    var perChannel = false

    @Option(help: "Where levels are taken: standardized (the default when the model records a standardization) or original.")
    var space: Quantization.Space?

    @Option(help: "Data to calibrate input quantization on; without it only the weights are quantized.")
    var calibrationData: String?

    @Option(help: "How the input range is chosen: min-max or percentile.")
    var calibration: CalibrationMethod = .minMax

    @Option(help: "The percentile of --calibration percentile, in (50, 100].")
    var percentile: Double = 99.99

    @Option(help: "Labelled data the quantized model is scored on (the metrics are stored in the file).")
    var evalData: String?

    @Option(help: "Where to write the quantized model.")
    var output: String

    @OptionGroup var dataOptions: DataOptions

    @Flag(help: "Print one JSON object as the last line of stdout.")
    var json = false

    func validate() throws {
        try OutputPath.check(output, against: [("--model", model), ("--calibration-data", calibrationData)])
        guard percentile > 50, percentile <= 100 else { throw ValidationError("--percentile must be in (50, 100], got \(percentile)") }
    }

    func run() throws {
        let original = try report { try ModelFile.read(from: model) }
        let options = dataOptions.loadOptions(featureCount: original.featureCount)
        let calibrationSet = try calibrationData.map { try loadDataset($0, options).0 }
        let evaluationSet = try evalData.map { try loadDataset($0, options).0 }
        let method: InputQuantization.Calibration? = calibrationSet == nil ? nil
            : calibration == .minMax ? .minMax : .percentile(percentile)
        let step = Quantization(granularity: perChannel ? .perChannel : .perTensor, inputCalibration: method, space: space)
        let quantized = try report {
            try step.apply(to: original, calibration: calibrationSet?.features, evaluation: evaluationSet)
        }
        try report { try ModelFile.write(quantized, to: output) }
        let bytes = try report { try ModelFile.encode(quantized).count }
        let inputBytes = try report { try ModelFile.encode(original).count }
        let levels = quantized.quantization
        let evaluation = try evaluationSet.map { data in try report { try quantized.evaluate(data) } }
        if json {
            var line = JSONLine()
            line.add("granularity", step.granularity.rawValue)
            line.add("space", levels?.standardization == nil ? "original" : "standardized")
            line.add("scales", raw: "[" + (levels?.scales ?? []).map { "\(Double($0))" }.joined(separator: ",") + "]")
            if let input = levels?.input {
                line.add("input_scale", Double(input.scale))
                line.add("input_zero_point", Int(input.zeroPoint))
            }
            line.add("storage", ModelFile.weightStorage(for: quantized).rawValue)
            line.add("file_bytes", bytes)
            line.add("input_file_bytes", inputBytes)
            if let evaluation { line.add("metrics", object: evaluation.json) }
            print(line.rendered)
            return
        }
        print("quantized \(model) → \(output): int8 weights, \(step.granularity.rawValue) scales"
              + (levels?.standardization == nil ? ", " : " in the standardized space, ")
              + (levels?.input.map { "int8 inputs (scale \($0.scale), zero point \($0.zeroPoint))" } ?? "float inputs")
              + ", \(bytes) bytes (input \(inputBytes))")
        if let evaluation {
            print("metrics: " + evaluation.values.map { "\($0.name) \($0.value)" }.joined(separator: ", "))
        }
    }
}

extension Quantization.Space: ExpressibleByArgument {}
