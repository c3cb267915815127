/// One round of local SGD for one worker (`--local-steps K`): start from the server's
/// parameters, take one optimizer step per batch of local rows, send the parameters back.
///
/// The server averages the workers' parameters (weighted by the rows each one used), so with
/// one step per round and plain SGD the round equals a synchronous step on the union of the
/// batches; with K steps it needs K times fewer rounds.
public struct LocalStepPlan: Sendable, Equatable {
    /// The optimizer a worker runs between averages; its state (velocity, moments) stays on
    /// the worker from round to round.
    public struct Rule: Sendable, Equatable {
        public enum Kind: UInt8, Sendable { case sgd = 0, adam = 1 }
        public var kind: Kind
        /// SGD momentum β.
        public var momentum: Double
        /// Adam's β₁, β₂ and ε.
        public var beta1: Double
        public var beta2: Double
        public var epsilon: Double
        /// The penalty on the weights: λ, μ, how many leading parameters are weights, and the
        /// scale of the penalty per step (1/N, N the rows of all shards).
        public var l2Penalty: Double
        public var l1Penalty: Double
        public var penalizedCount: Int
        public var penaltyScale: Double
        /// The penalty's factors per feature (``Regularization/coefficientFactors``).
        public var coefficientFactors: [Double]?

        public init(kind: Kind, momentum: Double = 0, beta1: Double = 0.9, beta2: Double = 0.999, epsilon: Double = 1e-8,
                    l2Penalty: Double, l1Penalty: Double, penalizedCount: Int, penaltyScale: Double,
                    coefficientFactors: [Double]? = nil) {
            self.kind = kind
            self.momentum = momentum
            self.beta1 = beta1
            self.beta2 = beta2
            self.epsilon = epsilon
            self.l2Penalty = l2Penalty
            self.l1Penalty = l1Penalty
            self.penalizedCount = penalizedCount
            self.penaltyScale = penaltyScale
            self.coefficientFactors = coefficientFactors
        }

        var regularization: Regularization {
            Regularization(l2Penalty: l2Penalty, l1Penalty: l1Penalty, penalizedCount: penalizedCount,
                           coefficientFactors: coefficientFactors)
        }
    }

    public var version: UInt64
    /// Local row ranges, one optimizer step each, in order.
    public var batches: [Range<Int>]
    /// Learning rate of every step of this round.
    public var rate: Double
    public var rule: Rule
    public var parameters: [Float]

    public init(version: UInt64, batches: [Range<Int>], rate: Double, rule: Rule, parameters: [Float]) {
        self.version = version
        self.batches = batches
        self.rate = rate
        self.rule = rule
        self.parameters = parameters
    }
}

extension WireWriter {
    mutating func write(_ plan: LocalStepPlan) {
        write(plan.version)
        write(UInt64(plan.batches.count))
        for batch in plan.batches { write(UInt64(batch.lowerBound)); write(UInt64(batch.upperBound)) }
        write(plan.rate)
        let rule = plan.rule
        write(rule.kind.rawValue)
        write(rule.momentum); write(rule.beta1); write(rule.beta2); write(rule.epsilon)
        write(rule.l2Penalty); write(rule.l1Penalty); write(UInt64(rule.penalizedCount)); write(rule.penaltyScale)
        write(rule.coefficientFactors ?? [])
        write(floats: plan.parameters)
    }
}

extension WireReader {
    mutating func readPlan() throws(TransportError) -> LocalStepPlan {
        let version = try read(UInt64.self)
        let count = try readCount(elementSize: 16)
        var batches: [Range<Int>] = []
        for _ in 0 ..< count { batches.append(try readRange()) }
        let rate = try readDouble()
        guard let kind = LocalStepPlan.Rule.Kind(rawValue: try read(UInt8.self)) else {
            throw TransportError(.badMessage, peer: peer, "\(context): unknown local optimizer")
        }
        let momentum = try readDouble(), beta1 = try readDouble(), beta2 = try readDouble(), epsilon = try readDouble()
        let l2 = try readDouble(), l1 = try readDouble(), penalized = try read(UInt64.self), scale = try readDouble()
        guard penalized < UInt64(Int32.max) else { throw TransportError(.badMessage, peer: peer, "\(context): bad penalized count") }
        let factors = try readDoubles()
        guard factors.isEmpty || (Int(penalized) % factors.count == 0 && factors.allSatisfy { $0.isFinite && $0 > 0 }) else {
            throw TransportError(.badMessage, peer: peer, "\(context): \(factors.count) penalty factors for \(penalized) weights")
        }
        let rule = LocalStepPlan.Rule(kind: kind, momentum: momentum, beta1: beta1, beta2: beta2, epsilon: epsilon,
                                      l2Penalty: l2, l1Penalty: l1, penalizedCount: Int(penalized), penaltyScale: scale,
                                      coefficientFactors: factors.isEmpty ? nil : factors)
        return LocalStepPlan(version: version, batches: batches, rate: rate, rule: rule, parameters: try readFloats())
    }

    /// A row range `lower ..< upper`, checked.
    mutating func readRange() throws(TransportError) -> Range<Int> {
        let lower = try read(UInt64.self), upper = try read(UInt64.self)
        guard lower <= upper, upper <= Self.largestCount else {
            throw TransportError(.badMessage, peer: peer, "\(context): bad row range \(lower)..<\(upper)")
        }
        return Int(lower) ..< Int(upper)
    }
}
