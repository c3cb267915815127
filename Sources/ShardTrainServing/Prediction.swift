import ShardTrain

/// What a model says about a batch of rows, computed exactly as `shardtrain predict` does: the
/// label (or value) of each row and, for classifiers, the class probabilities in class order
/// (a logistic model's two columns are `1 − p` and `p`).
struct Prediction: Sendable {
    var labels: [Double]
    /// `rows × classes`, row after row; empty for regression.
    var probabilities: [Double]
    var classes: Int
    /// The score the drift profile follows, one per row.
    var scores: [Double]

    init(model: LinearModel, rows: FeatureMatrix) throws(ServingError) {
        let margins: [Double]
        do {
            margins = try model.margins(rows)
        } catch {
            throw ServingError(.badRequest, "\(error)")
        }
        labels = model.labels(fromMargins: margins, rows: rows.rows)
        switch model.kind {
        case .linear:
            probabilities = []
            classes = 0
            scores = labels
        case .logistic:
            let p = model.probabilities(fromMargins: margins, rows: rows.rows)
            var both: [Double] = []
            both.reserveCapacity(2 * p.count)
            for value in p { both.append(1 - value); both.append(value) }
            probabilities = both
            classes = 2
            scores = p
        case .softmax:
            let p = model.probabilities(fromMargins: margins, rows: rows.rows)
            let k = model.outputs
            probabilities = p
            classes = k
            scores = (0 ..< rows.rows).map { i in p[i * k ..< (i + 1) * k].max() ?? 0 }
        }
    }

    /// The output names a model of `kind` has.
    static func outputNames(of kind: ModelKind) -> [String] {
        kind == .linear ? ["value"] : ["label", "probabilities"]
    }
}
