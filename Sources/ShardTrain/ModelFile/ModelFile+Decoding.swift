extension ModelFile {
    /// The model stored in `file`, after checking every metadata entry and tensor.
    static func model(from file: SafeTensorsFile, source: String) throws(ModelFileError) -> LinearModel {
        let metadata = file.metadata
        guard let format = metadata[Key.format] else {
            let names = file.tensors.keys.sorted().map { JSONText.quoted($0) }.joined(separator: ", ")
            throw ModelFileError(.notAShardTrainModel, path: source,
                                 "a valid safetensors file (tensors: \(names.isEmpty ? "none" : names)) but not a ShardTrain model: "
                                     + "it has no \"\(Key.format)\" metadata, expected \"\(formatName)\"")
        }
        guard format == formatName else {
            throw ModelFileError(.notAShardTrainModel, path: source,
                                 "metadata format is \(JSONText.quoted(format)), expected \"\(formatName)\"")
        }
        let version = try string(Key.formatVersion, in: metadata, source: source)
        guard let number = Int(version), supportedVersions.contains(number), String(number) == version else {
            throw ModelFileError(.unsupportedVersion, path: source,
                                 "format_version is \(JSONText.quoted(version)); this reader supports version "
                                     + supportedVersions.map(String.init).joined(separator: ", "))
        }

        let kindName = try string(Key.modelKind, in: metadata, source: source)
        guard let kind = ModelKind(rawValue: kindName) else {
            throw ModelFileError(.wrongKind, path: source,
                                 "model_kind is \(JSONText.quoted(kindName)), expected one of "
                                     + ModelKind.allCases.map(\.rawValue).joined(separator: ", "))
        }
        let featureCount = try count(Key.featureCount, in: metadata, source: source)
        let outputs = try count(Key.outputs, in: metadata, source: source)
        let classes = try classLabels(in: metadata, source: source)
        _ = try string(Key.createdBy, in: metadata, source: source)
        let summary = try summary(fromJSON: string(Key.trainingSummary, in: metadata, source: source), source: source)
        if let metrics = metadata[Key.metrics], !isJSONObject(metrics) {
            throw ModelFileError(.badMetadata, path: source, "metrics is not a JSON object: \(metrics.prefix(80))")
        }
        try checkShape(kind: kind, outputs: outputs, classes: classes, source: source)

        let allowed = TensorName.allowed(inVersion: number)
        if let unexpected = file.tensors.keys.sorted().first(where: { !allowed.contains($0) }) {
            throw ModelFileError(.badTensor, path: source,
                                 "unexpected tensor \(JSONText.quoted(unexpected)) in a format_version \(version) file; expected only "
                                     + allowed.joined(separator: ", "))
        }
        let levels = try quantizedWeights(of: file, version: number, outputs: outputs, featureCount: featureCount, source: source)
        var weights: [Double] = []
        if levels == nil {
            weights = try weightTensor(of: file, version: number, outputs: outputs, featureCount: featureCount, source: source)
        }
        let intercepts = try realTensor(TensorName.bias, of: file, shape: [outputs], source: source)
        try requireFinite(weights, name: TensorName.weight, source: source)
        try requireFinite(intercepts, name: TensorName.bias, source: source)
        let standardization: Standardization?
        switch (file[TensorName.featureMean], file[TensorName.featureScale]) {
        case (nil, nil):
            standardization = nil
        case (.some, .some):
            let means = try realTensor(TensorName.featureMean, of: file, shape: [featureCount], source: source)
            let scales = try realTensor(TensorName.featureScale, of: file, shape: [featureCount], source: source)
            try checkStandardization(means: means, scales: scales, featureCount: featureCount, source: source)
            standardization = Standardization(means: means, scales: scales)
        default:
            throw ModelFileError(.inconsistent, path: source,
                                 "found only one of feature_mean and feature_scale, expected both or neither")
        }
        var quantization: QuantizedWeights?
        if let (levels, standardized) = levels.map({ ($0.0, $0.standardized) }) {
            if standardized {
                guard let standardization else {
                    throw ModelFileError(.inconsistent, path: source,
                                         "weight_space is \"standardized\" but the file has no feature_mean and feature_scale")
                }
                quantization = levels.inSpace(of: standardization)
            } else {
                quantization = levels
            }
            weights = quantization?.dequantized(featureCount: featureCount) ?? []
            try requireFinite(weights, name: TensorName.weight, source: source)
        }

        let model = LinearModel(kind: kind, featureCount: featureCount, weights: weights, intercepts: intercepts,
                                classes: classes, standardization: standardization, summary: summary,
                                metadata: modelMetadata(from: metadata), quantization: quantization)
        // The drift profile is checked here, like every other part, so that no reader (nor the
        // writer, which decodes what it encodes) meets a profile the server could not hold.
        do {
            _ = try model.referenceProfile()
        } catch {
            throw ModelFileError(.inconsistent, path: source, error.description)
        }
        return model
    }

    /// The int8 weights of a file whose `weight_dtype` is `I8` (version 3), and whether its
    /// `weight_space` is `standardized` (the caller attaches the standardization); nil for a
    /// float model (which must then hold no quantization tensors).
    private static func quantizedWeights(of file: SafeTensorsFile, version: Int, outputs: Int, featureCount: Int,
                                         source: String) throws(ModelFileError) -> (QuantizedWeights, standardized: Bool)? {
        let dtype = file.metadata[Key.weightDType] ?? SafeTensorsFile.DType.float32.rawValue
        switch dtype {
        case SafeTensorsFile.DType.float32.rawValue:
            if let space = file.metadata[Key.weightSpace] {
                throw ModelFileError(.inconsistent, path: source, "weight_space is \(JSONText.quoted(space)) but weight_dtype is not I8")
            }
            let names = [TensorName.weightScale, TensorName.inputScale, TensorName.inputZeroPoint]
            if let extra = names.first(where: { file[$0] != nil }) {
                throw ModelFileError(.inconsistent, path: source, "the file holds \(JSONText.quoted(extra)) but weight_dtype is not I8")
            }
            return nil
        case SafeTensorsFile.DType.int8.rawValue:
            guard version >= quantizedVersion else {
                throw ModelFileError(.inconsistent, path: source,
                                     "weight_dtype is I8, which needs format_version \(quantizedVersion) or later, found \(version)")
            }
            guard outputs > 0 else {
                throw ModelFileError(.inconsistent, path: source, "a quantized model has at least one output, found 0")
            }
            let (count, overflow) = outputs.multipliedReportingOverflow(by: featureCount)
            guard !overflow, count <= ResourceLimits.parameters else {
                throw ModelFileError(.inconsistent, path: source, SparseWeights.tooMany(outputs: outputs, featureCount: featureCount))
            }
            let storage = try storage(of: file, version: version, source: source)
            if storage == .dense, file[TensorName.weightIndices] != nil || file[TensorName.weightValues] != nil {
                throw ModelFileError(.inconsistent, path: source, "weight_storage is dense but the file holds sparse weight tensors")
            }
            if storage == .sparse, file[TensorName.weight] != nil {
                throw ModelFileError(.inconsistent, path: source, "weight_storage is sparse but the file holds a dense \"weight\" tensor")
            }
            let standardized: Bool
            switch file.metadata[Key.weightSpace] ?? Quantization.Space.original.rawValue {
            case Quantization.Space.original.rawValue: standardized = false
            case Quantization.Space.standardized.rawValue: standardized = true
            case let other:
                throw ModelFileError(.badMetadata, path: source, "weight_space is \(JSONText.quoted(other)), expected original or standardized")
            }
            let levels = try QuantizedTensors.read(file, storage: storage, outputs: outputs, featureCount: featureCount, source: source)
            return (levels, standardized)
        default:
            throw ModelFileError(.badMetadata, path: source, "weight_dtype is \(JSONText.quoted(dtype)), expected F32 or I8")
        }
    }

    /// The `weight_storage` entry, checked against the version.
    private static func storage(of file: SafeTensorsFile, version: Int, source: String) throws(ModelFileError) -> WeightStorage {
        let storageName = file.metadata[Key.weightStorage] ?? WeightStorage.dense.rawValue
        guard let storage = WeightStorage(rawValue: storageName) else {
            throw ModelFileError(.badMetadata, path: source,
                                 "weight_storage is \(JSONText.quoted(storageName)), expected dense or sparse")
        }
        guard storage.formatVersion <= version else {
            throw ModelFileError(.inconsistent, path: source,
                                 "weight_storage is \(storage.rawValue), which needs format_version \(storage.formatVersion) or later, found \(version)")
        }
        return storage
    }

    /// The dense weights, read from `weight` or expanded from `weight_indices` and
    /// `weight_values`, as `weight_storage` says.
    private static func weightTensor(of file: SafeTensorsFile, version: Int, outputs: Int, featureCount: Int,
                                     source: String) throws(ModelFileError) -> [Double] {
        switch try storage(of: file, version: version, source: source) {
        case .dense:
            if let extra = [TensorName.weightIndices, TensorName.weightValues].first(where: { file[$0] != nil }) {
                throw ModelFileError(.inconsistent, path: source, "weight_storage is dense but the file holds \(JSONText.quoted(extra))")
            }
            return try realTensor(TensorName.weight, of: file, shape: [outputs, featureCount], source: source)
        case .sparse:
            guard file[TensorName.weight] == nil else {
                throw ModelFileError(.inconsistent, path: source, "weight_storage is sparse but the file holds a dense \"weight\" tensor")
            }
            guard let indices = file[TensorName.weightIndices], let values = file[TensorName.weightValues] else {
                throw ModelFileError(.badTensor, path: source,
                                     "weight_storage is sparse, expected tensors \"\(TensorName.weightIndices)\" and \"\(TensorName.weightValues)\"")
            }
            let (count, overflow) = outputs.multipliedReportingOverflow(by: featureCount)
            guard !overflow, count <= ResourceLimits.parameters else {
                throw ModelFileError(.inconsistent, path: source, SparseWeights.tooMany(outputs: outputs, featureCount: featureCount))
            }
            return try SparseWeights.denseWeights(indices: indices, values: values, count: count, source: source)
        }
    }

    /// ``LinearModel/metadata`` as written: `user.` entries unprefixed, `metrics` and
    /// `data_fingerprint` under their keys, unknown unprefixed keys kept as they are.
    private static func modelMetadata(from metadata: [String: String]) -> [String: String] {
        var result: [String: String] = [:]
        for (key, value) in metadata {
            if key.hasPrefix(userPrefix) {
                result[String(key.dropFirst(userPrefix.count))] = value
            } else if key == Key.metrics {
                result[metricsKey] = value
            } else if key == Key.dataFingerprint {
                result[dataFingerprintKey] = value
            } else if !Key.reserved.contains(key) {
                result[key] = value
            }
        }
        return result
    }

    private static func string(_ key: String, in metadata: [String: String], source: String) throws(ModelFileError) -> String {
        guard let value = metadata[key] else {
            throw ModelFileError(.badMetadata, path: source, "missing metadata entry \(JSONText.quoted(key))")
        }
        return value
    }

    /// A metadata entry holding a non-negative decimal integer (`"0"`, `"17"`).
    private static func count(_ key: String, in metadata: [String: String], source: String) throws(ModelFileError) -> Int {
        let text = try string(key, in: metadata, source: source)
        guard let value = JSONValue.number(text).nonNegativeInteger, !text.isEmpty else {
            throw ModelFileError(.badMetadata, path: source,
                                 "\(key) is \(JSONText.quoted(text)), expected a non-negative integer")
        }
        return value
    }

    /// The `classes` entry: a JSON array of finite numbers.
    private static func classLabels(in metadata: [String: String], source: String) throws(ModelFileError) -> [Double] {
        let text = try string(Key.classes, in: metadata, source: source)
        let failure = ModelFileError(.badMetadata, path: source,
                                     "classes is \(JSONText.quoted(String(text.prefix(80)))), expected a JSON array of numbers")
        guard let value = try? JSONParser.parse(text), case .array(let elements) = value else { throw failure }
        var labels: [Double] = []
        for element in elements {
            guard let label = element.finiteDouble else { throw failure }
            labels.append(label)
        }
        return labels
    }

    /// The values of an F32 or F64 tensor of the given shape, as `Double`s.
    private static func realTensor(_ name: String, of file: SafeTensorsFile, shape: [Int],
                                   source: String) throws(ModelFileError) -> [Double] {
        guard let tensor = file[name] else {
            throw ModelFileError(.badTensor, path: source, "missing tensor \(JSONText.quoted(name))")
        }
        guard tensor.shape == shape else {
            throw ModelFileError(.inconsistent, path: source,
                                 "tensor \(JSONText.quoted(name)) has shape \(tensor.shape), expected \(shape) "
                                     + "from feature_count and outputs")
        }
        do throws(ModelFileError) {
            return try tensor.realValues()
        } catch {
            throw ModelFileError(error.code, path: source, "tensor \(JSONText.quoted(name)): \(error.message)")
        }
    }
}
