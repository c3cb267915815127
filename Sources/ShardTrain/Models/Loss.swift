/// A per-sample loss on the margins of a linear model: the only thing in which linear,
/// logistic and softmax regression differ.
///
/// A loss works on a block of rows at a time, inside the fused gradient kernel: it reads the
/// margins the kernel computed and overwrites them with the derivatives the kernel needs next.
public protocol Loss: Sendable {
    /// Margins per sample (`K`).
    var outputs: Int { get }

    /// Replaces each row's margins `m` with `sᵢ·∂ℓ(m, yᵢ)/∂m` and returns `Σᵢ sᵢ·ℓ(m, yᵢ)`.
    /// - Parameters:
    ///   - margins: `rows × K` margins, row-major; overwritten.
    ///   - targets: the encoded target of each row (a value, 0/1, or a class index).
    ///   - weights: each row's sample weight `sᵢ`, or `nil` for ones.
    func applyDerivative(to margins: UnsafeMutableBufferPointer<Float>, targets: UnsafeBufferPointer<Double>,
                         weights: UnsafeBufferPointer<Double>?) -> Double
}
