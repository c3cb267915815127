/// Reads delimited numeric text (CSV) into a dense ``Dataset``.
///
/// - Every cell must be a decimal number; a categorical column (e.g. abalone's `M`/`F`/`I`)
///   is an error naming the line, the field and the token: encode such columns first.
/// - Header: forced with ``hasHeader``, or detected: the first non-blank row is a header when
///   none of its cells is a number.
/// - Label column: ``labelColumn`` by header name or 0-based index; by default the last column.
///   The other columns become the features, in file order.
/// - Quoted fields are accepted (quotes may hold the delimiter; `""` is a quote) but cannot
///   span lines. Blank lines are skipped; CRLF line ends work.
///
/// Errors carry the file, the line and the 1-based field number as the column.
/// Features are stored row-major as `Float` (correctly rounded), labels as `Double`.
public struct CSVReader: Sendable {
    /// The field separator (an ASCII character); `,` by default.
    public var delimiter: Unicode.Scalar
    /// `true`/`false` to force whether the first row is a header; `nil` to detect it.
    public var hasHeader: Bool?
    /// The label column; `nil` for the last column.
    public var labelColumn: CSVLabelColumn?

    /// Creates a reader.
    public init(delimiter: Unicode.Scalar = ",", hasHeader: Bool? = nil, labelColumn: CSVLabelColumn? = nil) {
        self.delimiter = delimiter
        self.hasHeader = hasHeader
        self.labelColumn = labelColumn
    }

    /// Reads the file at `path`.
    /// - Throws: ``DataError`` (``DataError/Code/emptyFile`` when there is no data row).
    public func read(path: String) throws(DataError) -> Dataset {
        let file = try FileBytes(path: path)
        defer { withExtendedLifetime(file) {} }  // the mapping must outlive every use of file.bytes
        return try parse(file.bytes, source: path)
    }

    /// Parses CSV text held in memory (`source` names it in errors and in the dataset).
    public func parse(text: String, source: String = "memory") throws(DataError) -> Dataset {
        var text = text
        let result = text.withUTF8 { buffer in
            Result { () throws(DataError) -> Dataset in try parse(UnsafeRawBufferPointer(buffer), source: source) }
        }
        return try result.get()
    }

    /// Parses a buffer of CSV text.
    package func parse(_ bytes: UnsafeRawBufferPointer, source: String) throws(DataError) -> Dataset {
        guard delimiter.isASCII, delimiter != "\"", delimiter != "\n" else {
            throw DataError(.invalidOption, file: source, message: "delimiter \"\(delimiter)\" — expected one ASCII character other than a quote or newline")
        }
        let separator = UInt8(delimiter.value)
        let skipped = try TextEncodingCheck.leadingBytesToSkip(bytes, source: source)
        let bytes = UnsafeRawBufferPointer(rebasing: bytes[skipped...])
        guard let base = bytes.baseAddress, bytes.count > 0 else { throw emptyError(source) }
        var lines = CSVLines(start: base.assumingMemoryBound(to: UInt8.self), count: bytes.count)
        guard let first = lines.next() else { throw emptyError(source) }

        let firstFields = try fields(of: first, separator: separator, source: source)
        let isHeader = hasHeader ?? firstFields.allSatisfy { !Self.isNumber($0) }
        let columnCount = firstFields.count
        let names = isHeader ? firstFields.map(CSVFields.text) : nil
        let label = try resolveLabelColumn(names: names, columnCount: columnCount, source: source, line: first.number)
        guard columnCount >= 1 else { throw emptyError(source) }

        var features = AppendBuffer<Float>(capacity: bytes.count / 6)
        var labels = AppendBuffer<Double>(capacity: bytes.count / 64)
        var pending: CSVLines.Line? = isHeader ? lines.next() : first
        while let line = pending {
            try parseRow(line, separator: separator, columnCount: columnCount, labelIndex: label,
                         firstLine: first.number, source: source, features: &features, labels: &labels)
            pending = lines.next()
        }
        guard labels.count > 0 else { throw emptyError(source) }
        let matrix = DenseMatrix(uncheckedRows: labels.count, columns: columnCount - 1, values: features.toArray())
        return Dataset(uncheckedFeatures: .dense(matrix), labels: labels.toArray(), source: source)
    }

    // MARK: - Rows

