/// Int8 quantization of a ``LinearModel``: symmetric int8 weights with one scale per tensor or
/// per output row, intercepts kept in float, and optionally asymmetric int8 inputs calibrated
/// on data.
///
/// The quantized model has the API of a float one: its ``LinearModel/weights`` are the
/// dequantized values, ``LinearModel/quantization`` holds the levels and scales, and
/// ``LinearModel/margins(_:)`` runs int8 × int8 → int32 dot products when the inputs are
/// quantized, float32 on the dequantized weights otherwise. Zero weights stay exactly zero,
/// so a pruned model keeps its sparsity (and its sparse storage, one byte per value).
///
/// The quantized model records the step in ``LinearModel/metadata`` under ``metadataKey``, as
/// a JSON object: `scheme` (`symmetric-int8`), `granularity` (`per-tensor` or `per-channel`),
/// `space` (`original` or `standardized`), `max_abs_error` (the largest |w − dequantized w|,
/// on the original scale), `input` (`none` or `asymmetric-int8`),
/// and with input quantization `calibration` (`min-max` or `percentile`), `percentile`,
/// `calibration_rows`, `input_scale`, `input_zero_point`; when evaluation data is given,
/// `metrics` (measured on the quantized model) and `eval_rows`. The metrics also replace the
/// model's `metrics` entry: they describe the model that is stored.
public struct Quantization: Sendable, Equatable {
    /// The ``LinearModel/metadata`` key of the quantization record.
    public static let metadataKey = "quantization"

    /// One weight scale for the whole matrix, or one per output row.
    public var granularity: QuantizedWeights.Granularity
    /// How to calibrate input quantization; `nil` quantizes the weights only.
    public var inputCalibration: InputQuantization.Calibration?
    /// The space the levels are taken in; `nil` picks the standardized space when the model
    /// records a standardization, the original one otherwise.
    public var space: Space?

    /// Where weights (and int8 inputs) are put on the int8 grid.
    public enum Space: String, Sendable, Equatable, CaseIterable {
        /// The coefficients as stored: one scale must cover all of them.
        case original
        /// The coefficients times each feature's standard deviation (the model's
        /// ``LinearModel/standardization``), where features are comparable.
        case standardized
    }

    /// Creates a quantization step.
    public init(granularity: QuantizedWeights.Granularity = .perTensor, inputCalibration: InputQuantization.Calibration? = nil,
                space: Space? = nil) {
        self.granularity = granularity
        self.inputCalibration = inputCalibration
        self.space = space
    }

    /// The standardization the levels of `model` are taken in, by ``space``.
    /// - Throws: ``TrainingError/Code/invalidConfiguration`` for the standardized space on a
    ///   model trained without standardization.
    func standardization(for model: LinearModel) throws(TrainingError) -> Standardization? {
        switch space {
        case nil: return model.standardization
        case .original: return nil
        case .standardized:
            guard let standardization = model.standardization else {
                throw TrainingError(.invalidConfiguration,
                                    "the model was trained without standardization: it has no standardized space to quantize in")
            }
            return standardization
        }
    }

    /// `model` with int8 weights (and int8 inputs when ``inputCalibration`` is set), and the
    /// record of the step in its metadata.
    /// - Parameters:
    ///   - calibration: the features input quantization is calibrated on (required with
    ///     ``inputCalibration``, ignored without).
    ///   - evaluation: labelled data the quantized model is scored on; the metrics are stored.
    /// - Throws: ``TrainingError/Code/invalidConfiguration`` when calibration data is needed and
    ///   missing or the percentile is out of range; ``TrainingError/Code/badData`` when the data
    ///   does not fit the model.
    public func apply(to model: LinearModel, calibration: FeatureMatrix? = nil,
                      evaluation: Dataset? = nil) throws(TrainingError) -> LinearModel {
        let standardization = try standardization(for: model)
        var levels = QuantizedWeights(quantizing: model.weights, outputs: model.outputs, granularity: granularity,
                                      standardization: standardization)
        var fields = ["\"scheme\":\"symmetric-int8\"", "\"granularity\":\"\(granularity.rawValue)\"",
                      "\"space\":\"\((standardization == nil ? Space.original : .standardized).rawValue)\""]
        let dequantized = levels.dequantized(featureCount: model.featureCount)
        let error = zip(model.weights, dequantized).map { abs($0 - $1) }.max() ?? 0
        fields.append("\"max_abs_error\":\(JSONText.number(error))")
        if let inputCalibration {
            guard let calibration else {
                throw TrainingError(.invalidConfiguration, "input quantization needs calibration data")
            }
            try model.checkCompatible(calibration)
            let input = try InputQuantization(calibratingOn: calibration, method: inputCalibration,
                                              standardization: standardization)
            levels = levels.with(input: input)
            fields += ["\"input\":\"asymmetric-int8\"", "\"calibration\":\"\(inputCalibration.name)\""]
            if case .percentile(let p) = inputCalibration { fields.append("\"percentile\":\(JSONText.number(p))") }
            fields += ["\"calibration_rows\":\(calibration.rows)", "\"input_scale\":\(JSONText.number(Double(input.scale)))",
                       "\"input_zero_point\":\(input.zeroPoint)"]
        } else {
            fields.append("\"input\":\"none\"")
        }
        var quantized = LinearModel(kind: model.kind, featureCount: model.featureCount, weights: dequantized,
                                    intercepts: model.intercepts, classes: model.classes,
                                    standardization: model.standardization, summary: model.summary,
                                    metadata: model.metadata, quantization: levels)
        if let evaluation {
            let metrics = "{" + (try quantized.evaluate(evaluation)).values
                .map { "\"\($0.name)\":\($0.value.isFinite ? JSONText.number($0.value) : "null")" }.joined(separator: ",") + "}"
            fields += ["\"metrics\":\(metrics)", "\"eval_rows\":\(evaluation.rowCount)"]
            quantized.metadata[ModelFile.metricsKey] = metrics
        }
        quantized.metadata[Self.metadataKey] = "{" + fields.joined(separator: ",") + "}"
        return quantized
    }
}
