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
}
