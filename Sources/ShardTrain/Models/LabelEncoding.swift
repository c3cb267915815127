/// The map between the labels in a file and the targets a loss uses.
///
/// - Logistic: exactly two distinct labels; the smaller is the negative class (so `−1/+1` and
///   `0/1` both work), encoded 0, the larger 1.
/// - Softmax: two or more distinct labels, sorted; class `k` is encoded `k`.
/// - Linear: labels are the targets.
public struct LabelEncoding: Sendable, Equatable {
    /// The label value of each class, ascending; empty for regression.
    public let classes: [Double]

    /// Fits the encoding to the labels of a training set.
    public init(kind: ModelKind, labels: [Double]) throws(TrainingError) {
        guard kind.isClassifier else {
            classes = []
            return
        }
        let distinct = Array(Set(labels)).sorted()
        switch kind {
        case .logistic where distinct.count != 2:
            throw TrainingError(.badLabels, "logistic regression needs exactly 2 distinct labels, found \(distinct.count)"
                                + Self.listing(distinct) + "; use --model softmax for more classes")
        case .softmax where distinct.count < 2:
            throw TrainingError(.badLabels, "softmax regression needs at least 2 distinct labels, found \(distinct.count)"
                                + Self.listing(distinct))
        default:
            classes = distinct
        }
    }

    /// Uses known classes (from a fitted model).
    public init(classes: [Double]) { self.classes = classes }

    /// The targets of `labels`: class indices for classifiers, the labels for regression.
    /// - Throws: ``TrainingError`` naming the first row whose label is not a known class.
    public func encode(_ labels: [Double]) throws(TrainingError) -> [Double] {
        guard !classes.isEmpty else { return labels }
        var index = [Double: Double]()
        for (k, label) in classes.enumerated() { index[label] = Double(k) }
        var targets = [Double]()
        targets.reserveCapacity(labels.count)
        for (row, label) in labels.enumerated() {
            guard let k = index[label] else {
                throw TrainingError(.badLabels, "row \(row + 1) has label \(Self.format(label)), which is not one of the model's classes"
                                    + Self.listing(classes))
            }
            targets.append(k)
        }
        return targets
    }

    /// A label as people write it: `1`, `-1`, `3` for whole numbers, else the real value.
    public static func format(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }

    private static func listing(_ values: [Double]) -> String {
        values.isEmpty ? "" : " (" + values.prefix(10).map(format).joined(separator: ", ") + (values.count > 10 ? ", …" : "") + ")"
    }
}
