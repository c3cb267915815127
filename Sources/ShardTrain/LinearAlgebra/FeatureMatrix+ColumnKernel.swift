/// The fused gradient kernel over all rows of a wide sparse matrix, with `Xᵀ·R` gathered column
/// by column from a compressed-column copy instead of scattered row by row.
///
/// Scattering `Xᵀ·R` into a float64 gradient of a million features is a random
/// read-modify-write per stored entry over 8 MB; on the machines measured it cost three to four
/// times the margins' gather. Going by columns reads the residuals (one per row, a few MB) at
/// random and writes the gradient in order. Each gradient entry adds the same products in the
/// same (ascending row) order as the scatter, so the result is bit for bit the same.
///
/// The copy costs the matrix's size again (8 bytes per stored entry) and is built once, on the
/// first evaluation over every row, and kept in the ``KernelWorkspace``.
extension FeatureMatrix {
    /// Below this many gradient entries (`d·K`) the scatter stays in cache: no copy is made.
    static let columnKernelMinimumParameters = 1 << 16

    /// Whether an evaluation of `range` takes the column kernel.
    func usesColumnKernel(rows range: Range<Int>, outputs k: Int) -> Bool {
        guard case .sparse(let m) = self, range.lowerBound == 0, range.upperBound == m.rows, m.rows > 0 else { return false }
        return m.columns * k >= Self.columnKernelMinimumParameters && m.rows <= Int(Int32.max)
    }

    /// ``accumulateGradient(rows:weights:intercepts:gradient:workspace:derivative:)`` over every
    /// row of a sparse matrix (see ``usesColumnKernel(rows:outputs:)``).
    func accumulateGradientByColumns(
        _ m: SparseMatrix, weights: UnsafeBufferPointer<Float>, intercepts: UnsafeBufferPointer<Float>,
        gradient: UnsafeMutableBufferPointer<Double>, workspace: inout KernelWorkspace,
        derivative: (UnsafeBufferPointer<Float>, UnsafeMutableBufferPointer<Double>, Range<Int>) -> Double
    ) -> Double {
        let k = intercepts.count, d = m.columns, n = m.rows
        let columns = workspace.columnMajor(of: m)
        if workspace.allResiduals.count < n * k { workspace.allResiduals = [Double](repeating: 0, count: n * k) }
        var lossSum = 0.0
        let blockRows = workspace.blockRows
        workspace.margins.withUnsafeMutableBufferPointer { marginStorage in
            workspace.allResiduals.withUnsafeMutableBufferPointer { residuals in
                var start = 0
                while start < n {
                    let end = min(start + blockRows, n)
                    let block = UnsafeMutableBufferPointer(rebasing: marginStorage[0 ..< (end - start) * k])
                    let blockResiduals = UnsafeMutableBufferPointer(rebasing: residuals[start * k ..< end * k])
                    margins(rows: start ..< end, weights: weights, intercepts: intercepts, into: block)
                    lossSum += derivative(UnsafeBufferPointer(block), blockResiduals, start ..< end)
                    for c in 0 ..< k {
                        var sum = 0.0
                        for i in 0 ..< end - start { sum += blockResiduals[i * k + c] }
                        gradient[d * k + c] += sum
                    }
                    start = end
                }
                columns.rowOffsets.withUnsafeBufferPointer { offsets in
                    columns.columnIndices.withUnsafeBufferPointer { rows in
                        columns.values.withUnsafeBufferPointer { vals in
                            if k == 1 {
                                for j in 0 ..< d {
                                    var sum = gradient[j]
                                    for q in offsets[j] ..< offsets[j + 1] { sum += Double(vals[q]) * residuals[Int(rows[q])] }
                                    gradient[j] = sum
                                }
                            } else {
                                for j in 0 ..< d {
                                    let base = j * k
                                    for q in offsets[j] ..< offsets[j + 1] {
                                        let v = Double(vals[q]), row = Int(rows[q]) * k
                                        for c in 0 ..< k { gradient[base + c] += v * residuals[row + c] }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return lossSum
    }
}

extension KernelWorkspace {
    /// The compressed-column copy of `m`, built on first use and kept while `m` is the matrix
    /// evaluated (the copy holds `m`'s storage, so another matrix can never be taken for it).
    mutating func columnMajor(of m: SparseMatrix) -> SparseMatrix {
        if let kept = columnCopy, kept.source.sharesStorage(with: m) { return kept.columns }
        let built = m.transposed()
        columnCopy = ColumnCopy(source: m, columns: built)
        return built
    }
}

extension SparseMatrix {
    /// Whether both matrices are views of the same arrays (the same storage, not merely equal).
    func sharesStorage(with other: SparseMatrix) -> Bool {
        guard rows == other.rows, columns == other.columns, values.count == other.values.count else { return false }
        let same = { (a: UnsafeRawPointer?, b: UnsafeRawPointer?) in a == b }
        return rowOffsets.withUnsafeBufferPointer { a in other.rowOffsets.withUnsafeBufferPointer { b in same(a.baseAddress, b.baseAddress) } }
            && columnIndices.withUnsafeBufferPointer { a in other.columnIndices.withUnsafeBufferPointer { b in same(a.baseAddress, b.baseAddress) } }
            && values.withUnsafeBufferPointer { a in other.values.withUnsafeBufferPointer { b in same(a.baseAddress, b.baseAddress) } }
    }
}

/// A matrix and its compressed-column copy.
struct ColumnCopy: Sendable {
    let source: SparseMatrix
    let columns: SparseMatrix
}
