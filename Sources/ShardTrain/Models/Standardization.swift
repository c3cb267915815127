/// Per-feature centring and scaling, `x' = (x − mean) / scale`, fitted on training data.
///
/// Training on standardized features conditions the problem well; the fitted model folds the
/// transform back into its coefficients, so users see (and files store) coefficients on the
/// original scale: `w = w' / scale`, `b = b' − Σⱼ w'ⱼ·meanⱼ / scaleⱼ`. It is only a
/// preconditioner: the penalty is weighed so that it falls on `w` (see ``Regularization``), so
/// the fitted model is the one the raw features give.
///
/// Means and scales are rounded so that the float32 arithmetic of ``apply(to:)`` uses exactly
/// the numbers that the fold uses (`mean` a float32 value, `1/scale` a float32 value).
/// Without an intercept there is nothing to absorb a shift, so the features are only scaled
/// (`mean = 0`, `scale` their root mean square).
public struct Standardization: Sendable, Equatable, Codable {
    /// Mean of each feature over the training rows (weighted by the sample weights).
    public var means: [Double]
    /// Standard deviation of each feature; 1 for constant features.
    public var scales: [Double]

    /// Creates a standardization from its vectors.
    public init(means: [Double], scales: [Double]) {
        precondition(means.count == scales.count, "one mean and one scale per feature")
        self.means = means
        self.scales = scales
    }

    /// Means and scales from per-feature sums `Σ sᵢxᵢⱼ`, sums of squares `Σ sᵢxᵢⱼ²` and the total
    /// weight `Σ sᵢ`: how shards' statistics combine into one standardization.
    /// - Parameter centred: subtract the means (with an intercept); `false` scales only, by the
    ///   root mean square.
    public init(sums: [Double], squareSums: [Double], total: Double, centred: Bool = true) {
        let n = max(total, .leastNonzeroMagnitude)
        let exactMeans = sums.map { $0 / n }
        means = centred ? exactMeans.map { Double(Float($0)) } : [Double](repeating: 0, count: sums.count)
        scales = exactMeans.indices.map { j in
            let spread: Double
            if centred {
                spread = max(squareSums[j] / n - exactMeans[j] * exactMeans[j], 0).squareRoot()
                guard spread > 1e-12 * max(1, abs(exactMeans[j])) else { return 1 }
            } else {
                spread = max(squareSums[j] / n, 0).squareRoot()
                guard spread > 0 else { return 1 }
            }
            let factor = Float(1 / spread)
            return factor.isFinite && factor > 0 ? 1 / Double(factor) : 1
        }
    }

    /// Per-feature sums and sums of squares of a dense matrix (weighted by `sampleWeights`), and
    /// the total weight: the statistics ``init(sums:squareSums:total:)`` combines.
    public static func statistics(of matrix: DenseMatrix, sampleWeights: [Double]? = nil) -> (sums: [Double], squareSums: [Double], total: Double) {
        let d = matrix.columns
        var sum = [Double](repeating: 0, count: d), sumSquares = sum
        var total = 0.0
        matrix.values.withUnsafeBufferPointer { x in
            for i in 0 ..< matrix.rows {
                let s = sampleWeights?[i] ?? 1
                total += s
                let row = i * d
                for j in 0 ..< d {
                    let v = Double(x[row + j])
                    sum[j] += s * v
                    sumSquares[j] += s * v * v
                }
            }
        }
        return (sum, sumSquares, total)
    }

    /// Fits means and scales on a dense matrix, weighting each row by `sampleWeights`.
    /// - Parameter centred: subtract the means; `false` (no intercept) scales only.
    public init(fitting matrix: DenseMatrix, sampleWeights: [Double]? = nil, centred: Bool = true) {
        let (sums, squareSums, total) = Self.statistics(of: matrix, sampleWeights: sampleWeights)
        self.init(sums: sums, squareSums: squareSums, total: total, centred: centred)
    }

    /// `1/sⱼ` per feature: the factors that turn standardized coefficients into reported ones
    /// (``Regularization/coefficientFactors``).
    public var coefficientFactors: [Double] { scales.map { 1 / $0 } }

    /// Applies the transform to every row of `matrix`, in place.
    public func apply(to matrix: inout DenseMatrix) {
        let d = matrix.columns
        precondition(d == means.count, "standardization is for \(means.count) features, matrix has \(d)")
        let shift = means.map(Float.init), factor = scales.map { Float(1 / $0) }
        matrix.values.withUnsafeMutableBufferPointer { x in
            for i in 0 ..< matrix.rows {
                let row = i * d
                for j in 0 ..< d { x[row + j] = (x[row + j] - shift[j]) * factor[j] }
            }
        }
    }
}
