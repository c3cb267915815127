/// Preconditioned conjugate gradients on Newton's quadratic model `gᵀs + ½·sᵀHs`, truncated at
/// the trust region `‖s‖_M ≤ Δ` (Steihaug's method, as in LIBLINEAR's TRON).
///
/// Iterates until the residual `r = −g − Hs` has norm at most ``tolerance`` or a step leaves
/// the region; then the step is cut back to the boundary along the last direction.
struct TruncatedConjugateGradient {
    /// Residual norm at which to stop.
    var tolerance: Double
    /// At most this many products (a safety net; the region or the tolerance stop it first).
    var maxSteps = 250

    struct Step {
        /// The step.
        var s: [Double]
        /// `−g − Hs` at the step (for the model's predicted reduction).
        var residual: [Double]
        var reachedBoundary: Bool
        /// Hessian–vector products used.
        var products: Int
    }

    /// - Parameters:
    ///   - scaling: the diagonal preconditioner `M` (positive).
    ///   - hessian: `v ↦ H·v` (data term and penalty), one pass each.
    func solve(gradient g: [Double], scaling m: [Double], radius delta: Double,
               hessian: ([Double]) throws -> [Double]) throws -> Step {
        let n = g.count
        var s = [Double](repeating: 0, count: n)
        var r = g.map { -$0 }
        var z = (0 ..< n).map { r[$0] / m[$0] }
        var d = z
        var rz = Vector.dot(r, z)
        var products = 0
        while products < maxSteps, Vector.norm(r) > tolerance {
            let hd = try hessian(d)
            products += 1
            let curvature = Vector.dot(d, hd)
            // With H positive definite `dᵀHd > 0`; anything else is rounding: go to the boundary.
            let alpha = curvature > 0 ? rz / curvature : .infinity
            var next = s
            if alpha.isFinite { for j in 0 ..< n { next[j] += alpha * d[j] } }
            if !alpha.isFinite || TrustRegionNewton.mNorm(next, m) > delta {
                let tau = Self.boundaryStep(s, d, m, delta)
                for j in 0 ..< n {
                    s[j] += tau * d[j]
                    r[j] -= tau * hd[j]
                }
                return Step(s: s, residual: r, reachedBoundary: true, products: products)
            }
            s = next
            for j in 0 ..< n { r[j] -= alpha * hd[j] }
            for j in 0 ..< n { z[j] = r[j] / m[j] }
            let rzNext = Vector.dot(r, z)
            let beta = rzNext / rz
            for j in 0 ..< n { d[j] = z[j] + beta * d[j] }
            rz = rzNext
        }
        return Step(s: s, residual: r, reachedBoundary: false, products: products)
    }

    /// The `τ ≥ 0` with `‖s + τ·d‖_M = Δ` (for `‖s‖_M ≤ Δ`), computed without cancellation.
    static func boundaryStep(_ s: [Double], _ d: [Double], _ m: [Double], _ delta: Double) -> Double {
        var sd = 0.0, ss = 0.0, dd = 0.0
        for j in s.indices {
            sd += s[j] * m[j] * d[j]
            ss += s[j] * m[j] * s[j]
            dd += d[j] * m[j] * d[j]
        }
        guard dd > 0 else { return 0 }
        let gap = max(0, delta * delta - ss)
        let root = (sd * sd + dd * gap).squareRoot()
        return sd >= 0 ? gap / (sd + root) : (root - sd) / dd
    }
}
