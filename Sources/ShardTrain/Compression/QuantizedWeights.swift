/// The weights of a ``LinearModel`` as symmetric int8 values with 32-bit float scales, and the
/// optional quantization of its inputs.
///
/// Weight `W[k, j]` is `scales[g] · values[k·D + j]`, with `g = 0` for a per-tensor scale
/// (one scale) and `g = k` for a per-channel scale (one per output row, i.e. per class).
/// Values lie in `−127 … 127` (symmetric: `−128` is never produced, so negation is exact);
/// a zero weight is exactly `0`, so pruning and quantization compose in either order.
/// Intercepts are not quantized: they stay 32-bit floats.
///
/// With a ``standardization`` the levels are taken in the model's standardized space, where
/// features are comparable: `W[k, j] = scales[g] · values[k·D + j] / scale_j` (`scale_j` the
/// feature's standard deviation). A model whose coefficients on the original scale span orders
/// of magnitude (house prices against rooms, incomes and coordinates) then keeps its small
/// coefficients, at no extra storage: the file already holds `feature_scale`. Int8 inputs of such
/// a model are standardized too (``InputQuantization/standardization``).
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
    /// The standardization whose space the levels were taken in, if any.
    public let standardization: Standardization?

    /// Creates quantized weights from their parts (a model file reader checks them first).
    /// - Precondition: `scales` holds 1 or `outputs` finite, positive values and `values` is
    ///   `outputs × featureCount` long; int8 inputs are standardized exactly when the weights
    ///   are, with the same standardization.
    public init(values: [Int8], scales: [Float], outputs: Int, input: InputQuantization? = nil,
                standardization: Standardization? = nil) {
        precondition(outputs > 0 && values.count % outputs == 0, "values must be outputs × features")
        precondition(scales.count == 1 || scales.count == outputs, "one scale, or one per output")
        precondition(scales.allSatisfy { $0.isFinite && $0 > 0 }, "scales must be finite and positive")
        precondition(input == nil || input?.standardization == standardization,
                     "int8 inputs must be standardized as the weights are")
        self.values = values
        self.scales = scales
        self.input = input
        self.standardization = standardization
    }

    /// Symmetric quantization of `weights` (`outputs × featureCount`, row-major): the scale of
    /// a group is `max |w| / 127` (1 for a group of zeros) and each value is `round(w / scale)`,
    /// where `w` is the weight times the feature's standard deviation when `standardization`
    /// is given (the coefficient in the standardized space).
    public init(quantizing original: [Double], outputs: Int, granularity: Granularity,
                standardization: Standardization? = nil) {
        let rowLength = outputs > 0 ? original.count / outputs : 0
        let weights = standardization.map { s in original.indices.map { original[$0] * s.scales[$0 % rowLength] } } ?? original
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
        self.init(values: values, scales: scales, outputs: max(outputs, 1), standardization: standardization)
    }

    /// Whether there is one scale per output row.
    public var granularity: Granularity { scales.count == 1 ? .perTensor : .perChannel }

    /// The scale of output row `k`.
    @inline(__always)
    public func scale(ofOutput k: Int) -> Float { scales.count == 1 ? scales[0] : scales[k] }

    /// The weights these values stand for on the original feature scale, `scale · value`
    /// (exact: the product of a float and an int8 fits a double), divided by the feature's
    /// standard deviation with a ``standardization``.
    public func dequantized(featureCount: Int) -> [Double] {
        values.enumerated().map { position, value in
            let weight = Double(scale(ofOutput: featureCount > 0 ? position / featureCount : 0)) * Double(value)
            return standardization.map { weight / $0.scales[position % featureCount] } ?? weight
        }
    }

    /// The same weights with `values` set to zero at the positions where `isZero` holds (used by
    /// pruning).
    public func zeroing(where isZero: (Int) -> Bool) -> QuantizedWeights {
        var values = values
        for position in values.indices where isZero(position) { values[position] = 0 }
        return QuantizedWeights(values: values, scales: scales, outputs: scales.count == 1 ? 1 : scales.count, input: input,
                                standardization: standardization)
    }

    /// The same weights with another input quantization.
    public func with(input: InputQuantization?) -> QuantizedWeights {
        QuantizedWeights(values: values, scales: scales, outputs: scales.count, input: input, standardization: standardization)
    }

    /// The same levels read as taken in `standardization`'s space, their int8 inputs (if any)
    /// standardized with it too.
    public func inSpace(of standardization: Standardization?) -> QuantizedWeights {
        let input = input.map { InputQuantization(scale: $0.scale, zeroPoint: $0.zeroPoint, standardization: standardization) }
        return QuantizedWeights(values: values, scales: scales, outputs: scales.count, input: input, standardization: standardization)
    }
}
