/// A dense batch of inputs already quantized to int8 (row-major, as ``DenseMatrix``), with the
/// ``InputQuantization`` that produced it.
///
/// This is the form in which a serving pipeline that quantizes at the source hands rows to a
/// quantized model: a quarter of the bytes of the float batch, scored by
/// ``LinearModel/margins(quantized:)`` with int8 × int8 → int32 dot products.
public struct QuantizedMatrix: Sendable, Equatable {
    /// Number of rows (samples).
    public let rows: Int
    /// Number of columns (features).
    public let columns: Int
    /// The `rows × columns` levels, row after row.
    public let values: [Int8]
    /// How the levels map back to values.
    public let quantization: InputQuantization

    /// Quantizes every entry of `matrix` with `quantization`.
    /// - Precondition: with a standardization, `matrix` has one column per standardized feature.
    public init(quantizing matrix: DenseMatrix, with quantization: InputQuantization) {
        precondition(quantization.standardization.map { $0.means.count == matrix.columns } ?? true,
                     "the standardization is for another number of features")
        self.rows = matrix.rows
        self.columns = matrix.columns
        self.quantization = quantization
        var values = [Int8](repeating: 0, count: matrix.values.count)
        matrix.values.withUnsafeBufferPointer { source in
            values.withUnsafeMutableBufferPointer { target in
                let d = matrix.columns
                for i in 0 ..< matrix.rows {
                    quantization.quantize(row: source.baseAddress! + i * d, into: target.baseAddress! + i * d, count: d)
                }
            }
        }
        self.values = values
    }

    /// Bytes of feature storage: what one pass over the batch must read.
    public var storageBytes: Int { values.count }
}
