/// The contribution of a range of rows to the objective: the loss sum, its gradient and the
/// sum of the sample weights.
///
/// This is the unit of data parallelism. Every term is a plain sum over rows, so the
/// evaluations of disjoint row ranges add up (``+``) to the evaluation of their union — exactly,
/// up to floating-point association — whichever process computed each range.
/// Regularization is not included: it is added once, to the total.
public struct PartialEvaluation: Sendable, Equatable {
    /// `Σᵢ sᵢ·ℓ(xᵢ, yᵢ)` over the rows.
    public var lossSum: Double
    /// `∂(lossSum)/∂θ`, laid out as the parameters (`d·K` weights, then `K` intercepts).
    public var gradient: [Double]
    /// `Σᵢ sᵢ` over the rows.
    public var weightSum: Double

    /// Creates an evaluation from its parts.
    public init(lossSum: Double, gradient: [Double], weightSum: Double) {
        self.lossSum = lossSum
        self.gradient = gradient
        self.weightSum = weightSum
    }

    /// The evaluation of no rows, for a parameter vector of `count` entries.
    public static func zero(parameterCount count: Int) -> PartialEvaluation {
        PartialEvaluation(lossSum: 0, gradient: [Double](repeating: 0, count: count), weightSum: 0)
    }

    /// The evaluation of the union of two disjoint row ranges.
    public static func + (a: PartialEvaluation, b: PartialEvaluation) -> PartialEvaluation {
        var sum = a
        sum += b
        return sum
    }

    /// Adds the evaluation of a disjoint row range.
    public static func += (a: inout PartialEvaluation, b: PartialEvaluation) {
        precondition(a.gradient.count == b.gradient.count, "evaluations of different parameter vectors")
        a.lossSum += b.lossSum
        a.weightSum += b.weightSum
        for j in a.gradient.indices { a.gradient[j] += b.gradient[j] }
    }

    /// Whether every number is finite (a push with NaN or infinity must not be summed in).
    public var isFinite: Bool {
        lossSum.isFinite && weightSum.isFinite && gradient.allSatisfy(\.isFinite)
    }
}
