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

    /// Creates a matrix over existing row-major storage, checked.
    /// - Throws: ``DataError`` (file `DenseMatrix`) when a dimension is negative, the storage
    ///   does not hold `rows × columns` values, or a value is NaN or infinite (naming its
    ///   1-based row and column).
    public init(rows: Int, columns: Int, values: [Float]) throws(DataError) {
        try Self.checkShape(rows: rows, columns: columns, count: values.count)
        if let bad = values.firstIndex(where: { !$0.isFinite }) {
            throw DataError(.nonFinite, file: "DenseMatrix", line: bad / columns + 1, column: bad % columns + 1,
                            message: "value \(values[bad]) at row \(bad / columns + 1), column \(bad % columns + 1) is not finite")
        }
        self.init(uncheckedRows: rows, columns: columns, values: values)
    }

    /// Creates a zero-filled matrix.
    /// - Throws: ``DataError`` when a dimension is negative or the size overflows.
    public init(rows: Int, columns: Int) throws(DataError) {
        try Self.checkShape(rows: rows, columns: columns, count: nil)
        self.init(uncheckedRows: rows, columns: columns, values: [Float](repeating: 0, count: rows * columns))
    }

    /// Creates a matrix without checking its values: for readers that have validated them.
    /// - Precondition: `values.count == rows * columns`.
    package init(uncheckedRows rows: Int, columns: Int, values: [Float]) {
        precondition(rows >= 0 && columns >= 0 && values.count == rows * columns, "storage does not match \(rows)×\(columns)")
        self.rows = rows
        self.columns = columns
        self.values = values
    }

    private static func checkShape(rows: Int, columns: Int, count: Int?) throws(DataError) {
        guard rows >= 0, columns >= 0 else {
            throw DataError(.shapeMismatch, file: "DenseMatrix", message: "dimensions \(rows)×\(columns) must not be negative")
        }
        let (size, overflow) = rows.multipliedReportingOverflow(by: columns)
        guard !overflow else {
            throw DataError(.shapeMismatch, file: "DenseMatrix", message: "\(rows)×\(columns) entries overflow the address space")
        }
        if let count, count != size {
            throw DataError(.shapeMismatch, file: "DenseMatrix",
                            message: "\(count) values do not fill \(rows) rows × \(columns) columns (\(size) needed)")
        }
    }

    /// The entry at row `row`, column `column`.
    public subscript(row: Int, column: Int) -> Float {
        get { values[row * columns + column] }
        set { values[row * columns + column] = newValue }
    }

    /// A copy of the rows in `range`, in order.
    public func rows(_ range: Range<Int>) -> DenseMatrix {
        DenseMatrix(uncheckedRows: range.count, columns: columns,
                    values: Array(values[range.lowerBound * columns ..< range.upperBound * columns]))
    }

    /// A copy of the rows at `indices`, in the order given.
    public func rows(at indices: [Int]) -> DenseMatrix {
        var out = [Float]()
        out.reserveCapacity(indices.count * columns)
        for i in indices { out.append(contentsOf: values[i * columns ..< (i + 1) * columns]) }
        return DenseMatrix(uncheckedRows: indices.count, columns: columns, values: out)
    }

    /// Bytes of feature storage: what one pass over the matrix must read.
    public var storageBytes: Int { values.count * MemoryLayout<Float>.size }
}
