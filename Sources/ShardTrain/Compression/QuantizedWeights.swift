/// The weights of a ``LinearModel`` as symmetric int8 values with 32-bit float scales, and the
/// optional quantization of its inputs.
///
/// Weight `W[k, j]` is `scales[g] · values[k·D + j]`, with `g = 0` for a per-tensor scale
/// (one scale) and `g = k` for a per-channel scale (one per output row, i.e. per class).
/// Values lie in `−127 … 127` (symmetric: `−128` is never produced, so negation is exact);
/// a zero weight is exactly `0`, so pruning and quantization compose in either order.
/// Intercepts are not quantized: they stay 32-bit floats.
public struct QuantizedWeights: Sendable, Equatable {
    /// How many weights share one scale.
    public enum Granularity: String, Sendable, Equatable, CaseIterable {
        /// One scale for the whole weight matrix.
        case perTensor = "per-tensor"
        /// One scale per output row (per class of a softmax model).
        case perChannel = "per-channel"
    }

    /// The int8 weights, `outputs × featureCount`, row-major.
    public let values: [Int8]
    /// One scale (per-tensor) or one per output (per-channel); all finite and positive.
    public let scales: [Float]
    /// The quantization of the inputs, when inference runs as int8 × int8 dot products.
    public let input: InputQuantization?

    /// Creates quantized weights from their parts (a model file reader checks them first).
    /// - Precondition: `scales` holds 1 or `outputs` finite, positive values and `values` is
    ///   `outputs × featureCount` long.
    public init(values: [Int8], scales: [Float], outputs: Int, input: InputQuantization? = nil) {
        precondition(outputs > 0 && values.count % outputs == 0, "values must be outputs × features")
        precondition(scales.count == 1 || scales.count == outputs, "one scale, or one per output")
        precondition(scales.allSatisfy { $0.isFinite && $0 > 0 }, "scales must be finite and positive")
        self.values = values
        self.scales = scales
        self.input = input
    }

    /// Symmetric quantization of `weights` (`outputs × featureCount`, row-major): the scale of
    /// a group is `max |w| / 127` (1 for a group of zeros) and each value is `round(w / scale)`.
    public init(quantizing weights: [Double], outputs: Int, granularity: Granularity) {
        let rowLength = outputs > 0 ? weights.count / outputs : 0
        let groups: [Range<Int>] = switch granularity {
        case .perTensor: [0 ..< weights.count]
        case .perChannel: (0 ..< outputs).map { $0 * rowLength ..< ($0 + 1) * rowLength }
        }
        var values = [Int8](repeating: 0, count: weights.count)
        var scales: [Float] = []
        for group in groups {
            let largest = group.map { abs(weights[$0]) }.max() ?? 0
            let scale = largest > 0 ? Float(largest / 127) : 1
            let safeScale = scale > 0 && scale.isFinite ? scale : 1
            scales.append(safeScale)
            for position in group {
                let level = (weights[position] / Double(safeScale)).rounded()
                values[position] = Int8(max(-127, min(127, level)))
            }
        }
        self.init(values: values, scales: scales, outputs: max(outputs, 1))
    }

    /// Whether there is one scale per output row.
    public var granularity: Granularity { scales.count == 1 ? .perTensor : .perChannel }

    /// The scale of output row `k`.
    @inline(__always)
    public func scale(ofOutput k: Int) -> Float { scales.count == 1 ? scales[0] : scales[k] }

    /// The weights these values stand for, `scale · value`, as `Double`s (exact: the product
    /// of a float and an int8 fits a double).
    public func dequantized(featureCount: Int) -> [Double] {
        values.enumerated().map { position, value in
            Double(scale(ofOutput: featureCount > 0 ? position / featureCount : 0)) * Double(value)
        }
    }

    /// The same weights with `values` set to zero at the positions where `isZero` holds (used by
    /// pruning).
    public func zeroing(where isZero: (Int) -> Bool) -> QuantizedWeights {
        var values = values
        for position in values.indices where isZero(position) { values[position] = 0 }
        return QuantizedWeights(values: values, scales: scales, outputs: scales.count == 1 ? 1 : scales.count, input: input)
    }

    /// The same weights with another input quantization.
    public func with(input: InputQuantization?) -> QuantizedWeights {
        QuantizedWeights(values: values, scales: scales, outputs: scales.count, input: input)
    }
}
