import Foundation

/// Deterministic synthetic datasets of any shape, with a known true model.
///
/// The true weights `W` (`features × outputs`, row-major; one output, or `classes` for softmax)
/// are standard normal draws. Each row `x` is either dense with standard normal entries, or
/// sparse with `k = nonzerosPerRow` distinct columns (sorted) holding standard normal values,
/// chosen uniformly or, with a `columnSkew` `s`, column `j` with probability proportional to
/// `1/(j + 1)ˢ` (Zipf's law, like the words of text or the ids of a click log). With `s = xᵀW + noise·ε` (`ε` standard normal per output):
/// - linear: `y = s`;
/// - logistic: `y = +1` with probability `σ(s)`, else `−1`;
/// - softmax: `y = c + 1` with probability `softmax(s)_c`, class ids `1…classes`.
/// No intercept is used. The same arguments always give the identical dataset.
public enum SyntheticData {
    /// Generates a dataset.
    /// - Parameters:
    ///   - kind: which model the labels follow.
    ///   - rows: number of rows (≥ 0).
    ///   - features: number of features (≥ 1).
    ///   - nonzerosPerRow: `nil` for dense rows, else stored entries per row (`1…features`).
    ///   - columnSkew: `nil` for uniform columns, else Zipf's exponent `s > 0` (sparse rows only,
    ///     at most half of the features per row).
    ///   - classes: number of classes for softmax (≥ 2); ignored otherwise.
    ///   - noise: standard deviation of the noise added to the scores (≥ 0).
    ///   - seed: the seed; equal arguments give equal datasets.
    /// - Complexity: O(rows · (nonzerosPerRow ?? features) · outputs).
    public static func generate(kind: ModelKind, rows: Int, features: Int, nonzerosPerRow: Int? = nil,
                                columnSkew: Double? = nil, classes: Int = 3, noise: Double, seed: UInt64) -> Dataset {
        precondition(rows >= 0 && features >= 1, "need rows ≥ 0 and features ≥ 1")
        precondition(nonzerosPerRow.map { $0 >= 1 && $0 <= features } ?? true, "nonzerosPerRow must be in 1…features")
        precondition(kind != .softmax || classes >= 2, "softmax needs at least 2 classes")
        precondition(noise >= 0, "noise must not be negative")
        precondition(columnSkew.map { $0 > 0 && $0.isFinite && nonzerosPerRow.map { 2 * $0 <= features } ?? false } ?? true,
                     "a column skew needs sparse rows of at most half the features and an exponent > 0")
        let outputs = kind == .softmax ? classes : 1
        let weights = trueWeights(kind: kind, features: features, classes: classes, seed: seed)
        var generator = SeededGenerator(seed: seed ^ 0xD1B5_4A32_D192_ED03)
        var gaussians = GaussianPairs()
        var labels = [Double](repeating: 0, count: rows)
        var scores = [Double](repeating: 0, count: outputs)
        let skew = columnSkew.map { ", columnSkew: \($0)" } ?? ""
        let source = "synthetic(\(kind.rawValue), rows: \(rows), features: \(features), nonzerosPerRow: \(nonzerosPerRow.map(String.init) ?? "dense")\(skew), noise: \(noise), seed: \(seed))"

        if let k = nonzerosPerRow {
            var offsets = [Int](repeating: 0, count: rows + 1)
            var columns = [Int32](repeating: 0, count: rows * k)
            var values = [Float](repeating: 0, count: rows * k)
            var chosen = [Int](repeating: 0, count: k)
            var taken = [Bool](repeating: false, count: features)
            let zipf = columnSkew.map { ZipfColumns(features: features, exponent: $0) }
            for i in 0 ..< rows {
                if let zipf {
                    zipf.sample(into: &chosen, taken: &taken, using: &generator)
                } else {
                    sampleColumns(into: &chosen, from: features, taken: &taken, using: &generator)
                }
                for c in 0 ..< outputs { scores[c] = 0 }
                for t in 0 ..< k {
                    let j = chosen[t]
                    let value = Float(gaussians.next(using: &generator))
                    columns[i * k + t] = Int32(j)
                    values[i * k + t] = value
                    for c in 0 ..< outputs { scores[c] += Double(value) * weights[j * outputs + c] }
                }
                offsets[i + 1] = (i + 1) * k
                labels[i] = label(kind: kind, scores: &scores, noise: noise, gaussians: &gaussians, using: &generator)
            }
            let matrix = SparseMatrix(uncheckedRows: rows, columns: features, rowOffsets: offsets, columnIndices: columns, values: values)
            return Dataset(uncheckedFeatures: .sparse(matrix), labels: labels, source: source)
        }

        var values = [Float](repeating: 0, count: rows * features)
        values.withUnsafeMutableBufferPointer { x in
            for i in 0 ..< rows {
                for c in 0 ..< outputs { scores[c] = 0 }
                let row = i * features
                for j in 0 ..< features { x[row + j] = Float(gaussians.next(using: &generator)) }
                if outputs == 1 {
                    var s = 0.0
                    for j in 0 ..< features { s += Double(x[row + j]) * weights[j] }
                    scores[0] = s
                } else {
                    for j in 0 ..< features {
                        let value = Double(x[row + j])
                        for c in 0 ..< outputs { scores[c] += value * weights[j * outputs + c] }
                    }
                }
                labels[i] = label(kind: kind, scores: &scores, noise: noise, gaussians: &gaussians, using: &generator)
            }
        }
        return Dataset(uncheckedFeatures: .dense(DenseMatrix(uncheckedRows: rows, columns: features, values: values)), labels: labels, source: source)
    }

