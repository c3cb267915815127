/// A table of samples: a feature matrix, one label per row and optional sample weights.
///
/// Built through the checked initializer, its parts are read-only outside the library, so the
/// checks hold for as long as the value lives.
///
/// Labels are stored as read: ±1 or 0/1 for binary data, class ids for multiclass data, real
/// values for regression. A model maps them to its own encoding when it is fitted.
public struct Dataset: Sendable {
    /// The features, dense or sparse, one row per sample.
    public internal(set) var features: FeatureMatrix
    /// One label per row.
    public internal(set) var labels: [Double]
    /// One weight per row (`sᵢ` in the objective), or `nil` for all ones.
    public internal(set) var sampleWeights: [Double]?
    /// Where the data came from (a file path or a description), for messages and model files.
    public var source: String

    /// Creates a dataset, checked: the matrices check their own shapes, indices and values when
    /// they are made; this checks the labels and weights against them.
    /// - Throws: ``DataError`` (file `source`) when the label or weight count differs from the
    ///   row count, or a label or weight is NaN or infinite, or a weight is negative (naming its
    ///   1-based row).
    public init(features: FeatureMatrix, labels: [Double], sampleWeights: [Double]? = nil, source: String = "memory") throws(DataError) {
        guard labels.count == features.rows else {
            throw DataError(.labelCountMismatch, file: source, message: "\(labels.count) labels for \(features.rows) rows")
        }
        if let bad = labels.firstIndex(where: { !$0.isFinite }) {
            throw DataError(.nonFinite, file: source, line: bad + 1, message: "the label of row \(bad + 1) is \(labels[bad])")
        }
        if let sampleWeights {
            guard sampleWeights.count == features.rows else {
                throw DataError(.labelCountMismatch, file: source, message: "\(sampleWeights.count) sample weights for \(features.rows) rows")
            }
            if let bad = sampleWeights.firstIndex(where: { !($0 >= 0 && $0.isFinite) }) {
                throw DataError(.nonFinite, file: source, line: bad + 1,
                                message: "the sample weight of row \(bad + 1) is \(sampleWeights[bad]); weights must be finite and ≥ 0")
            }
        }
        self.init(uncheckedFeatures: features, labels: labels, sampleWeights: sampleWeights, source: source)
    }

    /// A dataset from values a reader has validated.
    /// - Precondition: one label (and one weight, if given) per row.
    package init(uncheckedFeatures features: FeatureMatrix, labels: [Double], sampleWeights: [Double]? = nil, source: String = "memory") {
        precondition(labels.count == features.rows, "one label per row is required")
        precondition(sampleWeights == nil || sampleWeights?.count == features.rows, "one weight per row is required")
        self.features = features
        self.labels = labels
        self.sampleWeights = sampleWeights
        self.source = source
    }

    /// Number of rows (samples).
    public var rowCount: Int { features.rows }
    /// Number of features.
    public var featureCount: Int { features.columns }

    /// Σ sᵢ over all rows (the row count when there are no sample weights).
    public var totalWeight: Double {
        sampleWeights.map { $0.reduce(0, +) } ?? Double(rowCount)
    }

    /// A copy of the rows at `indices`, in the order given.
    public func rows(at indices: [Int]) -> Dataset {
        Dataset(uncheckedFeatures: features.rows(at: indices),
                labels: indices.map { labels[$0] },
                sampleWeights: sampleWeights.map { w in indices.map { w[$0] } },
                source: source)
    }

    /// The same rows in a seeded random order.
    public func shuffled(seed: UInt64) -> Dataset {
        var generator = SeededGenerator(seed: seed)
        return rows(at: Array(0 ..< rowCount).shuffled(using: &generator))
    }

    /// Splits the rows at random into a training and a test part.
    /// - Parameters:
    ///   - testFraction: the share of rows that go to the test part, in `(0, 1)`.
    ///   - seed: the seed of the random order; the same seed gives the same split.
    public func split(testFraction: Double, seed: UInt64) -> (train: Dataset, test: Dataset) {
        var generator = SeededGenerator(seed: seed)
        let order = Array(0 ..< rowCount).shuffled(using: &generator)
        let testCount = Int((Double(rowCount) * testFraction).rounded())
        let test = Array(order.prefix(testCount)).sorted()
        let train = Array(order.dropFirst(testCount)).sorted()
        return (rows(at: train), rows(at: test))
    }
}
