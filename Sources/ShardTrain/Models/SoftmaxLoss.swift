import Foundation

/// Softmax cross-entropy for `K`-class classification with targets `y ∈ {0, …, K−1}`:
/// `ℓ(m, y) = log Σₖ e^{mₖ} − m_y`, `∂ℓ/∂mₖ = softmax(m)ₖ − [k = y]`.
///
/// The log-sum-exp subtracts the largest margin first, so no margin overflows.
public struct SoftmaxLoss: Loss {
    /// Number of classes `K ≥ 2`.
    public let classes: Int

    /// - Precondition: `classes ≥ 2` (``ModelKind/makeLoss(classes:)`` and the label encoding
    ///   guarantee it for user data).
    public init(classes: Int) {
        precondition(classes >= 2, "softmax needs at least two classes")
        self.classes = classes
    }

    public var outputs: Int { classes }

    public func derivatives(margins: UnsafeBufferPointer<Float>, into derivatives: UnsafeMutableBufferPointer<Double>,
                            targets: UnsafeBufferPointer<Double>, weights: UnsafeBufferPointer<Double>?) -> Double {
        let k = classes
        var sum = 0.0
        for i in 0 ..< targets.count {
            let s = weights?[i] ?? 1
            let row = i * k
            var largest = -Double.infinity
            for c in 0 ..< k { largest = max(largest, Double(margins[row + c])) }
            var total = 0.0
            for c in 0 ..< k { total += exp(Double(margins[row + c]) - largest) }
            let y = Int(targets[i])
            sum += s * (largest + log(total) - Double(margins[row + y]))
            for c in 0 ..< k {
                let p = exp(Double(margins[row + c]) - largest) / total
                derivatives[row + c] = s * (p - (c == y ? 1 : 0))
            }
        }
        return sum
    }

    public func loss(margins: UnsafeBufferPointer<Double>, target: Double) -> Double {
        var largest = -Double.infinity
        for c in 0 ..< classes { largest = max(largest, margins[c]) }
        var total = 0.0
        for c in 0 ..< classes { total += exp(margins[c] - largest) }
        return largest + log(total) - margins[Int(target)]
    }

    /// The probabilities `p = softmax(m)` of each row: its Hessian in the margins is
    /// `diag(p) − p·pᵀ`.
    public func curvature(margins: UnsafeBufferPointer<Float>, into curvature: UnsafeMutableBufferPointer<Double>) {
        let k = classes
        for row in stride(from: 0, to: curvature.count, by: k) {
            var largest = -Double.infinity
            for c in 0 ..< k { largest = max(largest, Double(margins[row + c])) }
            var total = 0.0
            for c in 0 ..< k {
                let e = exp(Double(margins[row + c]) - largest)
                curvature[row + c] = e
                total += e
            }
            for c in 0 ..< k { curvature[row + c] /= total }
        }
    }

    /// `uᵢ ← sᵢ·(p⊙uᵢ − p·(pᵀuᵢ))`.
    public func applyCurvature(_ curvature: UnsafeBufferPointer<Double>, to u: UnsafeMutableBufferPointer<Double>,
                               weights: UnsafeBufferPointer<Double>?) {
        let k = classes
        for (i, row) in stride(from: 0, to: u.count, by: k).enumerated() {
            var projection = 0.0
            for c in 0 ..< k { projection += curvature[row + c] * u[row + c] }
            let s = weights?[i] ?? 1
            for c in 0 ..< k { u[row + c] = s * curvature[row + c] * (u[row + c] - projection) }
        }
    }

    /// `sᵢ·pₖ·(1 − pₖ)`.
    public func curvatureDiagonal(_ curvature: UnsafeBufferPointer<Double>, into diagonal: UnsafeMutableBufferPointer<Double>,
                                  weights: UnsafeBufferPointer<Double>?) {
        let k = classes
        for i in 0 ..< diagonal.count {
            let p = curvature[i]
            diagonal[i] = (weights?[i / k] ?? 1) * p * (1 - p)
        }
    }
}
