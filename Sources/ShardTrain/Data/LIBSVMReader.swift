/// Reads LIBSVM / SVMlight text into a sparse ``Dataset``.
///
/// Format: one row per line, `label [qid:N] index:value index:value ...`.
/// - Labels: any decimal number (`-1`, `+1`, `0`, `1`, `3`, `2.5`, `1e3`); NaN or infinite
///   labels are errors.
/// - Indices: 1-based, strictly increasing within a row; stored 0-based as `Int32` columns.
/// - Values: decimal numbers, correctly rounded to `Float`; explicit zeros are dropped (their
///   index still counts towards the feature count).
/// - `#` starts a comment (whole line or trailing); empty and blank lines are skipped; rows
///   may have no features; `qid:N` right after the label is ignored; CRLF line ends work.
/// - The feature count is ``featureCount`` when set (an index above it is an
///   ``DataError/Code/indexOutOfRange`` error), otherwise the largest index seen.
///
/// Errors carry the file, the line and the 1-based byte column of the offending token.
///
/// Complexity: one pass over the bytes; the file is memory-mapped, not copied.
/// Thread safety: a reader is an immutable value; calls on different threads are independent.
public struct LIBSVMReader: Sendable {
    /// The number of features, or `nil` to use the largest index seen.
    public var featureCount: Int?

    /// Creates a reader.
    /// - Parameter featureCount: fix the number of features (needed when a test split lacks the
    ///   highest features, and for byte-range reads that must agree on the shape).
    public init(featureCount: Int? = nil) {
        self.featureCount = featureCount
    }

    /// Reads the whole file at `path`.
    /// - Throws: ``DataError`` with file, line and column; ``DataError/Code/emptyFile`` when the
    ///   file holds no rows.
    public func read(path: String) throws(DataError) -> Dataset {
        let file = try FileBytes(path: path)
        defer { withExtendedLifetime(file) {} }  // the mapping must outlive every use of file.bytes
        let dataset = try parse(file.bytes, source: path)
        if dataset.rowCount == 0 {
            throw DataError(.emptyFile, file: path, message: "no rows — expected lines of the form \"label index:value ...\"")
        }
        return dataset
    }

    /// Parses LIBSVM text held in memory (`source` names it in errors and in the dataset).
    /// - Throws: ``DataError``; an input without rows is not an error here (zero rows).
    public func parse(text: String, source: String = "memory") throws(DataError) -> Dataset {
        var text = text
        let result = text.withUTF8 { buffer in
            Result { () throws(DataError) -> Dataset in try parse(UnsafeRawBufferPointer(buffer), source: source) }
        }
        return try result.get()
    }

    /// Reads the rows of one byte range of the file, with Hadoop input-split semantics.
    ///
    /// A range that does not start at 0 skips forward to the first line that starts at or after
    /// `lowerBound` (a line starting exactly at `lowerBound` is kept); the range then includes
    /// every line that starts before `upperBound`, read to its end even past `upperBound`. So
    /// ranges that tile `0 ..< fileSize` (see ``byteRanges(fileSize:count:)``) give every row
    /// exactly once, and a range may hold no row at all (an empty dataset, not an error).
    ///
    /// Set ``featureCount`` so that all ranges agree on the number of features; otherwise each
    /// range reports the largest index it saw. Line numbers in errors are absolute: the lines
    /// before the range are counted only when an error is reported.
    /// - Precondition: `byteRange.lowerBound >= 0`.
    public func read(path: String, byteRange: Range<Int>) throws(DataError) -> Dataset {
        try read(path: path, byteRanges: [byteRange])
    }

