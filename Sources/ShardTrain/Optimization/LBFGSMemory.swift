/// The last `m` curvature pairs `(sₖ, yₖ)` of L-BFGS and the two-loop recursion that applies
/// the implied inverse-Hessian approximation `H` to a vector (Nocedal & Wright, Algorithm 7.4).
struct LBFGSMemory {
    let capacity: Int
    private var s: [[Double]] = []
    private var y: [[Double]] = []
    private var rho: [Double] = []

    init(capacity: Int) { self.capacity = max(1, capacity) }

    /// The stored pairs, oldest first (for checkpoints).
    var pairs: (s: [[Double]], y: [[Double]]) { (s, y) }

    /// A memory holding `pairs` (from a checkpoint).
    init(capacity: Int, s: [[Double]], y: [[Double]]) {
        self.init(capacity: capacity)
        for (step, change) in zip(s, y) { append(s: step, y: change) }
    }

    var isEmpty: Bool { s.isEmpty }

    /// Stores a pair if it has positive curvature (`sᵀy > ε·yᵀy`); returns whether it did.
    @discardableResult
    mutating func append(s step: [Double], y change: [Double]) -> Bool {
        let sy = Vector.dot(step, change), yy = Vector.dot(change, change)
        guard sy > 1e-12 * yy, sy.isFinite, yy > 0 else { return false }
        if s.count == capacity {
            s.removeFirst()
            y.removeFirst()
            rho.removeFirst()
        }
        s.append(step)
        y.append(change)
        rho.append(1 / sy)
        return true
    }

    /// `−H·g`: the quasi-Newton descent direction for gradient `g`.
    func direction(for g: [Double]) -> [Double] {
        var q = g
        var alpha = [Double](repeating: 0, count: s.count)
        for i in stride(from: s.count - 1, through: 0, by: -1) {
            alpha[i] = rho[i] * Vector.dot(s[i], q)
            BLAS.axpy(-alpha[i], y[i], &q)
        }
        if let lastS = s.last, let lastY = y.last {
            let gamma = Vector.dot(lastS, lastY) / Vector.dot(lastY, lastY)
            for j in q.indices { q[j] *= gamma }
        }
        for i in 0 ..< s.count {
            let beta = rho[i] * Vector.dot(y[i], q)
            BLAS.axpy(alpha[i] - beta, s[i], &q)
        }
        for j in q.indices { q[j] = -q[j] }
        return q
    }
}
