import Foundation

/// Scoring new data.
extension LinearModel {
    /// Why a dataset cannot be scored by this model.
    public func checkCompatible(_ features: FeatureMatrix) throws(TrainingError) {
        if features.columns > featureCount, !features.isSparse || features.maxUsedColumn >= featureCount {
            throw TrainingError(.badData, "the data has \(features.columns) features but the model was trained on \(featureCount)")
        }
        if features.columns < featureCount, !features.isSparse {
            throw TrainingError(.badData, "the data has \(features.columns) features but the model was trained on \(featureCount)")
        }
    }

    /// The margins `zₖ = Σⱼ W[k, j]·xⱼ + bₖ` of every row: `rows × K`, row-major.
    ///
    /// A quantized model with input quantization quantizes each row and scores it with int8 ×
    /// int8 → int32 dot products (see ``margins(quantized:)``); any other model scores in
    /// float32 on `weights` (for weight-only quantization, the dequantized weights).
    public func margins(_ features: FeatureMatrix) throws(TrainingError) -> [Double] {
        try checkCompatible(features)
        if let quantization, let input = quantization.input {
            return int8Margins(features, weights: quantization, input: input)
        }
        let k = outputs, d = featureCount, columns = features.columns
        // The kernels take feature-major weights sized to the matrix; sparse data may use fewer
        // columns than the model (a test split without the last feature).
        var w = [Float](repeating: 0, count: columns * k)
        for c in 0 ..< k { for j in 0 ..< min(d, columns) { w[j * k + c] = Float(weights[c * d + j]) } }
        let b = intercepts.map(Float.init)
        var out = [Float](repeating: 0, count: features.rows * k)
        let blockRows = KernelWorkspace.defaultBlockRows(features: columns)
        w.withUnsafeBufferPointer { wp in
            b.withUnsafeBufferPointer { bp in
                out.withUnsafeMutableBufferPointer { op in
                    var start = 0
                    while start < features.rows {
                        let end = min(start + blockRows, features.rows)
                        let slice = UnsafeMutableBufferPointer(rebasing: op[start * k ..< end * k])
                        features.margins(rows: start ..< end, weights: wp, intercepts: bp, into: slice)
                        start = end
                    }
                }
            }
        }
        return out.map(Double.init)
    }

    /// Class probabilities, `rows × K` (softmax), or `P(positive class)` per row (logistic).
    /// For a linear model, the predicted values.
    public func probabilities(_ features: FeatureMatrix) throws(TrainingError) -> [Double] {
        probabilities(fromMargins: try margins(features), rows: features.rows)
    }

    /// ``probabilities(_:)`` from margins already computed by ``margins(_:)`` for `rows` rows.
    public func probabilities(fromMargins margins: [Double], rows: Int) -> [Double] {
        var z = margins
        switch kind {
        case .linear:
            break
        case .logistic:
            for i in z.indices { z[i] = LogisticLoss.sigmoid(z[i]) }
        case .softmax:
            let k = outputs
            for i in 0 ..< rows {
                let row = i * k
                let largest = z[row ..< row + k].max() ?? 0
                var total = 0.0
                for c in 0 ..< k { z[row + c] = exp(z[row + c] - largest); total += z[row + c] }
                for c in 0 ..< k { z[row + c] /= total }
            }
        }
        return z
    }

    /// The predicted label of every row: a class label for classifiers (`P ≥ 0.5` is positive;
    /// the most probable class for softmax), the value for regression.
    public func predict(_ features: FeatureMatrix) throws(TrainingError) -> [Double] {
        labels(fromMargins: try margins(features), rows: features.rows)
    }

    /// ``predict(_:)`` from margins already computed by ``margins(_:)`` for `rows` rows.
    public func labels(fromMargins scores: [Double], rows: Int) -> [Double] {
        switch kind {
        case .linear:
            return scores
        case .logistic:
            return scores.map { $0 >= 0 ? classes[1] : classes[0] }
        case .softmax:
            let k = outputs
            return (0 ..< rows).map { i in
                var best = 0
                for c in 1 ..< k where scores[i * k + c] > scores[i * k + best] { best = c }
                return classes[best]
            }
        }
    }

    /// Scores `dataset` against its labels.
    public func evaluate(_ dataset: Dataset) throws(TrainingError) -> EvaluationReport {
        switch kind {
        case .linear:
            let predictions = try predict(dataset.features)
            return .regression(RegressionMetrics(predictions: predictions, targets: dataset.labels))
        case .logistic, .softmax:
            let targets = try LabelEncoding(classes: classes).encode(dataset.labels).map(Int.init)
            let probabilities = try probabilities(dataset.features)
            return .classification(ClassificationMetrics(probabilities: probabilities, classCount: classes.count,
                                                         targets: targets, classes: classes))
        }
    }
}

extension FeatureMatrix {
    /// The largest column index with a stored entry, or −1 when there is none.
    public var maxUsedColumn: Int {
        switch self {
        case .dense(let m): m.columns - 1
        case .sparse(let m): Int(m.columnIndices.max() ?? -1)
        }
    }
}
