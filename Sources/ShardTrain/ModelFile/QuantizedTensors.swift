/// The tensors of a quantized model (format version 3): int8 weight levels, their scales and
/// the optional input quantization.
///
/// - `weight` I8 `[outputs, feature_count]`, or for sparse storage `weight_indices` (as in
///   version 2) with `weight_values` I8 `[nnz]` (the non-zero levels);
/// - `weight_scale` F32 `[]` (per-tensor) or `[outputs]` (per-channel), finite and positive:
///   weight `[k, j]` = `weight_scale[k or 0] × weight[k, j]`;
/// - `input_scale` F32 `[]` (finite, positive) and `input_zero_point` I8 `[]`, both or neither.
///
/// With `weight_space` = `standardized` the levels are in the standardized space, divided by
/// `feature_scale[j]` on the way back, and int8 inputs are standardized with `feature_mean` and
/// `feature_scale` before they are quantized (see ``QuantizedWeights``).
///
/// The file says `weight_dtype` = `I8`. Sparse storage is chosen when it is smaller than the
/// dense I8 tensor: `nnz × (index size + 1) < outputs × feature_count`.
enum QuantizedTensors {
    /// The tensors for `weights` of a model with `outputs` rows, and the storage used.
    static func tensors(for weights: QuantizedWeights, outputs: Int, featureCount: Int)
        -> (tensors: [String: SafeTensorsFile.Tensor], storage: ModelFile.WeightStorage) {
        typealias Name = ModelFile.TensorName
        var tensors: [String: SafeTensorsFile.Tensor] = [
            Name.weightScale: .init(floats: weights.scales, shape: weights.scales.count == 1 ? [] : [outputs]),
        ]
        let count = weights.values.count
        let positions = weights.values.indices.filter { weights.values[$0] != 0 }
        let indexType = SparseWeights.indexType(forCount: count)
        let storage: ModelFile.WeightStorage = positions.count * (indexType.byteSize + 1) < count ? .sparse : .dense
        switch storage {
        case .dense:
            tensors[Name.weight] = .init(int8s: weights.values, shape: [outputs, featureCount])
        case .sparse:
            tensors[Name.weightIndices] = switch indexType {
            case .uint16: .init(uint16s: positions.map { UInt16($0) })
            case .int32: .init(int32s: positions.map { Int32($0) })
            default: .init(int64s: positions.map { Int64($0) })
            }
            tensors[Name.weightValues] = .init(int8s: positions.map { weights.values[$0] })
        }
        if let input = weights.input {
            tensors[Name.inputScale] = .init(floats: [input.scale], shape: [])
            tensors[Name.inputZeroPoint] = .init(int8s: [input.zeroPoint], shape: [])
        }
        return (tensors, storage)
    }

    /// Reads the quantized weights of `file`, stored as `storage`.
    /// - Throws: ``ModelFileError`` naming the file and the tensor: `badTensor` for a missing
    ///   tensor or a wrong dtype, `inconsistent` for a wrong shape, a scale count that is
    ///   neither 1 nor `outputs`, a zero or negative scale, sparse indices out of order or
    ///   range; `nonFinite` for a NaN or infinite scale.
    static func read(_ file: SafeTensorsFile, storage: ModelFile.WeightStorage, outputs: Int, featureCount: Int,
                     source: String) throws(ModelFileError) -> QuantizedWeights {
        typealias Name = ModelFile.TensorName
        let count = outputs * featureCount
        let levels: [Int8]
        switch storage {
        case .dense:
            let tensor = try require(Name.weight, in: file, source: source)
            guard tensor.shape == [outputs, featureCount] else {
                throw ModelFileError(.inconsistent, path: source,
                                     "tensor \"weight\" has shape \(tensor.shape), expected \([outputs, featureCount]) from feature_count and outputs")
            }
            levels = try int8s(tensor, name: Name.weight, source: source)
        case .sparse:
            let indexTensor = try require(Name.weightIndices, in: file, source: source)
            let valueTensor = try require(Name.weightValues, in: file, source: source)
            guard indexTensor.shape.count == 1, valueTensor.shape.count == 1 else {
                throw ModelFileError(.badTensor, path: source,
                                     "\(Name.weightIndices) has shape \(indexTensor.shape) and \(Name.weightValues) \(valueTensor.shape), expected one dimension each")
            }
            let indices = try SparseWeights.flatIndices(indexTensor, source: source)
            let values = try int8s(valueTensor, name: Name.weightValues, source: source)
            try SparseWeights.checkPositions(indices, valueCount: values.count, count: count, source: source)
            var dense = [Int8](repeating: 0, count: count)
            for (position, index) in indices.enumerated() { dense[index] = values[position] }
            levels = dense
        }
        let scales = try scaleValues(Name.weightScale, in: file, allowedShapes: [[], [outputs]], source: source)
        let input: InputQuantization?
        switch (file[Name.inputScale], file[Name.inputZeroPoint]) {
        case (nil, nil):
            input = nil
        case (.some, .some(let zeroTensor)):
            let scale = try scaleValues(Name.inputScale, in: file, allowedShapes: [[]], source: source)
            guard zeroTensor.shape == [] else {
                throw ModelFileError(.inconsistent, path: source, "tensor \"\(Name.inputZeroPoint)\" has shape \(zeroTensor.shape), expected [] (a scalar)")
            }
            let zero = try int8s(zeroTensor, name: Name.inputZeroPoint, source: source)
            input = InputQuantization(scale: scale[0], zeroPoint: zero[0])
        default:
            throw ModelFileError(.inconsistent, path: source,
                                 "found only one of \(Name.inputScale) and \(Name.inputZeroPoint), expected both or neither")
        }
        return QuantizedWeights(values: levels, scales: scales, outputs: outputs, input: input)
    }

    private static func require(_ name: String, in file: SafeTensorsFile, source: String) throws(ModelFileError) -> SafeTensorsFile.Tensor {
        guard let tensor = file[name] else {
            throw ModelFileError(.badTensor, path: source, "missing tensor \(JSONText.quoted(name)) (weight_dtype is I8)")
        }
        return tensor
    }

    private static func int8s(_ tensor: SafeTensorsFile.Tensor, name: String, source: String) throws(ModelFileError) -> [Int8] {
        do throws(ModelFileError) {
            return try tensor.int8s()
        } catch {
            throw ModelFileError(.badTensor, path: source, "tensor \(JSONText.quoted(name)): \(error.message) (weight_dtype is I8)")
        }
    }

    /// The values of an F32 scale tensor of one of `allowedShapes`, all finite and positive.
    private static func scaleValues(_ name: String, in file: SafeTensorsFile, allowedShapes: [[Int]],
                                    source: String) throws(ModelFileError) -> [Float] {
        let tensor = try require(name, in: file, source: source)
        guard allowedShapes.contains(tensor.shape) else {
            throw ModelFileError(.inconsistent, path: source,
                                 "tensor \(JSONText.quoted(name)) has shape \(tensor.shape) (\(tensor.elementCount) scales), expected "
                                     + allowedShapes.map { "\($0)" }.joined(separator: " or "))
        }
        let values: [Float]
        do throws(ModelFileError) {
            values = try tensor.floats()
        } catch {
            throw ModelFileError(.badTensor, path: source, "tensor \(JSONText.quoted(name)): \(error.message)")
        }
        try ModelFile.requireFinite(values.map(Double.init), name: name, source: source)
        if let index = values.firstIndex(where: { $0 <= 0 }) {
            throw ModelFileError(.inconsistent, path: source,
                                 "\(name) holds \(values[index]) at index \(index), expected positive scales")
        }
        return values
    }
}
