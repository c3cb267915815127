/// A per-sample loss on the margins of a linear model: the only thing in which linear,
/// logistic and softmax regression differ.
///
/// A loss works on a block of rows at a time, inside the fused gradient kernel: it reads the
/// float32 margins the kernel computed and writes the float64 derivatives the kernel needs next
/// (kept in float64 so that `Xᵀ·r` loses no precision to the residuals' rounding).
public protocol Loss: Sendable {
    /// Margins per sample (`K`).
    var outputs: Int { get }

    /// Writes each row's `sᵢ·∂ℓ(m, yᵢ)/∂m` into `derivatives` and returns `Σᵢ sᵢ·ℓ(m, yᵢ)`.
    /// - Parameters:
    ///   - margins: `rows × K` margins, row-major.
    ///   - derivatives: `rows × K` outputs, row-major.
    ///   - targets: the encoded target of each row (a value, 0/1, or a class index).
    ///   - weights: each row's sample weight `sᵢ`, or `nil` for ones.
    func derivatives(margins: UnsafeBufferPointer<Float>, into derivatives: UnsafeMutableBufferPointer<Double>,
                     targets: UnsafeBufferPointer<Double>, weights: UnsafeBufferPointer<Double>?) -> Double

    /// `ℓ(m, y)` of one row from float64 margins (`K` of them), in float64: the exact
    /// evaluation that reports the objective of a fitted model.
    func loss(margins: UnsafeBufferPointer<Double>, target: Double) -> Double

    /// Writes what the loss's second derivative needs at each row's margins (`rows × K`, see
    /// ``applyCurvature(_:to:weights:)``): kept by Newton's method between the gradient at a
    /// point and the Hessian–vector products there.
    func curvature(margins: UnsafeBufferPointer<Float>, into curvature: UnsafeMutableBufferPointer<Double>)

    /// Replaces each row's `uᵢ` (`rows × K`, the change of its margins along a direction) by
    /// `sᵢ·∇²ℓᵢ·uᵢ`, the Hessian of the row's loss in the margins (from ``curvature(margins:into:)``)
    /// times `uᵢ`, times the row's sample weight.
    func applyCurvature(_ curvature: UnsafeBufferPointer<Double>, to u: UnsafeMutableBufferPointer<Double>,
                        weights: UnsafeBufferPointer<Double>?)

    /// Writes each row's `sᵢ·diag(∇²ℓᵢ)` (`rows × K`): the diagonal of the Hessian in the margins.
    func curvatureDiagonal(_ curvature: UnsafeBufferPointer<Double>, into diagonal: UnsafeMutableBufferPointer<Double>,
                           weights: UnsafeBufferPointer<Double>?)
}

/// The losses whose second derivative in the (single) margin is one number per row.
protocol ScalarCurvature: Loss {}

extension ScalarCurvature {
    public func applyCurvature(_ curvature: UnsafeBufferPointer<Double>, to u: UnsafeMutableBufferPointer<Double>,
                               weights: UnsafeBufferPointer<Double>?) {
        if let weights {
            for i in 0 ..< u.count { u[i] *= weights[i] * curvature[i] }
        } else {
            for i in 0 ..< u.count { u[i] *= curvature[i] }
        }
    }

    public func curvatureDiagonal(_ curvature: UnsafeBufferPointer<Double>, into diagonal: UnsafeMutableBufferPointer<Double>,
                                  weights: UnsafeBufferPointer<Double>?) {
        for i in 0 ..< diagonal.count { diagonal[i] = (weights?[i] ?? 1) * curvature[i] }
    }
}
