import Foundation

/// Logistic loss for binary classification with targets `y ∈ {0, 1}`:
/// `ℓ(m, y) = log(1 + eᵐ) − y·m` (equal to `log(1 + e^{−ŷm})` for `ŷ = 2y − 1 ∈ {−1, +1}`),
/// `∂ℓ/∂m = σ(m) − y`.
///
/// Evaluated in float64 with no cancellation at any margin:
/// `ℓ = (1 − y)·max(m, 0) + y·max(−m, 0) + log(1 + e^{−|m|})`, every term ≥ 0, and
/// `σ(m) − y = ((1 − y) − y·e)/(1 + e)` for `m ≥ 0`, `(e·(1 − y) − y)/(1 + e)` otherwise, with
/// `e = e^{−|m|}`. Eight rows at a time with the vectorized ``VectorMath`` functions.
public struct LogisticLoss: Loss, ScalarCurvature {
    public init() {}
    public var outputs: Int { 1 }

    public func derivatives(margins: UnsafeBufferPointer<Float>, into derivatives: UnsafeMutableBufferPointer<Double>,
                            targets: UnsafeBufferPointer<Double>, weights: UnsafeBufferPointer<Double>?) -> Double {
        let n = targets.count
        var sum = 0.0
        var lanes = SIMD8<Double>()
        var i = 0
        // Eight rows at a time with the vectorized exp/log1p; the tail row by row.
        let marginBytes = UnsafeRawPointer(margins.baseAddress), targetBytes = UnsafeRawPointer(targets.baseAddress)
        while i + 8 <= n, let marginBytes, let targetBytes {
            let m = SIMD8<Double>(marginBytes.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self))
            let y = targetBytes.loadUnaligned(fromByteOffset: i * 8, as: SIMD8<Double>.self)
            let negative = m .< 0
            let magnitude = m.replacing(with: -m, where: negative)
            let e = VectorMath.exp(-magnitude)
            let positivePart = m.replacing(with: 0, where: negative), negativePart = magnitude - positivePart
            let (log1p, reciprocal) = VectorMath.log1pAndReciprocal(e)
            let losses = (1 - y) * positivePart + y * negativePart + log1p
            let residual = ((1 - y) - y * e).replacing(with: e * (1 - y) - y, where: negative) * reciprocal
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
            let (rowLoss, residual) = Self.lossAndResidual(Double(margins[i]), targets[i])
            let s = weights?[i] ?? 1
            sum += s * rowLoss
            derivatives[i] = s * residual
            i += 1
        }
        return sum
    }

    public func loss(margins: UnsafeBufferPointer<Double>, target: Double) -> Double {
        Self.lossAndResidual(margins[0], target).loss
    }

    /// `ℓ(m, y)` and `σ(m) − y` in float64, without cancellation.
    @inline(__always)
    static func lossAndResidual(_ m: Double, _ y: Double) -> (loss: Double, residual: Double) {
        let e = Foundation.exp(-abs(m))
        let loss = (1 - y) * max(m, 0) + y * max(-m, 0) + Foundation.log1p(e)
        let residual = m >= 0 ? ((1 - y) - y * e) / (1 + e) : (e * (1 - y) - y) / (1 + e)
        return (loss, residual)
    }

    /// `∂²ℓ/∂m² = σ(m)·(1 − σ(m))`, written as `e/(1 + e)²` with `e = e^{−|m|}` (no cancellation).
    public func curvature(margins: UnsafeBufferPointer<Float>, into curvature: UnsafeMutableBufferPointer<Double>) {
        for i in 0 ..< curvature.count {
            let e = Foundation.exp(-abs(Double(margins[i])))
            curvature[i] = e / ((1 + e) * (1 + e))
        }
    }

    /// The logistic function `σ(m) = 1 / (1 + e^{−m})`, stable for any `m`.
    public static func sigmoid(_ m: Double) -> Double {
        let e = Foundation.exp(-abs(m))
        return m >= 0 ? 1 / (1 + e) : e / (1 + e)
    }
}