    /// Reads the rows of several byte ranges of the file (each with the semantics of
    /// ``read(path:byteRange:)``), one range after the other in the order given, as one dataset.
    /// The file is mapped once; only the ranges' bytes are touched.
    /// - Precondition: every range has `lowerBound >= 0`.
    public func read(path: String, byteRanges: [Range<Int>]) throws(DataError) -> Dataset {
        precondition(byteRanges.allSatisfy { $0.lowerBound >= 0 }, "byte range must not start before 0")
        let file = try FileBytes(path: path, prefetch: false)
        defer { withExtendedLifetime(file) {} }  // the mapping must outlive every use of file.bytes
        let bytes = file.bytes
        var parts: [Dataset] = []
        for byteRange in byteRanges {
            let span = Self.lineAlignedSpan(of: bytes, byteRange: byteRange)
            do {
                parts.append(try parse(UnsafeRawBufferPointer(rebasing: bytes[span]), source: path))
            } catch {
                var error = error
                if let line = error.line {
                    error.line = line + Self.newlineCount(UnsafeRawBufferPointer(rebasing: bytes[0 ..< span.lowerBound]))
                }
                throw error
            }
        }
        return parts.count == 1 ? parts[0] : Dataset(concatenating: parts, columns: featureCount, source: path)
    }

    /// `count` consecutive byte ranges that tile `0 ..< fileSize` as evenly as possible, for
    /// ``read(path:byteRange:)`` (one per worker).
    /// - Precondition: `fileSize >= 0`, `count >= 1`.
    public static func byteRanges(fileSize: Int, count: Int) -> [Range<Int>] {
        precondition(fileSize >= 0 && count >= 1, "need a non-negative size and at least one range")
        return (0 ..< count).map { k in (fileSize * k / count) ..< (fileSize * (k + 1) / count) }
    }

    // MARK: - Internals

    /// Parses a buffer into a dataset, turning parser failures into ``DataError``s.
    package func parse(_ bytes: UnsafeRawBufferPointer, source: String) throws(DataError) -> Dataset {
        let rows: LIBSVMParser.Rows
        let skipped = try TextEncodingCheck.leadingBytesToSkip(bytes, source: source)
        do {
            rows = try LIBSVMParser(featureCount: featureCount).parse(UnsafeRawBufferPointer(rebasing: bytes[skipped...]))
        } catch {
            throw DataError(error.code, file: source, line: error.line, column: error.column, message: error.message)
        }
        let columns = featureCount ?? rows.maxIndex
        let allowed = ResourceLimits.inferredFeatures(nonzeros: rows.values.count)
        if featureCount == nil, columns > allowed {
            throw DataError(.indexOutOfRange, file: source, line: rows.maxIndexLine, column: nil,
                            message: "feature index \(columns) would make the model \(columns) features wide from only \(rows.values.count) non-zeros, "
                                + "\(ResourceLimits.cost(of: columns)); without --features the largest index may be at most \(allowed) "
                                + "(2²⁰, or 16 per non-zero) — give --features N if the data really is that wide")
        }
        let matrix = SparseMatrix(uncheckedRows: rows.labels.count, columns: columns, rowOffsets: rows.rowOffsets,
                                  columnIndices: rows.columnIndices, values: rows.values)
        return Dataset(uncheckedFeatures: .sparse(matrix), labels: rows.labels, source: source)
    }

    /// The bytes a split owns: from the first line start at or after `lowerBound` (0 stays 0)
    /// to the end of the last line that starts before `upperBound`.
    static func lineAlignedSpan(of bytes: UnsafeRawBufferPointer, byteRange: Range<Int>) -> Range<Int> {
        let size = bytes.count
        let newline = UInt8(ascii: "\n")
        /// The first line start at or after `position`.
        func lineStart(atOrAfter position: Int) -> Int {
            if position <= 0 { return 0 }
            if position >= size { return size }
            var i = position - 1
            while i < size && bytes[i] != newline { i += 1 }
            return min(i + 1, size)
        }
        let lower = lineStart(atOrAfter: byteRange.lowerBound)
        let upper = lineStart(atOrAfter: byteRange.upperBound)
        return lower ..< max(lower, upper)
    }

    /// The number of `\n` bytes in `bytes`.
    static func newlineCount(_ bytes: UnsafeRawBufferPointer) -> Int {
        var count = 0
        for byte in bytes where byte == UInt8(ascii: "\n") { count += 1 }
        return count
    }
}