    /// The true weights behind ``generate(kind:rows:features:nonzerosPerRow:classes:noise:seed:)``
    /// for the same `kind`, `features`, `classes` and `seed`: `features × outputs`, row-major
    /// (`outputs` is `classes` for softmax, else 1).
    public static func trueWeights(kind: ModelKind, features: Int, classes: Int = 3, seed: UInt64) -> [Double] {
        let outputs = kind == .softmax ? classes : 1
        var generator = SeededGenerator(seed: seed)
        var gaussians = GaussianPairs()
        return (0 ..< features * outputs).map { _ in gaussians.next(using: &generator) }
    }

    // MARK: - Internals

    private static func label(kind: ModelKind, scores: inout [Double], noise: Double,
                              gaussians: inout GaussianPairs, using generator: inout SeededGenerator) -> Double {
        if noise > 0 {
            for c in scores.indices { scores[c] += noise * gaussians.next(using: &generator) }
        }
        switch kind {
        case .linear:
            return scores[0]
        case .logistic:
            let probability = 1 / (1 + exp(-scores[0]))
            return generator.nextUnit() < probability ? 1 : -1
        case .softmax:
            let top = scores.max() ?? 0
            var total = 0.0
            for c in scores.indices { scores[c] = exp(scores[c] - top); total += scores[c] }
            var u = generator.nextUnit() * total
            for c in scores.indices {
                u -= scores[c]
                if u < 0 { return Double(c + 1) }
            }
            return Double(scores.count)
        }
    }

    /// Fills `chosen` with distinct columns of `0..<n`, sorted (Floyd's sampling).
    private static func sampleColumns(into chosen: inout [Int], from n: Int, taken: inout [Bool],
                                      using generator: inout SeededGenerator) {
        let k = chosen.count
        var t = 0
        for j in (n - k) ..< n {
            let candidate = Int(generator.next(upperBound: UInt64(j + 1)))
            let pick = taken[candidate] ? j : candidate
            taken[pick] = true
            chosen[t] = pick
            t += 1
        }
        for j in chosen { taken[j] = false }
        chosen.sort()
    }
}

/// Standard normal draws two at a time (both outputs of the Box–Muller transform).
struct GaussianPairs {
    private var spare: Double?

    mutating func next(using generator: inout SeededGenerator) -> Double {
        if let value = spare {
            spare = nil
            return value
        }
        let u1 = max(generator.nextUnit(), .leastNonzeroMagnitude)
        let u2 = generator.nextUnit()
        let radius = (-2 * log(u1)).squareRoot()
        let angle = 2 * Double.pi * u2
        spare = radius * sin(angle)
        return radius * cos(angle)
    }
}
