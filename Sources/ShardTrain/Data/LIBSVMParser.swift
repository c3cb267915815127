/// The byte-level LIBSVM scanner: turns lines of `label [qid:N] index:value ...` into CSR arrays.
///
/// One pass over the bytes, no allocation per token. Explicit zero values are dropped (their
/// index still counts towards the feature count, so the usual `123:0` padding entry works).
struct LIBSVMParser {
    /// Rows parsed so far, in CSR form with 0-based columns.
    struct Rows {
        var labels: [Double] = []
        var rowOffsets: [Int] = [0]
        var columnIndices: [Int32] = []
        var values: [Float] = []
        /// The largest 1-based index seen (dropped zeros included).
        var maxIndex = 0
        /// The 1-based line where ``maxIndex`` first appears (0: no features).
        var maxIndexLine = 0
    }

    /// A parse error before the file name and absolute line are known.
    struct Failure: Error {
        var code: DataError.Code
        /// 1-based line, counted from the start of the parsed bytes.
        var line: Int
        var column: Int
        var message: String
    }

    /// The largest accepted 1-based index (a fixed feature count, or what `Int32` columns hold).
    let indexLimit: UInt64
    /// Whether `indexLimit` comes from a fixed feature count (for the message).
    let isFixedFeatureCount: Bool

    init(featureCount: Int?) {
        if let featureCount {
            indexLimit = UInt64(max(0, min(featureCount, Int(Int32.max))))
            isFixedFeatureCount = true
        } else {
            indexLimit = UInt64(Int32.max)
            isFixedFeatureCount = false
        }
    }

    private static let space = UInt8(ascii: " "), tab = UInt8(ascii: "\t"), cr = UInt8(ascii: "\r")
    private static let newline = UInt8(ascii: "\n"), hash = UInt8(ascii: "#"), colon = UInt8(ascii: ":")

    @inline(__always)
    private static func isBlank(_ c: UInt8) -> Bool { c == space || c == tab || c == cr }

    @inline(__always)
    private static func endsToken(_ c: UInt8) -> Bool { c == space || c == newline || c == tab || c == cr || c == hash }

