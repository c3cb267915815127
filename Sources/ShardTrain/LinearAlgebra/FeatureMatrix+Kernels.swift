/// The kernels of training and inference, over blocks of rows.
///
/// Shapes: `X` is `n × d` (this matrix), `W` is `d × K` row-major (feature-major, so one row of
/// `X` times `W` gives the `K` margins of a sample), `b` has `K` intercepts. The margins of a
/// block of rows are `M = X_b·W + 1·bᵀ`.
extension FeatureMatrix {
    /// Computes the margins `M = X_rows·W + 1·bᵀ` of the rows in `range` into `out`
    /// (`range.count × K`, row-major).
    public func margins(rows range: Range<Int>, weights: UnsafeBufferPointer<Float>,
                        intercepts: UnsafeBufferPointer<Float>, into out: UnsafeMutableBufferPointer<Float>) {
        let k = intercepts.count
        precondition(weights.count == columns * k && out.count >= range.count * k, "margins: shapes disagree")
        let n = range.count
        guard n > 0 else { return }
        if k == 1 {
            UnsafeMutableBufferPointer(rebasing: out[0 ..< n]).update(repeating: intercepts[0])
        } else {
            for i in 0 ..< n { for c in 0 ..< k { out[i * k + c] = intercepts[c] } }
        }
        switch self {
        case .dense(let m):
            guard m.columns > 0 else { return }
            m.values.withUnsafeBufferPointer { x in
                let block = x.baseAddress! + range.lowerBound * m.columns
                if k == 1 {
                    BLAS.multiply(block, rows: n, columns: m.columns, weights.baseAddress!, into: out.baseAddress!, beta: 1)
                } else {
                    BLAS.multiply(block, weights.baseAddress!, into: out.baseAddress!, m: n, n: k, k: m.columns, beta: 1)
                }
            }
        case .sparse(let m):
            m.sparseMargins(rows: range, weights: weights, outputs: k, into: out)
        }
    }

    /// The fused gradient kernel: one read of each block of rows gives both the margins and the
    /// gradient contribution.
    ///
    /// For each block `X_b` of rows in `range` (``KernelWorkspace/blockRows`` at a time):
    /// 1. `M = X_b·W + 1·bᵀ` in float32 (BLAS `sgemv`/`sgemm`, or the sparse loop);
    /// 2. `derivative(M, R, rows)` writes `R = ∂loss/∂M` in float64 (already times the sample
    ///    weights) and returns the block's loss sum;
    /// 3. while `X_b` is still in cache, `G += X_bᵀ·R` and `g_b += Σ rows of R`: for dense
    ///    storage a float32 BLAS product per block (`sgemv`/`sgemm`) added to the float64 sums;
    ///    for sparse storage float64 products scattered straight into the sums.
    ///
    /// Precision: margins and the dense block products are float32, so the gradient carries a
    /// relative noise of about 1e-7 of the size of its terms; near an optimum where those terms
    /// cancel, that bounds how closely an iterative solver can locate the solution (see
    /// docs/architecture.md, "Precision").
    ///
    /// - Parameters:
    ///   - gradient: `d·K + K` float64 accumulators: `∂/∂W` (row-major `d × K`), then `∂/∂b`.
    ///     Added to, not overwritten.
    /// - Returns: the sum of the block loss sums.
    /// - Complexity: one pass over the stored entries of the rows, `O(nnz·K)`.
    public func accumulateGradient(
        rows range: Range<Int>, weights: UnsafeBufferPointer<Float>, intercepts: UnsafeBufferPointer<Float>,
        gradient: UnsafeMutableBufferPointer<Double>, workspace: inout KernelWorkspace,
        derivative: (UnsafeBufferPointer<Float>, UnsafeMutableBufferPointer<Double>, Range<Int>) -> Double
    ) -> Double {
        let k = intercepts.count, d = columns
        precondition(gradient.count == d * k + k, "gradient must hold d·K + K entries")
        if usesColumnKernel(rows: range, outputs: k), case .sparse(let m) = self {
            return accumulateGradientByColumns(m, weights: weights, intercepts: intercepts, gradient: gradient,
                                               workspace: &workspace, derivative: derivative)
        }
        var lossSum = 0.0
        var start = range.lowerBound
        let blockRows = workspace.blockRows
        workspace.margins.withUnsafeMutableBufferPointer { marginStorage in
          workspace.blockGradient.withUnsafeMutableBufferPointer { blockGradient in
            workspace.derivatives.withUnsafeMutableBufferPointer { derivativeStorage in
                while start < range.upperBound {
                    let end = min(start + blockRows, range.upperBound)
                    let n = end - start
                    let block = UnsafeMutableBufferPointer(rebasing: marginStorage[0 ..< n * k])
                    let residuals = UnsafeMutableBufferPointer(rebasing: derivativeStorage[0 ..< n * k])
                    margins(rows: start ..< end, weights: weights, intercepts: intercepts, into: block)
                    lossSum += derivative(UnsafeBufferPointer(block), residuals, start ..< end)
                    for c in 0 ..< k {
                        var sum = 0.0
                        for i in 0 ..< n { sum += residuals[i * k + c] }
                        gradient[d * k + c] += sum
                    }
                    accumulateTransposed(rows: start ..< end, residuals: UnsafeBufferPointer(residuals), outputs: k,
                                         floatScratch: block, blockGradient: blockGradient, into: gradient)
                    start = end
                }
            }
          }
        }
        return lossSum
    }

