extension ModelFile {
    /// The safetensors container for `model` (see ``ModelFile`` for the layout).
    /// - Throws: ``ModelFileError/Code/inconsistent`` or ``ModelFileError/Code/nonFinite`` when
    ///   the model could not be read back.
    static func container(for model: LinearModel) throws(ModelFileError) -> SafeTensorsFile {
        try checkShape(kind: model.kind, outputs: model.outputs, classes: model.classes, source: "")
        try requireFiniteAsFloat(model.weights, name: TensorName.weight, source: "")
        try requireFiniteAsFloat(model.intercepts, name: TensorName.bias, source: "")

        var tensors: [String: SafeTensorsFile.Tensor] = [
            TensorName.bias: .init(floats: model.intercepts.map(Float.init), shape: [model.outputs]),
        ]
        let storage = weightStorage(for: model)
        if let quantization = model.quantization {
            if let space = quantization.standardization, space != model.standardization {
                throw ModelFileError(.inconsistent, path: "",
                                     "the int8 weights are in a standardized space that is not the model's standardization")
            }
            tensors.merge(QuantizedTensors.tensors(for: quantization, outputs: model.outputs, featureCount: model.featureCount).tensors) { $1 }
        } else {
            switch storage {
            case .dense:
                tensors[TensorName.weight] = .init(floats: model.weights.map(Float.init), shape: [model.outputs, model.featureCount])
            case .sparse:
                let (indices, values) = SparseWeights(nonZerosOf: model.weights).tensors(forCount: model.weights.count)
                tensors[TensorName.weightIndices] = indices
                tensors[TensorName.weightValues] = values
            }
        }
        if let standardization = model.standardization {
            try checkStandardization(means: standardization.means, scales: standardization.scales,
                                     featureCount: model.featureCount, source: "")
            tensors[TensorName.featureMean] = .init(doubles: standardization.means)
            tensors[TensorName.featureScale] = .init(doubles: standardization.scales)
        }
        return try SafeTensorsFile(tensors: tensors, metadata: metadata(for: model, storage: storage))
    }

    /// How `model`'s weights are stored: sparse when the indices and values take fewer bytes
    /// than the dense tensor (F32, or I8 for a quantized model), else dense.
    public static func weightStorage(for model: LinearModel) -> WeightStorage {
        if let quantization = model.quantization {
            return QuantizedTensors.tensors(for: quantization, outputs: model.outputs, featureCount: model.featureCount).storage
        }
        let sparse = SparseWeights(nonZerosOf: model.weights)
        let denseBytes = model.weights.count * SafeTensorsFile.DType.float32.byteSize
        return sparse.byteCount(forCount: model.weights.count) < denseBytes ? .sparse : .dense
    }

    /// The metadata entries for `model`.
    private static func metadata(for model: LinearModel, storage: WeightStorage) throws(ModelFileError) -> [String: String] {
        var metadata: [String: String] = [
            Key.format: formatName,
            Key.formatVersion: String(model.quantization == nil ? storage.formatVersion : quantizedVersion),
            Key.weightStorage: storage.rawValue,
            Key.modelKind: model.kind.rawValue,
            Key.featureCount: String(model.featureCount),
            Key.outputs: String(model.outputs),
            Key.classes: "[" + model.classes.map(JSONText.number).joined(separator: ",") + "]",
            Key.createdBy: creator,
            Key.trainingSummary: try summaryJSON(model.summary),
        ]
        if let quantization = model.quantization {
            metadata[Key.weightDType] = SafeTensorsFile.DType.int8.rawValue
            if quantization.standardization != nil { metadata[Key.weightSpace] = Quantization.Space.standardized.rawValue }
        }
        for (key, value) in model.metadata {
            if key == metricsKey, isJSONObject(value) {
                metadata[Key.metrics] = value
            } else if key == dataFingerprintKey {
                metadata[Key.dataFingerprint] = value
            } else if key == referenceProfileKey {
                metadata[referenceProfileKey] = value
            } else {
                // Includes `metrics` that is not a JSON object: kept verbatim, restored on load.
                metadata[userPrefix + key] = value
            }
        }
        return metadata
    }

    /// Whether `text` is a JSON object.
    static func isJSONObject(_ text: String) -> Bool {
        guard let value = try? JSONParser.parse(text), case .object = value else { return false }
        return true
    }

    /// Checks the standardization vectors: one finite mean and one finite, positive scale per
    /// feature.
    static func checkStandardization(means: [Double], scales: [Double], featureCount: Int,
                                     source: String) throws(ModelFileError) {
        guard means.count == featureCount, scales.count == featureCount else {
            throw ModelFileError(.inconsistent, path: source,
                                 "standardization has \(means.count) means and \(scales.count) scales, expected \(featureCount) each (feature_count)")
        }
        try requireFinite(means, name: TensorName.featureMean, source: source)
        try requireFinite(scales, name: TensorName.featureScale, source: source)
        if let index = scales.firstIndex(where: { $0 <= 0 }) {
            throw ModelFileError(.inconsistent, path: source,
                                 "\(TensorName.featureScale) holds \(scales[index]) at index \(index), expected positive scales")
        }
    }
}
