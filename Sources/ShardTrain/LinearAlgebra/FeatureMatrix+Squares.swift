extension FeatureMatrix {
    /// `Σᵢ (x̃ᵢ⊙x̃ᵢ)·rᵢᵀ` over the rows in `range`, with `x̃ᵢ = (xᵢ, 1)` and `rᵢ` the `K` values of
    /// row `i` in `rowValues` (`range.count × K`): the diagonal of `Σᵢ x̃ᵢ·diag(rᵢ)·x̃ᵢᵀ`, laid
    /// out as the parameters (`d·K` feature-major, then `K`). Sums in float64; over every row of
    /// a wide sparse matrix, by columns from the workspace's compressed-column copy.
    func squaredTransposedProduct(rows range: Range<Int>, rowValues: [Double], outputs k: Int,
                                  workspace: inout KernelWorkspace) -> [Double] {
        precondition(rowValues.count == range.count * k, "one value per row and output")
        let d = columns
        var out = [Double](repeating: 0, count: d * k + k)
        out.withUnsafeMutableBufferPointer { g in
            rowValues.withUnsafeBufferPointer { r in
                for i in 0 ..< range.count {
                    for c in 0 ..< k { g[d * k + c] += r[i * k + c] }
                }
                switch self {
                case .dense(let m):
                    m.values.withUnsafeBufferPointer { x in
                        for (i, row) in range.enumerated() {
                            let base = row * d
                            for j in 0 ..< d {
                                let square = Double(x[base + j]) * Double(x[base + j])
                                if square == 0 { continue }
                                for c in 0 ..< k { g[j * k + c] += square * r[i * k + c] }
                            }
                        }
                    }
                case .sparse(let m) where usesColumnKernel(rows: range, outputs: k):
                    let columns = workspace.columnMajor(of: m)
                    columns.rowOffsets.withUnsafeBufferPointer { offsets in
                        columns.columnIndices.withUnsafeBufferPointer { rows in
                            columns.values.withUnsafeBufferPointer { vals in
                                for j in 0 ..< d {
                                    for q in offsets[j] ..< offsets[j + 1] {
                                        let square = Double(vals[q]) * Double(vals[q]), row = Int(rows[q]) * k
                                        for c in 0 ..< k { g[j * k + c] += square * r[row + c] }
                                    }
                                }
                            }
                        }
                    }
                case .sparse(let m):
                    m.rowOffsets.withUnsafeBufferPointer { offsets in
                        m.columnIndices.withUnsafeBufferPointer { cols in
                            m.values.withUnsafeBufferPointer { vals in
                                for (i, row) in range.enumerated() {
                                    for p in offsets[row] ..< offsets[row + 1] {
                                        let square = Double(vals[p]) * Double(vals[p]), base = Int(cols[p]) * k
                                        for c in 0 ..< k { g[base + c] += square * r[i * k + c] }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return out
    }
}
