/// A sparse matrix in compressed sparse row (CSR) form.
///
/// The stored entries of row `i` are at positions `rowOffsets[i] ..< rowOffsets[i + 1]` of
/// `columnIndices` (0-based, strictly increasing within a row) and `values`.
/// Zeros may be stored explicitly; they cost time but change no result.
public struct SparseMatrix: Sendable, Equatable {
    /// Number of rows (samples).
    public let rows: Int
    /// Number of columns (features).
    public let columns: Int
    /// `rows + 1` offsets into `columnIndices` and `values`; `rowOffsets[0] == 0`.
    public var rowOffsets: [Int]
    /// Column of each stored entry, 0-based.
    public var columnIndices: [Int32]
    /// Value of each stored entry.
    public var values: [Float]

    /// Creates a CSR matrix from its three arrays, checked.
    /// - Throws: ``DataError`` (file `SparseMatrix`) when the arrays disagree (offsets that are
    ///   not `rows + 1`, start at 0, end at the value count and never decrease; as many indices
    ///   as values), a column index is outside `0 ..< columns` or not increasing within its row,
    ///   or a value is NaN or infinite. Row and column in the error are 1-based.
    public init(rows: Int, columns: Int, rowOffsets: [Int], columnIndices: [Int32], values: [Float]) throws(DataError) {
        func fail(_ code: DataError.Code, row: Int? = nil, column: Int? = nil, _ message: String) -> DataError {
            DataError(code, file: "SparseMatrix", line: row.map { $0 + 1 }, column: column.map { $0 + 1 }, message: message)
        }
        guard rows >= 0, columns >= 0, columns <= Int(Int32.max) + 1 else {
            throw fail(.shapeMismatch, "dimensions \(rows)×\(columns) must be ≥ 0 (and columns ≤ 2³¹)")
        }
        guard rowOffsets.count == rows + 1 else {
            throw fail(.shapeMismatch, "\(rowOffsets.count) row offsets for \(rows) rows (\(rows + 1) needed)")
        }
        guard columnIndices.count == values.count else {
            throw fail(.shapeMismatch, "\(columnIndices.count) column indices but \(values.count) values")
        }
        guard rowOffsets.first == 0, rowOffsets.last == values.count else {
            throw fail(.shapeMismatch, "row offsets must start at 0 and end at the value count \(values.count)")
        }
        for i in 0 ..< rows {
            let (start, end) = (rowOffsets[i], rowOffsets[i + 1])
            guard start <= end else { throw fail(.shapeMismatch, row: i, "row offsets decrease at row \(i + 1)") }
            var previous = -1
            for p in start ..< end {
                let j = Int(columnIndices[p])
                guard j >= 0, j < columns else {
                    throw fail(.indexOutOfRange, row: i, column: j, "column index \(j) at row \(i + 1) is outside 0..<\(columns)")
                }
                guard j > previous else {
                    throw fail(.indicesNotIncreasing, row: i, column: j, "column indices of row \(i + 1) are not strictly increasing at \(j)")
                }
                guard values[p].isFinite else {
                    throw fail(.nonFinite, row: i, column: j, "value \(values[p]) at row \(i + 1), column \(j + 1) is not finite")
                }
                previous = j
            }
        }
        self.init(uncheckedRows: rows, columns: columns, rowOffsets: rowOffsets, columnIndices: columnIndices, values: values)
    }

    /// Creates a CSR matrix without checking it: for readers that have validated the entries.
    /// - Precondition: the arrays are consistent (checked cheaply: counts and bounds of offsets).
    package init(uncheckedRows rows: Int, columns: Int, rowOffsets: [Int], columnIndices: [Int32], values: [Float]) {
        precondition(rowOffsets.count == rows + 1, "CSR needs rows + 1 offsets")
        precondition(rowOffsets.first == 0 && rowOffsets.last == values.count, "CSR offsets do not span the values")
        precondition(columnIndices.count == values.count, "CSR indices and values differ in length")
        self.rows = rows
        self.columns = columns
        self.rowOffsets = rowOffsets
        self.columnIndices = columnIndices
        self.values = values
    }

    /// Number of stored entries.
    public var storedCount: Int { values.count }

    /// The entry at row `row`, column `column` (a binary search in the row).
    public subscript(row: Int, column: Int) -> Float {
        var low = rowOffsets[row], high = rowOffsets[row + 1]
        let target = Int32(column)
        while low < high {
            let mid = (low + high) / 2
            if columnIndices[mid] == target { return values[mid] }
            if columnIndices[mid] < target { low = mid + 1 } else { high = mid }
        }
        return 0
    }

    /// A copy of the rows at `indices`, in the order given.
    public func rows(at indices: [Int]) -> SparseMatrix {
        var offsets = [0], cols = [Int32](), vals = [Float]()
        offsets.reserveCapacity(indices.count + 1)
        for i in indices {
            let span = rowOffsets[i] ..< rowOffsets[i + 1]
            cols.append(contentsOf: columnIndices[span])
            vals.append(contentsOf: values[span])
            offsets.append(vals.count)
        }
        return SparseMatrix(uncheckedRows: indices.count, columns: columns, rowOffsets: offsets, columnIndices: cols, values: vals)
    }

    /// The same matrix stored densely.
    public func densified() -> DenseMatrix {
        var dense = DenseMatrix(uncheckedRows: rows, columns: columns, values: [Float](repeating: 0, count: rows * columns))
        for i in 0 ..< rows {
            for k in rowOffsets[i] ..< rowOffsets[i + 1] { dense[i, Int(columnIndices[k])] = values[k] }
        }
        return dense
    }

    /// Bytes of feature storage (indices and values): what one pass must read.
    public var storageBytes: Int {
        values.count * (MemoryLayout<Float>.size + MemoryLayout<Int32>.size) + rowOffsets.count * MemoryLayout<Int>.size
    }
}

extension DenseMatrix {
    /// The same matrix in CSR form, keeping only nonzero entries.
    public func sparsified() -> SparseMatrix {
        var offsets = [0], cols = [Int32](), vals = [Float]()
        offsets.reserveCapacity(rows + 1)
        for i in 0 ..< rows {
            for j in 0 ..< columns where self[i, j] != 0 {
                cols.append(Int32(j))
                vals.append(self[i, j])
            }
            offsets.append(vals.count)
        }
        return SparseMatrix(uncheckedRows: rows, columns: columns, rowOffsets: offsets, columnIndices: cols, values: vals)
    }
}
