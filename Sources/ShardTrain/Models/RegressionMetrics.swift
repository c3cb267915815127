/// How well predicted values match the targets (sample weights ignored).
public struct RegressionMetrics: Sendable, Codable, Equatable {
    public var count: Int
    /// Root mean squared error.
    public var rmse: Double
    /// Mean absolute error.
    public var mae: Double
    /// Coefficient of determination, `1 − SS_res / SS_tot` (can be negative).
    public var r2: Double

    public init(predictions: [Double], targets: [Double]) {
        precondition(predictions.count == targets.count, "one prediction per target")
        let n = Double(targets.count)
        let mean = targets.reduce(0, +) / max(n, 1)
        var squared = 0.0, absolute = 0.0, total = 0.0
        for i in targets.indices {
            let r = predictions[i] - targets[i]
            squared += r * r
            absolute += abs(r)
            total += (targets[i] - mean) * (targets[i] - mean)
        }
        count = targets.count
        rmse = (squared / max(n, 1)).squareRoot()
        mae = absolute / max(n, 1)
        r2 = total > 0 ? 1 - squared / total : .nan
    }
}

/// The metrics of a model on a labelled dataset.
public enum EvaluationReport: Sendable, Equatable {
    case classification(ClassificationMetrics)
    case regression(RegressionMetrics)

    /// The metrics by their CLI/JSON names (`accuracy`, `logloss`, `auc`, `precision`, `recall`,
    /// `f1` for classifiers; `rmse`, `mae`, `r2` for regression).
    public var values: [(name: String, value: Double)] {
        switch self {
        case .classification(let m):
            var list: [(String, Double)] = [("accuracy", m.accuracy), ("logloss", m.logLoss)]
            if let auc = m.auc { list.append(("auc", auc)) }
            list += [("precision", m.precision), ("recall", m.recall), ("f1", m.f1)]
            return list
        case .regression(let m):
            return [("rmse", m.rmse), ("mae", m.mae), ("r2", m.r2)]
        }
    }
}
