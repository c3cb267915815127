/// Everything ``TrustRegionNewton`` needs to continue exactly where it was: the iterate, its
/// objective and gradient, the trust-region radius and the record so far.
public struct NewtonCheckpoint: Codable, Sendable, Equatable {
    /// Accepted iterations completed.
    public var iteration: Int
    /// Passes over the data so far (objective and gradient, diagonals, Hessian products).
    public var passes: Int
    public var parameters: [Double]
    public var objective: Double
    public var gradient: [Double]
    /// The gradient norm at the start, for the relative gradient tolerance.
    public var initialGradientNorm: Double
    /// The trust-region radius `Δ` (`nil` before the first iteration sets it).
    public var radius: Double?
    public var history: [Double]

    /// Refuses a state for another problem size or with values no run could have saved.
    func check(parameterCount: Int) throws(TrainingError) {
        func fail(_ what: String) -> TrainingError { TrainingError(.invalidConfiguration, "the newton checkpoint \(what)") }
        guard parameters.count == parameterCount, gradient.count == parameterCount else {
            throw fail("has \(parameters.count) parameters — this problem has \(parameterCount)")
        }
        guard iteration >= 0, passes >= 1 else { throw fail("has a negative iteration or pass count") }
        guard parameters.allSatisfy(\.isFinite), gradient.allSatisfy(\.isFinite), objective.isFinite,
              initialGradientNorm.isFinite, initialGradientNorm >= 0, radius.map({ $0.isFinite && $0 > 0 }) ?? true else {
            throw fail("holds values that are not finite (or a radius ≤ 0)")
        }
    }
}