    /// Parses every line in `bytes`.
    /// - Throws: ``Failure`` with the line counted from the start of `bytes`.
    func parse(_ bytes: UnsafeRawBufferPointer) throws(Failure) -> Rows {
        var rows = Rows()
        guard let base = bytes.baseAddress, bytes.count > 0 else { return rows }
        let start = base.assumingMemoryBound(to: UInt8.self)
        let end = start + bytes.count
        var p = start
        var line = 1
        var labels = AppendBuffer<Double>(capacity: bytes.count / 64)
        var offsets = AppendBuffer<Int>(capacity: bytes.count / 64 + 1)
        var columns = AppendBuffer<Int32>(capacity: bytes.count / 8)
        var values = AppendBuffer<Float>(capacity: bytes.count / 8)
        offsets.append(0)
        var maxIndex: UInt64 = 0
        var maxIndexLine = 0

        while p < end {
            let lineStart = p
            while p < end && Self.isBlank(p.pointee) { p += 1 }
            if p == end { break }
            if p.pointee == Self.newline { p += 1; line += 1; continue }
            if p.pointee == Self.hash {
                p = Self.lineEnd(p, end)
                continue
            }

            // Label.
            let labelStart = p
            let label: Double
            if let integer = Self.scanInteger(p, end) {
                label = Double(integer.value)
                p = integer.end
            } else {
                let labelToken = DecimalScanner.scan(p, end)
                if labelToken.kind != .number || (labelToken.end < end && !Self.endsToken(labelToken.end.pointee)) {
                    throw labelFailure(labelToken, at: labelStart, lineStart: lineStart, end: end, line: line)
                }
                label = DecimalScanner.double(labelToken, start: labelStart)
                if !label.isFinite {
                    throw Failure(code: .nonFinite, line: line, column: labelStart - lineStart + 1,
                                  message: "label \(Self.quotedToken(labelStart, end)) is not finite — expected a finite number")
                }
                p = labelToken.end
            }

            // Features.
            var previous: UInt64 = 0
            var isFirstToken = true
            while true {
                while p < end && Self.isBlank(p.pointee) { p += 1 }
                if p == end { break }
                let c = p.pointee
                if c == Self.newline { break }
                if c == Self.hash { p = Self.lineEnd(p, end); break }
                let tokenStart = p
                var index: UInt64 = 0
                var tooLarge = false
                while p < end {
                    let digit = p.pointee &- 48
                    if digit > 9 { break }
                    if index <= 0x0FFF_FFFF_FFFF { index = index &* 10 &+ UInt64(digit) } else { tooLarge = true }
                    p += 1
                }
                if p == tokenStart || p == end || p.pointee != Self.colon {
                    if isFirstToken && Self.isQueryID(tokenStart, end) {
                        p = Self.tokenEnd(tokenStart, end)
                        isFirstToken = false
                        continue
                    }
                    throw featureFailure(at: tokenStart, lineStart: lineStart, end: end, line: line)
                }
                isFirstToken = false
                let column = tokenStart - lineStart + 1
                if tooLarge || index > indexLimit {
                    throw Failure(code: .indexOutOfRange, line: line, column: column,
                                  message: indexLimitMessage(tokenStart, end))
                }
                if index == 0 {
                    throw Failure(code: .badIndex, line: line, column: column,
                                  message: "bad feature index \(Self.quotedToken(tokenStart, end)) — indices are 1-based")
                }
                if index <= previous {
                    throw Failure(code: .indicesNotIncreasing, line: line, column: column,
                                  message: "feature index \(index) after \(previous) in \(Self.quotedToken(tokenStart, end)) — indices must be strictly increasing within a row")
                }
                p += 1
                let valueStart = p
                let value: Float
                if let integer = Self.scanInteger(p, end) {
                    value = Float(integer.value)  // integer → Float conversion rounds correctly
                    p = integer.end
                } else {
                    let token = DecimalScanner.scan(p, end)
                    if token.kind != .number || (token.end < end && !Self.endsToken(token.end.pointee)) {
                        throw valueFailure(token, tokenStart: tokenStart, valueStart: valueStart, lineStart: lineStart, end: end, line: line)
                    }
                    value = DecimalScanner.float(token, start: valueStart)
                    if !value.isFinite {
                        throw Failure(code: .nonFinite, line: line, column: valueStart - lineStart + 1,
                                      message: "value \(Self.quotedToken(tokenStart, end)) overflows Float — expected a finite number of magnitude below 3.4e38")
                    }
                    p = token.end
                }
                if value != 0 {
                    columns.append(Int32(truncatingIfNeeded: index &- 1))
                    values.append(value)
                }
                previous = index
            }
            if previous > maxIndex {
                maxIndex = previous
                maxIndexLine = line
            }
            labels.append(label)
            offsets.append(values.count)
        }
        rows.labels = labels.toArray()
        rows.rowOffsets = offsets.toArray()
        rows.columnIndices = columns.toArray()
        rows.values = values.toArray()
        rows.maxIndex = Int(maxIndex)
        rows.maxIndexLine = maxIndexLine
        return rows
    }

    // MARK: - Small scanning helpers

    /// The common case of a label or value: an optionally signed integer of at most 18 digits,
    /// followed by a token end. `nil` for anything else (the caller then takes the full scanner).
    @inline(__always)
    private static func scanInteger(_ start: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>) -> (value: Int64, end: UnsafePointer<UInt8>)? {
        var p = start
        var negative = false
        if p < end {
            if p.pointee == UInt8(ascii: "-") { negative = true; p += 1 } else if p.pointee == UInt8(ascii: "+") { p += 1 }
        }
        let digitsStart = p
        var value: Int64 = 0
        while p < end {
            let digit = p.pointee &- 48
            if digit > 9 { break }
            value = value &* 10 &+ Int64(digit)
            p += 1
        }
        let digits = p - digitsStart
        guard digits > 0 && digits <= 18 && (p == end || endsToken(p.pointee)) else { return nil }
        return (negative ? -value : value, p)
    }

    /// The position of the newline ending the line that contains `p` (or `end`).
    @inline(__always)
    private static func lineEnd(_ p: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>) -> UnsafePointer<UInt8> {
        var q = p
        while q < end && q.pointee != newline { q += 1 }
        return q
    }

    /// The first byte after the whitespace-delimited token at `p`.
    private static func tokenEnd(_ p: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>) -> UnsafePointer<UInt8> {
        var q = p
        while q < end && !endsToken(q.pointee) { q += 1 }
        return q
    }

