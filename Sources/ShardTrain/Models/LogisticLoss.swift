import Foundation

/// Logistic loss for binary classification with targets `y ∈ {0, 1}`:
/// `ℓ(m, y) = log(1 + eᵐ) − y·m` (equal to `log(1 + e^{−ŷm})` for `ŷ = 2y − 1 ∈ {−1, +1}`),
/// `∂ℓ/∂m = σ(m) − y`.
///
/// Evaluated stably for any margin: `log(1 + eᵐ) = max(m, 0) + log(1 + e^{−|m|})`. The
/// transcendental functions run in float32 (vectorized, ``VectorMath``), like the margins they
/// take; each row's loss is summed in float64.
public struct LogisticLoss: Loss {
    public init() {}
    public var outputs: Int { 1 }

    public func derivatives(margins: UnsafeBufferPointer<Float>, into derivatives: UnsafeMutableBufferPointer<Double>,
                            targets: UnsafeBufferPointer<Double>, weights: UnsafeBufferPointer<Double>?) -> Double {
        let n = targets.count
        var sum = 0.0
        var lanes = SIMD8<Double>()
        var i = 0
        // Eight rows at a time with the vectorized exp/log; the tail row by row.
        let marginBytes = UnsafeRawPointer(margins.baseAddress), targetBytes = UnsafeRawPointer(targets.baseAddress)
        while i + 8 <= n, let marginBytes, let targetBytes {
            let m = marginBytes.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self)
            let y = SIMD8<Float>(targetBytes.loadUnaligned(fromByteOffset: i * 8, as: SIMD8<Double>.self))
            let negative = m .< 0
            let e = VectorMath.exp(m.replacing(with: -m, where: .!negative))
            let onePlus = 1 + e
            let rowLoss = m.replacing(with: 0, where: negative) + VectorMath.logOneToTwo(onePlus) - y * m
            let p = SIMD8<Float>(repeating: 1).replacing(with: e, where: negative) / onePlus
            let residual = SIMD8<Double>(p - y)
            let losses = SIMD8<Double>(rowLoss)
            if let weights {
                let s = UnsafeRawPointer(weights.baseAddress!).loadUnaligned(fromByteOffset: i * 8, as: SIMD8<Double>.self)
                lanes += s * losses
                UnsafeMutableRawPointer(derivatives.baseAddress!).storeBytes(of: s * residual, toByteOffset: i * 8, as: SIMD8<Double>.self)
            } else {
                lanes += losses
                UnsafeMutableRawPointer(derivatives.baseAddress!).storeBytes(of: residual, toByteOffset: i * 8, as: SIMD8<Double>.self)
            }
            i += 8
        }
        sum += lanes.sum()
        while i < n {
            let m = margins[i], y = Float(targets[i])
            let e = expf(-abs(m))
            let rowLoss = Double(max(m, 0) + logf(1 + e)) - Double(y) * Double(m)
            let p = (m >= 0 ? 1 : e) / (1 + e)
            let s = weights?[i] ?? 1
            sum += s * rowLoss
            derivatives[i] = s * Double(p - y)
            i += 1
        }
        return sum
    }

    /// The logistic function `σ(m) = 1 / (1 + e^{−m})`, stable for any `m`.
    public static func sigmoid(_ m: Double) -> Double {
        let e = exp(-abs(m))
        return m >= 0 ? 1 / (1 + e) : e / (1 + e)
    }
}
