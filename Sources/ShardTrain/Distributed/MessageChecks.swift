/// What a worker checks in everything the server sends, before it sizes anything or computes:
/// an authenticated server can still be buggy, and a worker must not crash or loop on it.
extension ShardSetup {
    /// The most parameters a session may have: a gradient of float32 values must fit in one
    /// frame (``Frame/maximumPayload``).
    public static let largestParameterCount = Frame.maximumPayload / 4

    /// The parameter count this setup implies, or `nil` when it is beyond any session's.
    var parameterCount: Int? {
        let outputs = kind == .softmax ? classes.count : 1
        let (product, overflow) = (featureCount + 1).multipliedReportingOverflow(by: max(outputs, 1))
        return overflow || product > Self.largestParameterCount ? nil : product
    }

    /// Throws a `badMessage` naming `peer` unless every field is one a real server sends.
    func check(peer: String) throws(TransportError) {
        func bad(_ what: String) -> TransportError { TransportError(.badMessage, peer: peer, "setup: \(what)") }
        guard featureCount >= 1, parameterCount != nil else {
            throw bad("\(featureCount) features with \(classes.count) classes is beyond \(Self.largestParameterCount) parameters")
        }
        if kind.isClassifier {
            guard classes.count >= 2, classes.count <= ShardSummary.labelLimit else { throw bad("\(classes.count) classes") }
        } else if !classes.isEmpty {
            throw bad("classes for a \(kind.rawValue) model")
        }
        guard classes.allSatisfy(\.isFinite), zip(classes, classes.dropFirst()).allSatisfy({ $0 < $1 }) else {
            throw bad("class labels not finite or not increasing")
        }
        guard means.count == scales.count, means.isEmpty || means.count == featureCount else {
            throw bad("standardization of \(means.count) means and \(scales.count) scales for \(featureCount) features")
        }
        guard means.allSatisfy(\.isFinite), scales.allSatisfy({ $0.isFinite && $0 > 0 }) else {
            throw bad("standardization means or scales not finite, or a scale not positive")
        }
        guard heartbeatSeconds == 0 || (heartbeatSeconds >= Self.heartbeatRange.lowerBound
                                        && heartbeatSeconds <= Self.heartbeatRange.upperBound) else {
            throw bad("heartbeat interval \(heartbeatSeconds) s (0, or \(Self.heartbeatRange.lowerBound) to \(Self.heartbeatRange.upperBound) s)")
        }
        guard totalWeight.isFinite, totalWeight >= 0 else { throw bad("total weight \(totalWeight)") }
    }

    /// The heartbeat intervals a worker accepts.
    static let heartbeatRange = 0.01 ... 3600.0
}

extension LocalStepPlan {
    /// Throws a `badMessage` naming `peer` unless the plan fits a session of
    /// `parameterCount` parameters and `rows` local rows, with finite numbers throughout.
    func check(parameterCount: Int, rows: Int, peer: String) throws(TransportError) {
        func bad(_ what: String) -> TransportError { TransportError(.badMessage, peer: peer, "local steps: \(what)") }
        guard parameters.count == parameterCount else { throw bad("\(parameters.count) parameters — expected \(parameterCount)") }
        guard rule.penalizedCount <= parameterCount else {
            throw bad("penalizes \(rule.penalizedCount) of \(parameterCount) parameters")
        }
        if let factors = rule.coefficientFactors, factors.count > rule.penalizedCount {
            throw bad("\(factors.count) penalty factors for \(rule.penalizedCount) weights")
        }
        for range in batches where range.upperBound > rows {
            throw bad("rows \(range) outside the shard's \(rows)")
        }
        let numbers = [rate, rule.momentum, rule.beta1, rule.beta2, rule.epsilon, rule.l2Penalty, rule.l1Penalty, rule.penaltyScale]
        guard numbers.allSatisfy(\.isFinite), rule.l2Penalty >= 0, rule.l1Penalty >= 0 else {
            throw bad("a rate, momentum, moment or penalty that is not finite or negative")
        }
        guard parameters.allSatisfy(\.isFinite) else { throw TransportError(.nonFinite, peer: peer, "local steps: parameters not finite") }
    }
}
