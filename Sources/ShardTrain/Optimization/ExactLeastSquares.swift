/// Closed-form linear regression: solves the normal equations
/// `(ZᵀSZ + λ·diag(c²)_w)·θ = ZᵀSy` with `Z = [X 1]` (the intercept not penalized) by Cholesky
/// (`dposv`), falling back to QR (`dgels`) on the weighted, ridge-augmented design when the
/// normal matrix is singular.
///
/// A reference for the iterative optimizers and the fastest fit when `d` is small. No L1 term.
public struct ExactLeastSquares: Sendable {
    public init() {}

    public var name: String { "exact" }

    /// Solves for the parameters of `objective` (squared loss, one output) under the L2 term of
    /// `penalty` (its factors included).
    public func solve(_ objective: Objective, penalty: Regularization) throws(LeastSquares.Failure) -> [Double] {
        let d = objective.features.columns, width = d + 1
        var (gram, moment) = objective.features.normalEquations(targets: objective.targets,
                                                                sampleWeights: objective.sampleWeights)
        for j in 0 ..< d { gram[j * width + j] += penalty.l2Strength(j) }
        if !objective.fitIntercept {
            // Pin the intercept to zero: its row and column become the identity.
            for j in 0 ..< width { gram[d * width + j] = 0; gram[j * width + d] = 0 }
            gram[d * width + d] = 1
            moment[d] = 0
        }
        do {
            return try LeastSquares.solveSymmetricPositiveDefinite(gram, moment, n: width)
        } catch {
            return try solveByQR(objective, penalty: penalty)
        }
    }

    private func solveByQR(_ objective: Objective, penalty: Regularization) throws(LeastSquares.Failure) -> [Double] {
        let d = objective.features.columns, width = d + 1, n = objective.rowCount
        let extra = penalty.l2Penalty > 0 ? d : 0
        var design = [Double](repeating: 0, count: (n + extra) * width)
        var rhs = [Double](repeating: 0, count: n + extra)
        for i in 0 ..< n {
            let root = (objective.sampleWeights?[i] ?? 1).squareRoot()
            for j in 0 ..< d { design[i * width + j] = root * Double(objective.features[i, j]) }
            design[i * width + d] = objective.fitIntercept ? root : 0
            rhs[i] = root * objective.targets[i]
        }
        for j in 0 ..< extra { design[(n + j) * width + j] = penalty.l2Strength(j).squareRoot() }
        return try LeastSquares.solveByQR(design, rhs, rows: n + extra, columns: width)
    }
}
