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
    /// The most features a profile may cover: the drift window keeps a profiled feature's slot
    /// in 24 bits (the writer covers at most its cap, ``defaultFeatureCap`` unless told).
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
    /// One entry per profiled feature: every feature in order, or those of ``featureIndices``.
    public var features: [Bins]
    /// The profiled features' indices (0-based, ascending) when the profile covers only some —
    /// the most frequent ones of wide data; `nil` when it covers every feature.
    public var featureIndices: [Int]?
    /// The score's bins.
    public var score: Bins
    /// Training rows the profile was computed from.
    public var rows: Int

    /// How many features a profile covers by default: all of them up to this many, else the
    /// this many that are non-zero in the most rows.
    public static let defaultFeatureCap = 1_000

    public init(scoreName: String, features: [Bins], featureIndices: [Int]? = nil, score: Bins, rows: Int) {
        self.scoreName = scoreName
        self.features = features
        self.featureIndices = featureIndices
        self.score = score
        self.rows = rows
    }

    /// The feature index of each profiled entry.
    public var profiledFeatures: [Int] { featureIndices ?? Array(features.indices) }

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

    /// The profile of `data` (at most `sampleRows` rows, evenly spaced) scored by `model`,
    /// covering every feature when there are at most `featureCap`, else the `featureCap` that
    /// are non-zero in the most sampled rows (ties to the lower index).
    /// - Complexity: one pass over the sample's stored entries to count and gather the values,
    ///   a sort of each profiled feature's non-zero values, and the scoring of the sample; the
    ///   zeros of a sparse column are counted, never materialized.
    public init(model: LinearModel, data: FeatureMatrix, sampleRows: Int = 20_000,
                featureCap: Int = defaultFeatureCap) throws(TrainingError) {
        let n = data.rows
        let m = min(n, max(sampleRows, 1))
        let picked = (0 ..< m).map { Int((Double($0) * Double(n) / Double(m)).rounded(.down)) }
        let sample = m == n ? data : data.rows(at: picked)
        let columns = sample.columns
        let cap = min(max(featureCap, 1), Self.maximumFeatures)
        // Which features: all, or the most frequent `cap`.
        var chosen: [Int]? = nil
        if columns > cap {
            var nonzeros = [Int32](repeating: 0, count: columns)
            switch sample {
            case .dense(let matrix):
                for i in 0 ..< matrix.rows {
                    let base = i * columns
                    for j in 0 ..< columns where matrix.values[base + j] != 0 { nonzeros[j] += 1 }
                }
            case .sparse(let matrix):
                for p in 0 ..< matrix.rowOffsets[matrix.rows] { nonzeros[Int(matrix.columnIndices[p])] += 1 }
            }
            let candidates = (0 ..< columns).filter { nonzeros[$0] > 0 }
            let top = candidates.count <= cap ? candidates
                : Array(candidates.sorted { nonzeros[$0] != nonzeros[$1] ? nonzeros[$0] > nonzeros[$1] : $0 < $1 }.prefix(cap))
            // Fewer non-zero features than the cap: fill with the lowest all-zero ones, so
            // that the profile still covers `cap` features.
            var set = Set(top)
            var filled = top
            var j = 0
            while filled.count < cap, j < columns {
                if !set.contains(j) { filled.append(j); set.insert(j) }
                j += 1
            }
            chosen = filled.sorted()
        }
        // Slot of each profiled feature, -1 for the others.
        var slot = [Int32](repeating: chosen == nil ? 0 : -1, count: columns)
        if let chosen { for (k, j) in chosen.enumerated() { slot[j] = Int32(k) } } else { for j in 0 ..< columns { slot[j] = Int32(j) } }
        let profiled = chosen?.count ?? columns
        var columnValues = [[Double]](repeating: [], count: profiled)
        switch sample {
        case .dense(let matrix):
            for i in 0 ..< matrix.rows {
                let base = i * columns
                for j in 0 ..< columns where slot[j] >= 0 {
                    let v = matrix.values[base + j]
                    if v != 0 { columnValues[Int(slot[j])].append(Double(v)) }
                }
            }
        case .sparse(let matrix):
            for p in 0 ..< matrix.rowOffsets[matrix.rows] {
                let k = slot[Int(matrix.columnIndices[p])]
                if k >= 0, matrix.values[p] != 0 { columnValues[Int(k)].append(Double(matrix.values[p])) }
            }
        }
        let bins = columnValues.map { Self.bins(of: $0, zeros: m - $0.count) }
        let scores = try Self.scores(of: model, sample)
        self.init(scoreName: Self.scoreName(of: model.kind), features: bins, featureIndices: chosen,
                  score: Self.bins(of: scores, zeros: 0), rows: m)
    }

    /// Decile cut points of `values` plus `zeros` more zeros, and the share in each bin. Only
    /// the given values are sorted: the zeros are a block in the sorted order, placed by count.
    static func bins(of values: [Double], zeros: Int) -> Bins {
        let total = values.count + zeros
        guard total > 0 else { return Bins(edges: [0], expected: [1, 0]) }
        let sorted = values.sorted()
        // The sorted order of values and zeros together: the values below zero, the zeros, the rest.
        let below = sorted.partitioningIndex { $0 >= 0 }
        func element(_ k: Int) -> Double {
            k < below ? sorted[k] : k < below + zeros ? 0 : sorted[k - zeros]
        }
        var edges: [Double] = []
        for q in 1 ... 9 {
            let cut = element(min(total - 1, (q * total) / 10))
            if edges.last != cut { edges.append(cut) }
        }
        // The largest value closes the last bin, so that a shift upwards shows.
        let top = element(total - 1)
        if edges.last != top, edges.count < 10 { edges.append(top) }
        var counts = [Int](repeating: 0, count: edges.count + 1)
        let bins = Bins(edges: edges, expected: [])
        for value in sorted { counts[bins.bin(of: value)] += 1 }
        if zeros > 0 { counts[bins.bin(of: 0)] += zeros }
        return Bins(edges: edges, expected: counts.map { Double($0) / Double(total) })
    }
}

extension [Double] {
    /// The first index whose element satisfies `belongs`, in an array where every element
    /// that satisfies it comes after every one that does not (binary search).
    func partitioningIndex(where belongs: (Double) -> Bool) -> Int {
        var low = 0, high = count
        while low < high {
            let mid = (low + high) >> 1
            if belongs(self[mid]) { high = mid } else { low = mid + 1 }
        }
        return low
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