    private func parseRow(_ line: CSVLines.Line, separator: UInt8, columnCount: Int, labelIndex: Int,
                          firstLine: Int, source: String,
                          features: inout AppendBuffer<Float>, labels: inout AppendBuffer<Double>) throws(DataError) {
        var p = line.start
        var field = 0
        while true {
            guard let (cell, after) = CSVFields.next(p, lineEnd: line.end, delimiter: separator) else {
                throw DataError(.badValue, file: source, line: line.number, column: field + 1,
                                message: "unterminated quote — expected a closing \" on the same line")
            }
            if field < columnCount {
                let token = DecimalScanner.scan(cell.start, cell.end)
                guard token.kind == .number && token.end == cell.end && cell.start < cell.end else {
                    throw cellError(cell, token: token, line: line.number, field: field, source: source)
                }
                if field == labelIndex {
                    let value = DecimalScanner.double(token, start: cell.start)
                    guard value.isFinite else {
                        throw DataError(.nonFinite, file: source, line: line.number, column: field + 1,
                                        message: "label \"\(PrintableText.of(CSVFields.text(cell).utf8))\" overflows Double — expected a finite number")
                    }
                    labels.append(value)
                } else {
                    let value = DecimalScanner.float(token, start: cell.start)
                    guard value.isFinite else {
                        throw DataError(.nonFinite, file: source, line: line.number, column: field + 1,
                                        message: "cell \"\(PrintableText.of(CSVFields.text(cell).utf8))\" overflows Float — expected a magnitude below 3.4e38")
                    }
                    features.append(value)
                }
            }
            field += 1
            if after >= line.end { break }
            p = after + 1
        }
        if field != columnCount {
            throw DataError(.raggedRow, file: source, line: line.number, column: min(field, columnCount) + 1,
                            message: "row has \(field) fields — expected \(columnCount), as in line \(firstLine)")
        }
    }

    private func cellError(_ cell: CSVFields.Field, token: DecimalScanner.Token, line: Int, field: Int, source: String) -> DataError {
        let text = PrintableText.of(CSVFields.text(cell).utf8)
        if cell.start == cell.end {
            return DataError(.badValue, file: source, line: line, column: field + 1,
                             message: "empty cell — expected a number (missing values are not supported)")
        }
        if (token.kind == .notANumber || token.kind == .infinity) && token.end == cell.end {
            return DataError(.nonFinite, file: source, line: line, column: field + 1,
                             message: "cell \"\(text)\" is not finite — expected a finite number")
        }
        return DataError(.badValue, file: source, line: line, column: field + 1,
                         message: "non-numeric cell \"\(text)\" — expected a number; CSV cells must be numeric (encode categorical columns first, or set hasHeader if this row is a header)")
    }

    // MARK: - Header and label column

    private func fields(of line: CSVLines.Line, separator: UInt8, source: String) throws(DataError) -> [CSVFields.Field] {
        var result: [CSVFields.Field] = []
        var p = line.start
        while true {
            guard let (cell, after) = CSVFields.next(p, lineEnd: line.end, delimiter: separator) else {
                throw DataError(.badValue, file: source, line: line.number, column: result.count + 1,
                                message: "unterminated quote — expected a closing \" on the same line")
            }
            result.append(cell)
            if after >= line.end { break }
            p = after + 1
        }
        return result
    }

    private static func isNumber(_ cell: CSVFields.Field) -> Bool {
        let token = DecimalScanner.scan(cell.start, cell.end)
        return cell.start < cell.end && token.end == cell.end && token.kind != .invalid
    }

    private func resolveLabelColumn(names: [String]?, columnCount: Int, source: String, line: Int) throws(DataError) -> Int {
        switch labelColumn {
        case nil:
            return columnCount - 1
        case .index(let index):
            guard index >= 0 && index < columnCount else {
                throw DataError(.missingLabelColumn, file: source, line: line,
                                message: "label column index \(index) is out of range — expected 0…\(columnCount - 1) (the file has \(columnCount) columns)")
            }
            return index
        case .name(let name):
            guard let names else {
                throw DataError(.missingLabelColumn, file: source, line: line,
                                message: "label column \"\(name)\" needs a header row — the first row holds numbers; choose the label column by index instead")
            }
            guard let index = names.firstIndex(of: name) else {
                let available = names.map { "\"\(PrintableText.of($0.utf8))\"" }.joined(separator: ", ")
                throw DataError(.missingLabelColumn, file: source, line: line,
                                message: "no label column \"\(PrintableText.of(name.utf8))\" — expected one of \(available)")
            }
            return index
        }
    }

    private func emptyError(_ source: String) -> DataError {
        DataError(.emptyFile, file: source, message: "no data rows — expected comma-separated numeric rows")
    }
}

/// The non-blank lines of a buffer, with their 1-based numbers and without the line end
/// (`\n` or `\r\n`).
struct CSVLines {
    struct Line {
        var start: UnsafePointer<UInt8>
        var end: UnsafePointer<UInt8>
        var number: Int
    }

    private var p: UnsafePointer<UInt8>
    private let end: UnsafePointer<UInt8>
    private var number = 0

    init(start: UnsafePointer<UInt8>, count: Int) {
        p = start
        end = start + count
    }

    /// The next line that holds something other than spaces and tabs.
    mutating func next() -> Line? {
        while p < end {
            number += 1
            let lineStart = p
            var q = p
            while q < end && q.pointee != UInt8(ascii: "\n") { q += 1 }
            p = q < end ? q + 1 : q
            var lineEnd = q
            if lineEnd > lineStart && lineEnd[-1] == UInt8(ascii: "\r") { lineEnd -= 1 }
            var r = lineStart
            while r < lineEnd && CSVFields.isPadding(r.pointee) { r += 1 }
            if r < lineEnd { return Line(start: lineStart, end: lineEnd, number: number) }
        }
        return nil
    }
}
