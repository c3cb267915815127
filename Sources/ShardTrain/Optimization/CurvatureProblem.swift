/// A ``TrainingProblem`` that can also apply the Hessian of its data term: what Newton's method
/// (``TrustRegionNewton``) needs.
///
/// Both methods work at a point the problem has just evaluated (the optimizer's current
/// iterate): the data term's Hessian there is never formed, only applied, one pass (one reduce
/// round when distributed) per product. The regularization's Hessian, a diagonal, is added by
/// the optimizer.
public protocol CurvatureProblem: TrainingProblem {
    /// The data term's Hessian at `point` times `direction`.
    func hessianProduct(at point: [Double], direction: [Double]) throws -> [Double]
    /// The diagonal of the data term's Hessian at `point`.
    func hessianDiagonal(at point: [Double]) throws -> [Double]
}

/// The per-row curvature of the last few points a problem evaluated over all its rows, so that
/// Newton's products at its current iterate (and at a rejected trial's predecessor) need no
/// extra pass to recover it.
struct CurvatureCache<Key: Equatable> {
    /// Points kept: the iterate and the latest trial.
    static var capacity: Int { 2 }
    private(set) var entries: [(key: Key, curvature: [Double])] = []

    func curvature(for key: Key) -> [Double]? {
        entries.last { $0.key == key }?.curvature
    }

    mutating func keep(_ curvature: [Double], for key: Key) {
        entries.removeAll { $0.key == key }
        entries.append((key, curvature))
        if entries.count > Self.capacity { entries.removeFirst(entries.count - Self.capacity) }
    }
}

extension LocalProblem: CurvatureProblem {
    public func hessianProduct(at point: [Double], direction: [Double]) throws -> [Double] {
        let curvature = curvature(at: point)
        return objective.hessianProduct(curvature: curvature, direction: direction, rows: 0 ..< rowCount, workspace: &workspace)
    }

    public func hessianDiagonal(at point: [Double]) throws -> [Double] {
        let curvature = curvature(at: point)
        return objective.hessianDiagonal(curvature: curvature, rows: 0 ..< rowCount, workspace: &workspace)
    }

    /// The curvature at `point`: kept from its evaluation, or one margin pass. From the first
    /// call on, every evaluation over all rows keeps its curvature.
    private func curvature(at point: [Double]) -> [Double] {
        keepsCurvature = true
        if let kept = curvatureCache.curvature(for: point) { return kept }
        let computed = objective.curvature(point, rows: 0 ..< rowCount, workspace: &workspace)
        curvatureCache.keep(computed, for: point)
        return computed
    }
}
