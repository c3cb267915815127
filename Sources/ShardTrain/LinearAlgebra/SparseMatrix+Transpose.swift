extension SparseMatrix {
    /// The transpose, in CSR form (so the columns of `self` in compressed-column form): row `j`
    /// of the result lists the rows of `self` that store column `j`, in ascending order.
    /// - Complexity: two passes over the stored entries (a counting sort by column).
    func transposed() -> SparseMatrix {
        var offsets = [Int](repeating: 0, count: columns + 1)
        var rowIndices = [Int32](repeating: 0, count: values.count)
        var transposedValues = [Float](repeating: 0, count: values.count)
        columnIndices.withUnsafeBufferPointer { cols in
            for j in cols { offsets[Int(j) + 1] += 1 }
        }
        for j in 0 ..< columns { offsets[j + 1] += offsets[j] }
        var next = offsets
        rowOffsets.withUnsafeBufferPointer { rowStarts in
            columnIndices.withUnsafeBufferPointer { cols in
                values.withUnsafeBufferPointer { vals in
                    rowIndices.withUnsafeMutableBufferPointer { outRows in
                        transposedValues.withUnsafeMutableBufferPointer { outValues in
                            next.withUnsafeMutableBufferPointer { cursor in
                                for i in 0 ..< rows {
                                    for p in rowStarts[i] ..< rowStarts[i + 1] {
                                        let j = Int(cols[p])
                                        let q = cursor[j]
                                        cursor[j] = q + 1
                                        outRows[q] = Int32(truncatingIfNeeded: i)
                                        outValues[q] = vals[p]
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return SparseMatrix(uncheckedRows: columns, columns: rows, rowOffsets: offsets, columnIndices: rowIndices,
                            values: transposedValues)
    }
}
