/// Writes a dataset as LIBSVM text, atomically: one row per line, `label index:value ...` with
/// 1-based indices and only nonzero entries.
///
/// Integral labels and values are written without a fraction (`-1`, `3:1`); others in the
/// shortest form that reads back to the same number (Swift's `description`), so
/// ``LIBSVMReader`` restores the dataset exactly (sample weights are not part of the format).
public enum LIBSVMWriter {
    /// Writes `dataset` to `path`.
    /// - Throws: ``DataError/Code/unwritable``; the destination is then unchanged.
    public static func write(_ dataset: Dataset, to path: String) throws(DataError) {
        do {
            try AtomicFile.write(encode(dataset), to: path)
        } catch {
            throw DataError(.unwritable, file: path, message: "cannot write: \(error.reason)")
        }
    }

    /// The LIBSVM text of `dataset`, as UTF-8 bytes.
    public static func encode(_ dataset: Dataset) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(dataset.rowCount * 16)
        for row in 0 ..< dataset.rowCount {
            out.append(contentsOf: format(dataset.labels[row]).utf8)
            switch dataset.features {
            case .sparse(let m):
                for k in m.rowOffsets[row] ..< m.rowOffsets[row + 1] where m.values[k] != 0 {
                    appendEntry(Int(m.columnIndices[k]), m.values[k], to: &out)
                }
            case .dense(let m):
                for j in 0 ..< m.columns where m[row, j] != 0 {
                    appendEntry(j, m[row, j], to: &out)
                }
            }
            out.append(UInt8(ascii: "\n"))
        }
        return out
    }

    private static func appendEntry(_ column: Int, _ value: Float, to out: inout [UInt8]) {
        out.append(UInt8(ascii: " "))
        out.append(contentsOf: String(column + 1).utf8)
        out.append(UInt8(ascii: ":"))
        out.append(contentsOf: format(Double(value), shortest: value.description).utf8)
    }

    private static func format(_ value: Double, shortest: String? = nil) -> String {
        if value == value.rounded() && abs(value) < 1e15 { return String(Int64(value)) }
        return shortest ?? value.description
    }
}
