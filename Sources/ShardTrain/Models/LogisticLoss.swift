import Foundation

/// Logistic loss for binary classification with targets `y ∈ {0, 1}`:
/// `ℓ(m, y) = log(1 + eᵐ) − y·m` (equal to `log(1 + e^{−ŷm})` for `ŷ = 2y − 1 ∈ {−1, +1}`),
/// `∂ℓ/∂m = σ(m) − y`.
///
/// Evaluated stably for any margin: `log(1 + eᵐ) = max(m, 0) + log1p(e^{−|m|})`.
public struct LogisticLoss: Loss {
    public init() {}
    public var outputs: Int { 1 }

    public func applyDerivative(to margins: UnsafeMutableBufferPointer<Float>, targets: UnsafeBufferPointer<Double>,
                                weights: UnsafeBufferPointer<Double>?) -> Double {
        var sum = 0.0
        for i in 0 ..< targets.count {
            let s = weights?[i] ?? 1
            let m = Double(margins[i]), y = targets[i]
            let e = exp(-abs(m))
            sum += s * (max(m, 0) + log1p(e) - y * m)
            let p = m >= 0 ? 1 / (1 + e) : e / (1 + e)
            margins[i] = Float(s * (p - y))
        }
        return sum
    }

    /// The logistic function `σ(m) = 1 / (1 + e^{−m})`, stable for any `m`.
    public static func sigmoid(_ m: Double) -> Double {
        let e = exp(-abs(m))
        return m >= 0 ? 1 / (1 + e) : e / (1 + e)
    }
}
