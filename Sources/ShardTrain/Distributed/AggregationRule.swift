/// How the parameter server combines the workers' contributions to one evaluation: a value
/// given to the server, not hard-wired into it.
public struct AggregationRule: Sendable {
    /// The rule's name, for logs.
    public let name: String
    /// Combines the contributions, given in rank order.
    public let combine: @Sendable ([PartialEvaluation]) -> PartialEvaluation

    public init(name: String, combine: @escaping @Sendable ([PartialEvaluation]) -> PartialEvaluation) {
        self.name = name
        self.combine = combine
    }

    /// The exact sum, added in rank order so that the result does not depend on which worker
    /// answered first: the reduce step of data-parallel gradient descent.
    public static let sumInRankOrder = AggregationRule(name: "sum-in-rank-order") { parts in
        guard var total = parts.first else { return PartialEvaluation.zero(parameterCount: 0) }
        for part in parts.dropFirst() { total += part }
        return total
    }
}
