/// Asymmetric int8 quantization of a model's inputs: `q = clamp(round(x · (1/scale)) +
/// zeroPoint, −128, 127)` (rounding half to even, the reciprocal in float32), standing for
/// `x ≈ scale · (q − zeroPoint)`.
///
/// One scale and zero point for all features (per tensor), calibrated on data: the range
/// `[lo, hi]` is widened to contain 0, so that `x = 0` (every value a sparse row does not store)
/// is exactly `q = zeroPoint` and contributes nothing.
///
/// With a ``standardization`` (a model quantized in its standardized space), each input is
/// standardized first, `u = (x − mean_j) / scale_j`, and `u` is quantized: one scale then fits
/// features whose raw ranges differ by orders of magnitude. A value a sparse row does not store
/// is then the level of `(0 − mean_j) / scale_j`, which ``level(ofMissingIn:)`` gives.
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
    /// The level that stands for `0` (for `u = 0` with a standardization).
    public let zeroPoint: Int8
    /// The per-feature standardization applied before quantizing, if any.
    public let standardization: Standardization?
    /// `1 / scale`: quantizing multiplies by it (a division costs several times more).
    private let reciprocal: Float
    /// With a standardization, feature `j`'s value `x` goes to the level of
    /// `x · slopes[j] − shifts[j]` (that is `(x − mean_j) / (scale_j · scale)`).
    private let slopes: [Float]
    private let shifts: [Float]

    /// Creates input quantization from its parts.
    /// - Precondition: `scale` is finite and positive.
    public init(scale: Float, zeroPoint: Int8, standardization: Standardization? = nil) {
        precondition(scale.isFinite && scale > 0, "the input scale must be finite and positive")
        self.scale = scale
        self.zeroPoint = zeroPoint
        self.standardization = standardization
        self.reciprocal = 1 / scale
        if let standardization {
            let inverse = Double(1 / scale)
            slopes = standardization.scales.map { Float(inverse / $0) }
            shifts = zip(standardization.means, standardization.scales).map { Float($0 / $1 * inverse) }
        } else {
            (slopes, shifts) = ([], [])
        }
    }

    /// The quantization whose 256 levels span `[lo, hi]` widened to contain 0 (scale 1 and zero
    /// point 0 when the range is empty).
    public init(range lo: Double, _ hi: Double, standardization: Standardization? = nil) {
        let (low, high) = (min(lo, 0), max(hi, 0))
        guard high > low, (high - low).isFinite else {
            self.init(scale: 1, zeroPoint: 0, standardization: standardization)
            return
        }
        var scale = Float((high - low) / 255)
        if !(scale > 0) { scale = .leastNormalMagnitude }
        let zero = (-128 - low / Double(scale)).rounded()
        self.init(scale: scale, zeroPoint: Int8(max(-128, min(127, zero))), standardization: standardization)
    }

    /// Calibrates on the values of `features` (the stored entries and, when some are not
    /// stored, 0), standardized first when `standardization` is given.
    /// - Throws: ``TrainingError/Code/invalidConfiguration`` for a percentile outside
    ///   `(50, 100]`, ``TrainingError/Code/badData`` for a non-finite value or a
    ///   standardization of another width.
    public init(calibratingOn features: FeatureMatrix, method: Calibration,
                standardization: Standardization? = nil) throws(TrainingError) {
        if let standardization, standardization.means.count != features.columns {
            throw TrainingError(.badData, "the calibration data has \(features.columns) features, the standardization \(standardization.means.count)")
        }
        let values = Self.calibrationValues(features, standardization: standardization)
        guard values.allSatisfy(\.isFinite) else {
            throw TrainingError(.badData, "the calibration data holds a NaN or infinite value")
        }
        switch method {
        case .minMax:
            self.init(range: Double(values.min() ?? 0), Double(values.max() ?? 0), standardization: standardization)
        case .percentile(let p):
            guard p > 50, p <= 100 else {
                throw TrainingError(.invalidConfiguration, "the calibration percentile must be in (50, 100], got \(p)")
            }
            let sorted = values.sorted()
            self.init(range: Self.percentile(100 - p, of: sorted), Self.percentile(p, of: sorted), standardization: standardization)
        }
    }

    /// The values calibration looks at: the stored entries (standardized when asked), and for
    /// a sparse matrix with a standardization also each feature's standardized zero.
    private static func calibrationValues(_ features: FeatureMatrix, standardization: Standardization?) -> [Float] {
        guard let standardization else {
            return switch features {
            case .dense(let m): m.values
            case .sparse(let m): m.values
            }
        }
        let (means, scales) = (standardization.means, standardization.scales)
        switch features {
        case .dense(let m):
            let d = m.columns
            return m.values.indices.map { Float((Double(m.values[$0]) - means[$0 % d]) / scales[$0 % d]) }
        case .sparse(let m):
            let stored = m.values.indices.map { Float((Double(m.values[$0]) - means[Int(m.columnIndices[$0])]) / scales[Int(m.columnIndices[$0])]) }
            return stored + means.indices.map { Float(-means[$0] / scales[$0]) }
        }
    }

    /// The `p`-th percentile of sorted `values` (nearest rank; 0 for no values).
    static func percentile(_ p: Double, of sorted: [Float]) -> Double {
        guard !sorted.isEmpty else { return 0 }
        let rank = Int((p / 100 * Double(sorted.count - 1)).rounded())
        return Double(sorted[max(0, min(sorted.count - 1, rank))])
    }

    /// The level of `x`: `x · (1 / scale)` rounded half to even, plus the zero point, clamped
    /// to `−128 … 127` (NaN gives 127). This ignores ``standardization``: see
    /// ``quantize(_:column:)``.
    @inline(__always)
    public func quantize(_ x: Float) -> Int8 { level(x * reciprocal) }

    /// The level of feature `column`'s value `x` (standardized first when there is a
    /// ``standardization``).
    @inline(__always)
    public func quantize(_ x: Float, column: Int) -> Int8 {
        slopes.isEmpty ? level(x * reciprocal) : level(x * slopes[column] - shifts[column])
    }

    /// The level of a value a sparse row does not store (`0`) in feature `column`: the zero
    /// point without a standardization.
    public func level(ofMissingIn column: Int) -> Int8 { quantize(0, column: column) }

    /// `t` (a value already divided by the scale) rounded half to even, plus the zero point,
    /// clamped to `−128 … 127`.
    ///
    /// Rounding adds 1.5·2²³ to the clamped `|t| ≤ 256`: the sum's bit pattern is then that of
    /// 1.5·2²³ plus the rounded integer, read with integer arithmetic only. The loop vectorizes,
    /// where `rounded()` is a library call per value on baseline x86 and a float-to-integer
    /// conversion carries a range check.
    @inline(__always)
    private func level(_ t: Float) -> Int8 {
        let clamped = Swift.max(-256, Swift.min(256, t))
        let rounded = Int32(bitPattern: (clamped + 0x1.8p23).bitPattern) &- Int32(bitPattern: Float(0x1.8p23).bitPattern)
        return Int8(truncatingIfNeeded: Swift.max(-128, Swift.min(127, rounded &+ Int32(zeroPoint))))
    }

    /// Quantizes one row of `count` features from `source` into `target` (``quantize(_:column:)``
    /// element by element, in a loop the compiler vectorizes).
    func quantize(row source: UnsafePointer<Float>, into target: UnsafeMutablePointer<Int8>, count: Int) {
        if slopes.isEmpty {
            for j in 0 ..< count { target[j] = level(source[j] * reciprocal) }
        } else {
            slopes.withUnsafeBufferPointer { a in
                shifts.withUnsafeBufferPointer { b in
                    for j in 0 ..< count { target[j] = level(source[j] * a[j] - b[j]) }
                }
            }
        }
    }

    /// The value level `q` stands for (the standardized value with a ``standardization``).
    public func dequantize(_ q: Int8) -> Float { scale * Float(Int32(q) - Int32(zeroPoint)) }
}
