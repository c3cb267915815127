/// One step of a mini-batch optimizer, shared by the in-process loop, the bounded-staleness
/// server and the workers of local SGD.
///
/// The step follows the gradient of `F/N` estimated on the batch:
/// `ĝ = (1/Σ_B sᵢ)·Σ_{i∈B} sᵢ∇ℓᵢ + (λ/S)·c²⊙w`, `S = Σᵢ sᵢ` over all rows; an L1 term is applied
/// as a proximal step (soft-thresholding by `rate·μ·cⱼ/S`), so weights can reach exactly zero.
enum MiniBatchStep {
    /// Applies the step for the batch evaluation `evaluation` to `x`.
    /// - Parameter scale: `1/S`, `S` the total sample weight of the whole problem (its rows, without weights).
    static func take(_ evaluation: PartialEvaluation, at x: inout [Double], rate: Double, penalty: Regularization,
                     scale: Double, update: inout some MiniBatchUpdate) {
        // A batch without rows (possible with tiny batches spread over many workers) moves nothing.
        guard evaluation.weightSum > 0 else { return }
        var gradient = evaluation.gradient
        let inverseCount = 1 / evaluation.weightSum
        for j in gradient.indices { gradient[j] *= inverseCount }
        penalty.addSmoothGradient(x, to: &gradient, scale: scale)
        update.apply(to: &x, gradient: gradient, rate: rate)
        guard penalty.l1Penalty > 0 else { return }
        for j in 0 ..< penalty.penalizedCount {
            let threshold = rate * penalty.l1Strength(j) * scale
            let magnitude = abs(x[j]) - threshold
            x[j] = magnitude > 0 ? (x[j] > 0 ? magnitude : -magnitude) : 0
        }
    }
}
