import Foundation

/// What the training data looked like, kept in the model file so that a server can tell when
/// live inputs drift away from it: for every feature, and for the model's score, the cut points
/// of its deciles and the share of training rows between each pair of cut points.
///
/// A value `v` falls in bin `i`, the number of cut points below it (`edges[i-1] < v ≤ edges[i]`);
/// `k` cut points make `k + 1` bins. Cut points are the distinct deciles, so a binary feature
/// has one or two bins' worth of cut points and a constant one a single cut point.
public struct ReferenceProfile: Sendable, Equatable {
    /// The most cut points a quantity may have: a bin index must fit one byte in the server's
    /// drift window (the writer makes at most 10).
    public static let maximumEdges = 255
    /// The most features a profile may cover: the drift window keeps a feature's index in 24
    /// bits (the writer leaves the profile out for wider models).
    public static let maximumFeatures = 1 << 24

    /// The bins of one quantity and the training share of each.
    public struct Bins: Sendable, Equatable {
        /// Ascending cut points.
        public var edges: [Double]
        /// `edges.count + 1` shares that sum to 1.
        public var expected: [Double]

        public init(edges: [Double], expected: [Double]) {
            self.edges = edges
            self.expected = expected
        }

        /// The bin of `value`: the number of cut points strictly below it.
        @inline(__always)
        public func bin(of value: Double) -> Int {
            var low = 0, high = edges.count
            while low < high {
                let mid = (low + high) >> 1
                if edges[mid] < value { low = mid + 1 } else { high = mid }
            }
            return low
        }
    }

    /// What the score is: `probability` (of the positive class, logistic), `confidence` (of the
    /// predicted class, softmax) or `value` (linear regression).
    public var scoreName: String
    /// One entry per feature.
    public var features: [Bins]
    /// The score's bins.
    public var score: Bins
    /// Training rows the profile was computed from.
    public var rows: Int

    public init(scoreName: String, features: [Bins], score: Bins, rows: Int) {
        self.scoreName = scoreName
        self.features = features
        self.score = score
        self.rows = rows
    }

    /// The score of each row as the profile defines it.
    public static func scores(of model: LinearModel, _ features: FeatureMatrix) throws(TrainingError) -> [Double] {
        let p = try model.probabilities(features)
        guard model.kind == .softmax else { return p }
        let k = model.outputs
        return (0 ..< features.rows).map { i in p[i * k ..< (i + 1) * k].max() ?? 0 }
    }

    /// The score's name for a model kind.
    public static func scoreName(of kind: ModelKind) -> String {
        switch kind {
        case .logistic: "probability"
        case .softmax: "confidence"
        case .linear: "value"
        }
    }

    /// The profile of `data` (at most `sampleRows` rows, evenly spaced) scored by `model`.
    public init(model: LinearModel, data: FeatureMatrix, sampleRows: Int = 20_000) throws(TrainingError) {
        guard data.columns <= Self.maximumFeatures else {
            throw TrainingError(.invalidConfiguration, "a drift profile covers at most \(Self.maximumFeatures) features; this model has \(data.columns)")
        }
        let n = data.rows
        let m = min(n, max(sampleRows, 1))
        let picked = (0 ..< m).map { Int((Double($0) * Double(n) / Double(m)).rounded(.down)) }
        let sample = m == n ? data : data.rows(at: picked)
        let columns = sample.columns
        var columnValues = [[Double]](repeating: [], count: columns)
        switch sample {
        case .dense(let matrix):
            for j in 0 ..< columns { columnValues[j].reserveCapacity(m) }
            for i in 0 ..< matrix.rows {
                let base = i * columns
                for j in 0 ..< columns { columnValues[j].append(Double(matrix.values[base + j])) }
            }
        case .sparse(let matrix):
            // Only the stored entries; the zeros are added by count below.
            for i in 0 ..< matrix.rows {
                for p in matrix.rowOffsets[i] ..< matrix.rowOffsets[i + 1] {
                    columnValues[Int(matrix.columnIndices[p])].append(Double(matrix.values[p]))
                }
            }
        }
        let zerosImplied = sample.isSparse
        let bins = columnValues.map { values in
            Self.bins(of: values, zeros: zerosImplied ? m - values.count : 0)
        }
        let scores = try Self.scores(of: model, sample)
        self.init(scoreName: Self.scoreName(of: model.kind), features: bins, score: Self.bins(of: scores, zeros: 0), rows: m)
    }

    /// Decile cut points of `values` plus `zeros` more zeros, and the share in each bin.
    static func bins(of values: [Double], zeros: Int) -> Bins {
        let total = values.count + zeros
        guard total > 0 else { return Bins(edges: [0], expected: [1, 0]) }
        var sorted = values + [Double](repeating: 0, count: zeros)
        sorted.sort()
        var edges: [Double] = []
        for q in 1 ... 9 {
            let cut = sorted[min(total - 1, (q * total) / 10)]
            if edges.last != cut { edges.append(cut) }
        }
        // The largest value closes the last bin, so that a shift upwards shows.
        if let top = sorted.last, edges.last != top, edges.count < 10 { edges.append(top) }
        var counts = [Int](repeating: 0, count: edges.count + 1)
        let bins = Bins(edges: edges, expected: [])
        for value in sorted { counts[bins.bin(of: value)] += 1 }
        return Bins(edges: edges, expected: counts.map { Double($0) / Double(total) })
    }
}

extension ReferenceProfile {
    /// The population stability index of `observed` counts against `expected` shares:
    /// Σ (a − e)·ln(a / e) over the bins, each share floored at 1e-4 so that an empty bin counts
    /// as rare rather than impossible. Bands: below 0.1 stable, 0.1 to 0.25 moderate, above 0.25
    /// a significant shift.
    public static func psi(expected: [Double], observed: [Int]) -> Double {
        let total = observed.reduce(0, +)
        guard total > 0, expected.count == observed.count else { return 0 }
        var sum = 0.0
        for (e, o) in zip(expected, observed) {
            let a = max(Double(o) / Double(total), 1e-4)
            let b = max(e, 1e-4)
            sum += (a - b) * log(a / b)
        }
        return sum
    }
}