    /// `G += X_rowsᵀ·R` with `R` the `rows × K` residuals.
    private func accumulateTransposed(rows range: Range<Int>, residuals: UnsafeBufferPointer<Double>, outputs k: Int,
                                      floatScratch: UnsafeMutableBufferPointer<Float>,
                                      blockGradient: UnsafeMutableBufferPointer<Float>,
                                      into gradient: UnsafeMutableBufferPointer<Double>) {
        switch self {
        case .dense(let m):
            let d = m.columns
            guard d > 0 else { return }
            for i in 0 ..< range.count * k { floatScratch[i] = Float(residuals[i]) }
            m.values.withUnsafeBufferPointer { x in
                let block = x.baseAddress! + range.lowerBound * d
                if k == 1 {
                    BLAS.multiplyTransposed(block, rows: range.count, columns: d, floatScratch.baseAddress!,
                                            into: blockGradient.baseAddress!)
                } else {
                    BLAS.multiply(block, transposeA: true, floatScratch.baseAddress!, into: blockGradient.baseAddress!,
                                  m: d, n: k, k: range.count)
                }
            }
            for j in 0 ..< d * k { gradient[j] += Double(blockGradient[j]) }
        case .sparse(let m):
            m.sparseAccumulateTransposed(rows: range, residuals: residuals, outputs: k, into: gradient)
        }
    }
}

extension SparseMatrix {
    /// Margins of the rows in `range`, added to `out` (which holds the intercepts).
    func sparseMargins(rows range: Range<Int>, weights: UnsafeBufferPointer<Float>, outputs k: Int,
                       into out: UnsafeMutableBufferPointer<Float>) {
        rowOffsets.withUnsafeBufferPointer { offsets in
            columnIndices.withUnsafeBufferPointer { cols in
                values.withUnsafeBufferPointer { vals in
                    if k == 1 {
                        for (i, row) in range.enumerated() {
                            var sum: Float = 0
                            for p in offsets[row] ..< offsets[row + 1] { sum += vals[p] * weights[Int(cols[p])] }
                            out[i] += sum
                        }
                    } else {
                        for (i, row) in range.enumerated() {
                            let target = i * k
                            for p in offsets[row] ..< offsets[row + 1] {
                                let v = vals[p], base = Int(cols[p]) * k
                                for c in 0 ..< k { out[target + c] += v * weights[base + c] }
                            }
                        }
                    }
                }
            }
        }
    }

    /// `G += X_rowsᵀ·R`, scattered straight into the float64 gradient.
    func sparseAccumulateTransposed(rows range: Range<Int>, residuals: UnsafeBufferPointer<Double>, outputs k: Int,
                                    into gradient: UnsafeMutableBufferPointer<Double>) {
        rowOffsets.withUnsafeBufferPointer { offsets in
            columnIndices.withUnsafeBufferPointer { cols in
                values.withUnsafeBufferPointer { vals in
                    for (i, row) in range.enumerated() {
                        if k == 1 {
                            let r = residuals[i]
                            if r == 0 { continue }
                            for p in offsets[row] ..< offsets[row + 1] { gradient[Int(cols[p])] += Double(vals[p]) * r }
                        } else {
                            for p in offsets[row] ..< offsets[row + 1] {
                                let v = Double(vals[p]), base = Int(cols[p]) * k
                                for c in 0 ..< k { gradient[base + c] += v * residuals[i * k + c] }
                            }
                        }
                    }
                }
            }
        }
    }
}
