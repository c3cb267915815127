/// Bytes of frames on the wire, counted by the server without encoding twice.
extension Message {
    /// Bytes of an `evaluate` frame with `n` parameters: version, row range, count, floats.
    static func evaluateSize(_ n: Int) -> Int { Frame.headerSize + 32 + 4 * n }

    /// Bytes of the message's frame, header included.
    var wireSize: Int {
        let payload: Int
        switch self {
        case .evaluate(_, _, let parameters):
            return Self.evaluateSize(parameters.count)
        case .result(_, _, _, let gradient, _):
            let vector = type == .sparseResult ? 16 + 8 * gradient.lazy.filter { $0 != 0 }.count : 8 + 4 * gradient.count
            payload = 32 + vector
        case .localSteps(let plan):
            payload = 8 + 8 + 16 * plan.batches.count + 8 + 1 + 64 + 8 + 8 * (plan.rule.coefficientFactors?.count ?? 0)
                + 8 + 4 * plan.parameters.count
        case .localResult(_, let parameters, _, _, _):
            payload = 32 + 8 + 4 * parameters.count
        case .exactEvaluate(_, let parameters):
            payload = 16 + 8 * parameters.count
        case .curvature(let request):
            payload = 32 + 2 * 9 + 4 * ((request.point?.count ?? 0) + (request.direction?.count ?? 0))
        case .curvatureResult(_, let values, _):
            payload = 16 + 8 + 4 * values.count
        default:
            return frame().encoded().count
        }
        return Frame.headerSize + payload
    }
}
