/// Writes NumPy `.npy` files (format version 1.0, C order, little-endian), atomically.
public enum NPYWriter {
    /// Writes a matrix as a 2-D `<f4` (float32) array of shape `(rows, columns)`.
    /// - Throws: ``DataError/Code/unwritable``; the destination is then unchanged.
    public static func write(_ matrix: DenseMatrix, to path: String) throws(DataError) {
        var bytes = NPYHeader.encode(dtype: .float32, shape: [matrix.rows, matrix.columns])
        bytes.reserveCapacity(bytes.count + matrix.values.count * 4)
        for value in matrix.values { appendLittleEndian(value.bitPattern, to: &bytes) }
        try store(bytes, path: path)
    }

    /// Writes values as a 1-D `<f8` (float64) array of shape `(count,)`.
    /// - Throws: ``DataError/Code/unwritable``; the destination is then unchanged.
    public static func write(_ values: [Double], to path: String) throws(DataError) {
        var bytes = NPYHeader.encode(dtype: .float64, shape: [values.count])
        bytes.reserveCapacity(bytes.count + values.count * 8)
        for value in values { appendLittleEndian(value.bitPattern, to: &bytes) }
        try store(bytes, path: path)
    }

    private static func appendLittleEndian<T: FixedWidthInteger>(_ value: T, to bytes: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    private static func store(_ bytes: [UInt8], path: String) throws(DataError) {
        do {
            try AtomicFile.write(bytes, to: path)
        } catch {
            throw DataError(.unwritable, file: path, message: "cannot write: \(error.reason)")
        }
    }
}
