extension DenseMatrix {
    /// The rows of `parts`, one part after the other, as one matrix.
    /// - Precondition: every part has `columns` columns.
    package static func concatenating(_ parts: [DenseMatrix], columns: Int) -> DenseMatrix {
        precondition(parts.allSatisfy { $0.columns == columns }, "dense parts must have \(columns) columns")
        var values = [Float]()
        values.reserveCapacity(parts.reduce(0) { $0 + $1.values.count })
        for part in parts { values.append(contentsOf: part.values) }
        return DenseMatrix(uncheckedRows: parts.reduce(0) { $0 + $1.rows }, columns: columns, values: values)
    }
}

extension SparseMatrix {
    /// The rows of `parts`, one part after the other, as one matrix with `columns` columns.
    /// - Precondition: no part has more than `columns` columns.
    package static func concatenating(_ parts: [SparseMatrix], columns: Int) -> SparseMatrix {
        precondition(parts.allSatisfy { $0.columns <= columns }, "sparse parts must have at most \(columns) columns")
        var offsets = [0], indices = [Int32](), values = [Float]()
        offsets.reserveCapacity(parts.reduce(1) { $0 + $1.rows })
        indices.reserveCapacity(parts.reduce(0) { $0 + $1.storedCount })
        values.reserveCapacity(indices.capacity)
        for part in parts {
            let base = values.count
            offsets.append(contentsOf: part.rowOffsets.dropFirst().map { $0 + base })
            indices.append(contentsOf: part.columnIndices)
            values.append(contentsOf: part.values)
        }
        return SparseMatrix(uncheckedRows: offsets.count - 1, columns: columns, rowOffsets: offsets, columnIndices: indices, values: values)
    }
}

extension FeatureMatrix {
    /// The rows of `parts`, one part after the other, in their common storage.
    /// - Parameter columns: the column count of the result; `nil` for the parts' largest.
    /// - Precondition: the parts are all dense (with equal column counts) or all sparse.
    package static func concatenating(_ parts: [FeatureMatrix], columns: Int? = nil) -> FeatureMatrix {
        let width = columns ?? parts.map(\.columns).max() ?? 0
        let dense = parts.compactMap { part -> DenseMatrix? in
            if case .dense(let m) = part { return m }
            return nil
        }
        let sparse = parts.compactMap { part -> SparseMatrix? in
            if case .sparse(let m) = part { return m }
            return nil
        }
        precondition(dense.isEmpty || sparse.isEmpty, "cannot concatenate dense and sparse rows")
        return sparse.isEmpty && !dense.isEmpty ? .dense(.concatenating(dense, columns: width))
            : .sparse(.concatenating(sparse, columns: width))
    }
}
