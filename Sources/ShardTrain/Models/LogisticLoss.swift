import Foundation

/// Logistic loss for binary classification with targets `y ∈ {0, 1}`:
/// `ℓ(m, y) = log(1 + eᵐ) − y·m` (equal to `log(1 + e^{−ŷm})` for `ŷ = 2y − 1 ∈ {−1, +1}`),
/// `∂ℓ/∂m = σ(m) − y`.
///
/// Evaluated stably for any margin: `log(1 + eᵐ) = max(m, 0) + log1p(e^{−|m|})`. The
/// transcendental functions run in float32, like the margins they take (which the kernel
/// computes in float32); each row's loss is summed in float64.
public struct LogisticLoss: Loss {
    public init() {}
    public var outputs: Int { 1 }

    public func derivatives(margins: UnsafeBufferPointer<Float>, into derivatives: UnsafeMutableBufferPointer<Double>,
                            targets: UnsafeBufferPointer<Double>, weights: UnsafeBufferPointer<Double>?) -> Double {
        var sum = 0.0
        for i in 0 ..< targets.count {
            let m = margins[i], y = Float(targets[i])
            let e = expf(-abs(m))
            let rowLoss = Double(max(m, 0) + logf(1 + e)) - Double(y) * Double(m)
            let p = m >= 0 ? 1 / (1 + e) : e / (1 + e)
            if let weights {
                let s = weights[i]
                sum += s * rowLoss
                derivatives[i] = s * Double(p - y)
            } else {
                sum += rowLoss
                derivatives[i] = Double(p - y)
            }
        }
        return sum
    }

    /// The logistic function `σ(m) = 1 / (1 + e^{−m})`, stable for any `m`.
    public static func sigmoid(_ m: Double) -> Double {
        let e = exp(-abs(m))
        return m >= 0 ? 1 / (1 + e) : e / (1 + e)
    }
}