    /// Whether the token at `p` is SVMlight's `qid:N` (ignored).
    private static func isQueryID(_ p: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>) -> Bool {
        guard end - p > 4, p[0] == UInt8(ascii: "q"), p[1] == UInt8(ascii: "i"),
              p[2] == UInt8(ascii: "d"), p[3] == colon else { return false }
        let q = tokenEnd(p + 4, end)
        return q > p + 4 && (p + 4 ..< q).allSatisfy { $0.pointee &- 48 <= 9 }
    }

    /// The whitespace-delimited token at `p`, quoted and shortened for a message.
    static func quotedToken(_ p: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>) -> String {
        let q = tokenEnd(p, end)
        var text = PrintableText.of(UnsafeBufferPointer(start: p, count: min(q, p + 60) - p))
        if q - p > 60 { text += "…" }
        return "\"\(text)\""
    }

    // MARK: - Error classification (cold paths)

    private func labelFailure(_ token: DecimalScanner.Token, at start: UnsafePointer<UInt8>,
                              lineStart: UnsafePointer<UInt8>, end: UnsafePointer<UInt8>, line: Int) -> Failure {
        let column = start - lineStart + 1
        let quoted = Self.quotedToken(start, end)
        if token.kind == .notANumber || token.kind == .infinity {
            let after = token.end
            if after == end || Self.endsToken(after.pointee) {
                return Failure(code: .nonFinite, line: line, column: column,
                               message: "label \(quoted) is not finite — expected a finite number")
            }
        }
        var hint = ""
        if token.kind == .number && token.end < end && token.end.pointee == Self.colon {
            hint = " (the row seems to start with a feature; every row needs a label first)"
        }
        return Failure(code: .badLabel, line: line, column: column,
                       message: "bad label \(quoted) — expected a number such as -1, +1, 0, 2 or 3.5\(hint)")
    }

    private func featureFailure(at start: UnsafePointer<UInt8>, lineStart: UnsafePointer<UInt8>,
                                end: UnsafePointer<UInt8>, line: Int) -> Failure {
        let column = start - lineStart + 1
        let quoted = Self.quotedToken(start, end)
        if start.pointee == UInt8(ascii: "-") && start + 1 < end && start[1] &- 48 <= 9 {
            return Failure(code: .badIndex, line: line, column: column,
                           message: "negative feature index \(quoted) — indices are 1-based positive integers")
        }
        if start.pointee == Self.colon {
            return Failure(code: .badValue, line: line, column: column,
                           message: "missing feature index in \(quoted) — expected index:value, e.g. 3:0.5")
        }
        return Failure(code: .badValue, line: line, column: column,
                       message: "bad feature \(quoted) — expected index:value with a positive integer index, e.g. 3:0.5")
    }

    private func valueFailure(_ token: DecimalScanner.Token, tokenStart: UnsafePointer<UInt8>, valueStart: UnsafePointer<UInt8>,
                              lineStart: UnsafePointer<UInt8>, end: UnsafePointer<UInt8>, line: Int) -> Failure {
        let column = valueStart - lineStart + 1
        let quoted = Self.quotedToken(tokenStart, end)
        let terminated = token.end == end || Self.endsToken(token.end.pointee)
        if (token.kind == .notANumber || token.kind == .infinity) && terminated {
            return Failure(code: .nonFinite, line: line, column: column,
                           message: "value in \(quoted) is not finite — expected a finite number")
        }
        if valueStart == end || Self.endsToken(valueStart.pointee) {
            return Failure(code: .badValue, line: line, column: column,
                           message: "missing value in \(quoted) — expected index:value, e.g. 3:0.5")
        }
        return Failure(code: .badValue, line: line, column: column,
                       message: "bad value in \(quoted) — expected a decimal number, e.g. 3:0.5 or 3:-1.2e-3")
    }

    private func indexLimitMessage(_ start: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>) -> String {
        let quoted = Self.quotedToken(start, end)
        if isFixedFeatureCount {
            return "feature index in \(quoted) exceeds the feature count \(indexLimit) — expected indices 1…\(indexLimit)"
        }
        return "feature index in \(quoted) is too large — expected at most \(indexLimit)"
    }
}
