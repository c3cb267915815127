/// A dense, row-major matrix of `Float` values: row `i` occupies
/// `values[i * columns ..< (i + 1) * columns]`.
///
/// This is the layout BLAS calls `CblasRowMajor` with a leading dimension equal to `columns`,
/// and the layout of a C-order NumPy array, so data moves in and out without copies.
public struct DenseMatrix: Sendable, Equatable {
    /// Number of rows (samples).
    public let rows: Int
    /// Number of columns (features).
    public let columns: Int
    /// The `rows * columns` entries, row after row.
    public var values: [Float]

    /// Creates a matrix over existing row-major storage.
    /// - Precondition: `values.count == rows * columns`.
    public init(rows: Int, columns: Int, values: [Float]) {
        precondition(rows >= 0 && columns >= 0, "matrix dimensions must not be negative")
        precondition(values.count == rows * columns, "storage does not match \(rows)×\(columns)")
        self.rows = rows
        self.columns = columns
        self.values = values
    }

    /// Creates a zero-filled matrix.
    public init(rows: Int, columns: Int) {
        self.init(rows: rows, columns: columns, values: [Float](repeating: 0, count: rows * columns))
    }

    /// The entry at row `row`, column `column`.
    public subscript(row: Int, column: Int) -> Float {
        get { values[row * columns + column] }
        set { values[row * columns + column] = newValue }
    }

    /// A copy of the rows in `range`, in order.
    public func rows(_ range: Range<Int>) -> DenseMatrix {
        DenseMatrix(rows: range.count, columns: columns,
                    values: Array(values[range.lowerBound * columns ..< range.upperBound * columns]))
    }

    /// A copy of the rows at `indices`, in the order given.
    public func rows(at indices: [Int]) -> DenseMatrix {
        var out = [Float]()
        out.reserveCapacity(indices.count * columns)
        for i in indices { out.append(contentsOf: values[i * columns ..< (i + 1) * columns]) }
        return DenseMatrix(rows: indices.count, columns: columns, values: out)
    }

    /// Bytes of feature storage: what one pass over the matrix must read.
    public var storageBytes: Int { values.count * MemoryLayout<Float>.size }
}
