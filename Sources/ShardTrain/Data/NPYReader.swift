/// Reads NumPy `.npy` arrays: a 2-D feature matrix and a 1-D label vector (two files).
///
/// Supported: format versions 1.0/2.0/3.0, C order (`fortran_order: False`), little-endian
/// `<f4`, `<f8`, `<i4`, `<i8`. Features become `Float` (float64 and integers are rounded to
/// the nearest `Float`), labels `Double`. NaN and infinite values are errors; in NPY errors
/// `line` and `column` are the element's 1-based row and column.
///
/// Thread safety: a reader is an immutable value; calls on different threads are independent.
public struct NPYReader: Sendable {
    /// Creates a reader.
    public init() {}

    /// Reads features from `featuresPath` (rows × features) and labels from `labelsPath`
    /// (one per row, shape `(rows,)` or `(rows, 1)`).
    /// - Throws: ``DataError``; ``DataError/Code/labelCountMismatch`` when the counts differ.
    public func read(featuresPath: String, labelsPath: String) throws(DataError) -> Dataset {
        let features = try readMatrix(path: featuresPath)
        let labels = try readVector(path: labelsPath)
        guard labels.count == features.rows else {
            throw DataError(.labelCountMismatch, file: labelsPath,
                            message: "\(labels.count) labels for \(features.rows) feature rows in \(featuresPath) — expected one label per row")
        }
        if features.rows == 0 {
            throw DataError(.emptyFile, file: featuresPath, message: "array has no rows — expected at least one")
        }
        return Dataset(uncheckedFeatures: .dense(features), labels: labels, source: featuresPath)
    }

    /// Reads a 2-D array as a dense `Float` matrix.
    /// - Throws: ``DataError/Code/shapeMismatch`` unless the array is 2-D.
    public func readMatrix(path: String) throws(DataError) -> DenseMatrix {
        try readMatrix(path: path, rows: nil)
    }

    /// Reads rows `rows` of a 2-D array (all rows when `nil`); only those bytes are touched, so
    /// workers each read their own part of one file.
    public func readMatrix(path: String, rows selected: Range<Int>?) throws(DataError) -> DenseMatrix {
        let file = try FileBytes(path: path, prefetch: selected == nil)
        defer { withExtendedLifetime(file) {} }  // the mapping must outlive every use of file.bytes
        return try matrix(from: file.bytes, rows: selected, path: path)
    }

    /// Rows `rows` of the 2-D array whose whole file is `bytes`.
    package func matrix(from bytes: UnsafeRawBufferPointer, rows selected: Range<Int>?, path: String) throws(DataError) -> DenseMatrix {
        let header = try NPYHeader.parse(bytes, file: path)
        guard header.shape.count == 2 else {
            throw DataError(.shapeMismatch, file: path, message: "array has shape \(header.shape) — expected 2 dimensions (rows, features)")
        }
        let allRows = header.shape[0], columns = header.shape[1]
        let (count, overflow) = allRows.multipliedReportingOverflow(by: columns)
        guard !overflow else {
            throw DataError(.shapeMismatch, file: path, message: "shape \(header.shape) holds more elements than can be addressed")
        }
        let range = (selected ?? 0 ..< allRows).clamped(to: 0 ..< allRows)
        let data = try dataBytes(bytes, header: header, count: count, path: path)
        let first = range.lowerBound * columns
        var values = [Float](repeating: 0, count: range.count * columns)
        var bad: Int?
        values.withUnsafeMutableBufferPointer { out in
            for i in 0 ..< out.count {
                let value = Float(Self.element(data, first + i, header.dtype))
                if !value.isFinite { bad = first + i; return }
                out[i] = value
            }
        }
        if let bad {
            let found = Self.element(data, bad, header.dtype)
            throw DataError(.nonFinite, file: path, line: bad / max(columns, 1) + 1, column: bad % max(columns, 1) + 1,
                            message: "element \(found) is not a finite Float — expected finite values")
        }
        return DenseMatrix(uncheckedRows: range.count, columns: columns, values: values)
    }

    /// Reads a 1-D array (or a `(n, 1)` column) as `Double`s.
    /// - Throws: ``DataError/Code/shapeMismatch`` for other shapes.
    public func readVector(path: String) throws(DataError) -> [Double] {
        let file = try FileBytes(path: path)
        defer { withExtendedLifetime(file) {} }  // the mapping must outlive every use of file.bytes
        let header = try NPYHeader.parse(file.bytes, file: path)
        guard header.shape.count == 1 || (header.shape.count == 2 && header.shape[1] == 1) else {
            throw DataError(.shapeMismatch, file: path, message: "array has shape \(header.shape) — expected 1 dimension (one label per row)")
        }
        let count = header.shape[0]
        let data = try dataBytes(file.bytes, header: header, count: count, path: path)
        var values = [Double](repeating: 0, count: count)
        for i in 0 ..< count {
            let value = Self.element(data, i, header.dtype)
            guard value.isFinite else {
                throw DataError(.nonFinite, file: path, line: i + 1, message: "element \(value) is not finite — expected finite labels")
            }
            values[i] = value
        }
        return values
    }

    // MARK: - Internals

    /// The data bytes after the header, checked to hold `count` elements.
    private func dataBytes(_ bytes: UnsafeRawBufferPointer, header: NPYHeader, count: Int, path: String) throws(DataError) -> UnsafeRawBufferPointer {
        let (needed, overflow) = count.multipliedReportingOverflow(by: header.dtype.size)
        let available = bytes.count - header.dataOffset
        guard !overflow, available >= needed else {
            throw DataError(.truncated, file: path,
                            message: "file holds \(available) data bytes — expected \(overflow ? "more than Int.max" : String(needed)) for shape \(header.shape) of \(header.dtype.rawValue)")
        }
        return UnsafeRawBufferPointer(rebasing: bytes[header.dataOffset ..< header.dataOffset + needed])
    }

    /// Element `i` as a `Double` (little-endian, unaligned loads).
    @inline(__always)
    private static func element(_ data: UnsafeRawBufferPointer, _ i: Int, _ dtype: NPYHeader.DType) -> Double {
        switch dtype {
        case .float32: Double(Float(bitPattern: UInt32(littleEndian: data.loadUnaligned(fromByteOffset: i * 4, as: UInt32.self))))
        case .float64: Double(bitPattern: UInt64(littleEndian: data.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self)))
        case .int32: Double(Int32(littleEndian: data.loadUnaligned(fromByteOffset: i * 4, as: Int32.self)))
        case .int64: Double(Int64(littleEndian: data.loadUnaligned(fromByteOffset: i * 8, as: Int64.self)))
        }
    }
}
