/// Splitting one CSV line into fields: byte ranges, with minimal quoting support.
///
/// A field may be wrapped in double quotes (which may then contain the delimiter, and `""` for
/// one quote); spaces and tabs around a field are ignored. Quoted fields cannot span lines.
enum CSVFields {
    /// One field of a line: its content's bytes (inside the quotes, if quoted).
    struct Field {
        var start: UnsafePointer<UInt8>
        var end: UnsafePointer<UInt8>
        var isQuoted: Bool
    }

    /// Whether `c` is a space or tab.
    @inline(__always)
    static func isPadding(_ c: UInt8) -> Bool { c == UInt8(ascii: " ") || c == UInt8(ascii: "\t") }

    /// Reads the field at `p` (up to `lineEnd`), returning it and the position after it (at the
    /// delimiter or `lineEnd`), or `nil` for an unterminated quote.
    @inline(__always)
    static func next(_ start: UnsafePointer<UInt8>, lineEnd: UnsafePointer<UInt8>, delimiter: UInt8) -> (Field, UnsafePointer<UInt8>)? {
        var p = start
        while p < lineEnd && isPadding(p.pointee) { p += 1 }
        if p < lineEnd && p.pointee == UInt8(ascii: "\"") {
            let contentStart = p + 1
            var q = contentStart
            while true {
                guard q < lineEnd else { return nil }
                if q.pointee == UInt8(ascii: "\"") {
                    if q + 1 < lineEnd && q[1] == UInt8(ascii: "\"") { q += 2; continue }
                    break
                }
                q += 1
            }
            let field = Field(start: contentStart, end: q, isQuoted: true)
            var after = q + 1
            while after < lineEnd && after.pointee != delimiter { after += 1 }
            return (field, after)
        }
        let fieldStart = p
        while p < lineEnd && p.pointee != delimiter { p += 1 }
        var fieldEnd = p
        while fieldEnd > fieldStart && isPadding(fieldEnd[-1]) { fieldEnd -= 1 }
        return (Field(start: fieldStart, end: fieldEnd, isQuoted: false), p)
    }

    /// The text of a field, with `""` turned into `"` in quoted fields.
    static func text(_ field: Field) -> String {
        let raw = DecimalScanner.text(field.start, field.end)
        return field.isQuoted ? raw.replacingOccurrences(of: "\"\"", with: "\"") : raw
    }
}

extension String {
    /// `self` with every `target` replaced (a small Foundation-free helper).
    fileprivate func replacingOccurrences(of target: String, with replacement: String) -> String {
        var result = ""
        var rest = Substring(self)
        while let range = rest.firstRange(of: target) {
            result += rest[..<range.lowerBound]
            result += replacement
            rest = rest[range.upperBound...]
        }
        return result + rest
    }
}
