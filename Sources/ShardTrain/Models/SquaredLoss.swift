/// Squared loss for linear regression: `ℓ(m, y) = ½(m − y)²`, `∂ℓ/∂m = m − y`.
public struct SquaredLoss: Loss, ScalarCurvature {
    public init() {}
    public var outputs: Int { 1 }

    public func derivatives(margins: UnsafeBufferPointer<Float>, into derivatives: UnsafeMutableBufferPointer<Double>,
                            targets: UnsafeBufferPointer<Double>, weights: UnsafeBufferPointer<Double>?) -> Double {
        var sum = 0.0
        for i in 0 ..< targets.count {
            let s = weights?[i] ?? 1
            let r = Double(margins[i]) - targets[i]
            sum += s * 0.5 * r * r
            derivatives[i] = s * r
        }
        return sum
    }

    public func loss(margins: UnsafeBufferPointer<Double>, target: Double) -> Double {
        let r = margins[0] - target
        return 0.5 * r * r
    }

    /// `∂²ℓ/∂m² = 1` everywhere.
    public func curvature(margins: UnsafeBufferPointer<Float>, into curvature: UnsafeMutableBufferPointer<Double>) {
        for i in 0 ..< curvature.count { curvature[i] = 1 }
    }
}
