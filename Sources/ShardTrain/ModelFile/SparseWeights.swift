/// The sparse layout of the `weight` tensor (format version 2): the non-zero coefficients as
/// `weight_indices` (flat row-major positions in `[outputs, feature_count]`, strictly
/// increasing) and `weight_values` (F32, the coefficients at those positions).
///
/// Indices are stored in the narrowest of `U16` (at most 65 536 weights), `I32` (below 2³¹)
/// and `I64`, so that a stored non-zero costs 6, 8 or 12 bytes against 4 per weight for the
/// dense tensor. The writer picks this layout only when it is smaller than the dense one.
struct SparseWeights: Equatable {
    /// Why a file whose `outputs × feature_count` is past ``ResourceLimits/parameters`` is
    /// refused: its sparse or quantized weights would expand to more than the bytes it holds
    /// justify (a few kilobytes declaring 2³¹ features).
    static func tooMany(outputs: Int, featureCount: Int) -> String {
        let (count, overflow) = outputs.multipliedReportingOverflow(by: featureCount)
        let cost = overflow ? "more parameters than can be counted" : ResourceLimits.cost(of: count)
        return "outputs × feature_count (\(outputs) × \(featureCount)) would expand to \(cost); \(ResourceLimits.howToRaise)"
    }

    /// Flat positions of the non-zero weights, strictly increasing.
    let indices: [Int]
    /// The weights at those positions, as stored (F32).
    let values: [Float]

    /// The non-zero entries of `weights` once rounded to Float (a weight that rounds to zero,
    /// or is −0, is a zero).
    init(nonZerosOf weights: [Double]) {
        var indices: [Int] = []
        var values: [Float] = []
        for (position, weight) in weights.enumerated() {
            let stored = Float(weight)
            if stored != 0 {
                indices.append(position)
                values.append(stored)
            }
        }
        self.indices = indices
        self.values = values
    }

    /// The index dtype for a tensor of `count` weights.
    static func indexType(forCount count: Int) -> SafeTensorsFile.DType {
        if count <= Int(UInt16.max) + 1 { return .uint16 }
        if count <= Int(Int32.max) { return .int32 }
        return .int64
    }

    /// Bytes of the sparse layout for `count` weights with these non-zeros.
    func byteCount(forCount count: Int) -> Int {
        indices.count * (Self.indexType(forCount: count).byteSize + SafeTensorsFile.DType.float32.byteSize)
    }

    /// The `weight_indices` and `weight_values` tensors for a weight tensor of `count` elements.
    func tensors(forCount count: Int) -> (indices: SafeTensorsFile.Tensor, values: SafeTensorsFile.Tensor) {
        let indexTensor: SafeTensorsFile.Tensor = switch Self.indexType(forCount: count) {
        case .uint16: .init(uint16s: indices.map { UInt16($0) })
        case .int32: .init(int32s: indices.map { Int32($0) })
        default: .init(int64s: indices.map { Int64($0) })
        }
        return (indexTensor, .init(floats: values))
    }

    /// Reads the two tensors of a sparse weight and expands them to the dense, row-major
    /// weights of `count` elements.
    /// - Throws: ``ModelFileError`` naming the file: ``ModelFileError/Code/badTensor`` for a
    ///   wrong dtype or rank, ``ModelFileError/Code/inconsistent`` for lengths that differ,
    ///   an index out of range, or indices that are not strictly increasing (unsorted or
    ///   repeated), ``ModelFileError/Code/nonFinite`` for a NaN or infinite value.
    static func denseWeights(indices indexTensor: SafeTensorsFile.Tensor, values valueTensor: SafeTensorsFile.Tensor,
                             count: Int, source: String) throws(ModelFileError) -> [Double] {
        let (indexName, valueName) = (ModelFile.TensorName.weightIndices, ModelFile.TensorName.weightValues)
        guard indexTensor.shape.count == 1, valueTensor.shape.count == 1 else {
            throw ModelFileError(.badTensor, path: source,
                                 "\(indexName) has shape \(indexTensor.shape) and \(valueName) \(valueTensor.shape), expected one dimension each")
        }
        let indices = try flatIndices(indexTensor, source: source)
        let values: [Double]
        do throws(ModelFileError) {
            values = try valueTensor.realValues()
        } catch {
            throw ModelFileError(.badTensor, path: source, "tensor \(valueName): \(error.message)")
        }
        try checkPositions(indices, valueCount: values.count, count: count, source: source)
        try ModelFile.requireFinite(values, name: valueName, source: source)
        var dense = [Double](repeating: 0, count: count)
        for (position, index) in indices.enumerated() { dense[index] = values[position] }
        return dense
    }

    /// Checks the flat positions of a sparse weight: one per value, each in `0 ..< count`,
    /// strictly increasing.
    /// - Throws: ``ModelFileError/Code/inconsistent`` naming the file and the first bad index.
    static func checkPositions(_ indices: [Int], valueCount: Int, count: Int, source: String) throws(ModelFileError) {
        let (indexName, valueName) = (ModelFile.TensorName.weightIndices, ModelFile.TensorName.weightValues)
        guard indices.count == valueCount else {
            throw ModelFileError(.inconsistent, path: source,
                                 "\(indexName) holds \(indices.count) indices but \(valueName) holds \(valueCount) values, expected as many")
        }
        var previous = -1
        for (position, index) in indices.enumerated() {
            guard index >= 0, index < count else {
                throw ModelFileError(.inconsistent, path: source,
                                     "\(indexName)[\(position)] is \(index), outside the \(count) weights (0 ..< \(count))")
            }
            guard index > previous else {
                throw ModelFileError(.inconsistent, path: source,
                                     "\(indexName)[\(position)] is \(index) after \(previous): indices must be strictly increasing"
                                         + (index == previous ? " (repeated index)" : " (unsorted)"))
            }
            previous = index
        }
    }

    /// The indices of a `U16`, `I32` or `I64` tensor as `Int`s.
    static func flatIndices(_ tensor: SafeTensorsFile.Tensor, source: String) throws(ModelFileError) -> [Int] {
        switch tensor.dtype {
        case .uint16: return try tensor.uint16s().map(Int.init)
        case .int32: return try tensor.int32s().map(Int.init)
        case .int64: return try tensor.int64s().map(Int.init)
        default:
            throw ModelFileError(.badTensor, path: source,
                                 "tensor \(ModelFile.TensorName.weightIndices) has dtype \(tensor.dtype.rawValue), expected U16, I32 or I64")
        }
    }
}
