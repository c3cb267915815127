/// Asymmetric int8 quantization of a model's inputs: `q = clamp(round(x · (1/scale)) +
/// zeroPoint, −128, 127)` (rounding half to even, the reciprocal in float32), standing for
/// `x ≈ scale · (q − zeroPoint)`.
///
/// One scale and zero point for all features (per tensor), calibrated on data: the range
/// `[lo, hi]` is widened to contain 0, so that `x = 0` (every value a sparse row does not store)
/// is exactly `q = zeroPoint` and contributes nothing.
public struct InputQuantization: Sendable, Equatable {
    /// How the range is chosen from the calibration values.
    public enum Calibration: Sendable, Equatable {
        /// The smallest and largest value.
        case minMax
        /// The `p`-th and `(100 − p)`-th percentiles (`p` in `(50, 100]`), which ignores outliers.
        case percentile(Double)

        /// `min-max` or `percentile`.
        public var name: String {
            switch self {
            case .minMax: "min-max"
            case .percentile: "percentile"
            }
        }
    }

    /// The step between two levels; finite and positive.
    public let scale: Float
    /// The level that stands for `0`.
    public let zeroPoint: Int8
    /// `1 / scale`: quantizing multiplies by it (a division costs several times more).
    private let reciprocal: Float

    /// Creates input quantization from its parts.
    /// - Precondition: `scale` is finite and positive.
    public init(scale: Float, zeroPoint: Int8) {
        precondition(scale.isFinite && scale > 0, "the input scale must be finite and positive")
        self.scale = scale
        self.zeroPoint = zeroPoint
        self.reciprocal = 1 / scale
    }

    /// The quantization whose 256 levels span `[lo, hi]` widened to contain 0 (scale 1 and zero
    /// point 0 when the range is empty).
    public init(range lo: Double, _ hi: Double) {
        let (low, high) = (min(lo, 0), max(hi, 0))
        guard high > low, (high - low).isFinite else {
            self.init(scale: 1, zeroPoint: 0)
            return
        }
        var scale = Float((high - low) / 255)
        if !(scale > 0) { scale = .leastNormalMagnitude }
        let zero = (-128 - low / Double(scale)).rounded()
        self.init(scale: scale, zeroPoint: Int8(max(-128, min(127, zero))))
    }

    /// Calibrates on the values of `features` (the stored entries and, when some are not
    /// stored, 0).
    /// - Throws: ``TrainingError/Code/invalidConfiguration`` for a percentile outside
    ///   `(50, 100]`, ``TrainingError/Code/badData`` for a non-finite value.
    public init(calibratingOn features: FeatureMatrix, method: Calibration) throws(TrainingError) {
        let values: [Float] = switch features {
        case .dense(let m): m.values
        case .sparse(let m): m.values
        }
        guard values.allSatisfy(\.isFinite) else {
            throw TrainingError(.badData, "the calibration data holds a NaN or infinite value")
        }
        switch method {
        case .minMax:
            self.init(range: Double(values.min() ?? 0), Double(values.max() ?? 0))
        case .percentile(let p):
            guard p > 50, p <= 100 else {
                throw TrainingError(.invalidConfiguration, "the calibration percentile must be in (50, 100], got \(p)")
            }
            let sorted = values.sorted()
            self.init(range: Self.percentile(100 - p, of: sorted), Self.percentile(p, of: sorted))
        }
    }

    /// The `p`-th percentile of sorted `values` (nearest rank; 0 for no values).
    static func percentile(_ p: Double, of sorted: [Float]) -> Double {
        guard !sorted.isEmpty else { return 0 }
        let rank = Int((p / 100 * Double(sorted.count - 1)).rounded())
        return Double(sorted[max(0, min(sorted.count - 1, rank))])
    }

    /// The level of `x`: `x · (1 / scale)` rounded half to even, plus the zero point, clamped
    /// to `−128 … 127` (NaN gives 127).
    ///
    /// Rounding adds 1.5·2²³ to the clamped `|x / scale| ≤ 256`: the sum's bit pattern is then
    /// that of 1.5·2²³ plus the rounded integer, read with integer arithmetic only. The loop
    /// vectorizes, where `rounded()` is a library call per value on baseline x86 and a
    /// float-to-integer conversion carries a range check.
    @inline(__always)
    public func quantize(_ x: Float) -> Int8 {
        let t = Swift.max(-256, Swift.min(256, x * reciprocal))
        let rounded = Int32(bitPattern: (t + 0x1.8p23).bitPattern) &- Int32(bitPattern: Float(0x1.8p23).bitPattern)
        return Int8(truncatingIfNeeded: Swift.max(-128, Swift.min(127, rounded &+ Int32(zeroPoint))))
    }

    /// Quantizes `count` values from `source` into `target` (``quantize(_:)`` element by
    /// element, in a loop the compiler vectorizes).
    func quantize(_ source: UnsafePointer<Float>, into target: UnsafeMutablePointer<Int8>, count: Int) {
        for i in 0 ..< count { target[i] = quantize(source[i]) }
    }

    /// The value level `q` stands for.
    public func dequantize(_ q: Int8) -> Float { scale * Float(Int32(q) - Int32(zeroPoint)) }
}
