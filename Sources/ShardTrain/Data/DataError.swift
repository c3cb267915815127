/// Why a dataset could not be read or written: what went wrong, where, and what was expected.
///
/// ``description`` reads like a compiler diagnostic,
/// `a9a:17:23: bad feature index "0:1" — indices are 1-based`: the file, the 1-based line and
/// column when they are known, then the problem and what was expected.
///
/// What `line` and `column` count depends on the format:
/// - LIBSVM text: the line number and the 1-based byte column of the offending token.
/// - CSV: the line number and the 1-based field number.
/// - NPY: the 1-based row and column of the offending element (for 1-D arrays the element's
///   1-based position is the `line` and `column` is `nil`).
public struct DataError: Error, CustomStringConvertible, Sendable {
    /// The kind of problem; new codes may be added.
    public enum Code: String, Sendable, Equatable, CaseIterable {
        /// The file does not exist.
        case fileNotFound
        /// The file exists but cannot be opened or read (permissions, a directory, an I/O error).
        case unreadable
        /// The file holds no rows.
        case emptyFile
        /// A label is not a number.
        case badLabel
        /// A feature index is 0 or negative (LIBSVM indices are 1-based).
        case badIndex
        /// Feature indices are not strictly increasing within a row.
        case indicesNotIncreasing
        /// A feature index exceeds the fixed feature count (or what 32-bit storage can hold).
        case indexOutOfRange
        /// A token or cell is not a number or not in the expected `index:value` form.
        case badValue
        /// A value or label is NaN or infinite, or overflows `Float`.
        case nonFinite
        /// A CSV row has a different number of fields than the first row.
        case raggedRow
        /// The CSV label column named or numbered does not exist.
        case missingLabelColumn
        /// An NPY file's magic bytes or header dictionary are malformed.
        case badHeader
        /// An NPY file stores a data type other than the supported ones.
        case unsupportedDType
        /// An array has the wrong number of dimensions or a size that does not fit.
        case shapeMismatch
        /// The number of labels differs from the number of feature rows.
        case labelCountMismatch
        /// A binary file ends before all its data.
        case truncated
        /// An option is invalid or missing for the format (e.g. no labels file for NPY).
        case invalidOption
        /// Writing a file failed.
        case unwritable
    }

    /// The kind of problem.
    public var code: Code
    /// The file (path as given) or source description.
    public var file: String
    /// The 1-based line (or row) of the problem, when known.
    public var line: Int?
    /// The 1-based column of the problem, when known (see the type's discussion for units).
    public var column: Int?
    /// What was found and what was expected.
    public var message: String

    /// Creates an error.
    public init(_ code: Code, file: String, line: Int? = nil, column: Int? = nil, message: String) {
        self.code = code
        self.file = file
        self.line = line
        self.column = column
        self.message = message
    }

    /// `file:line:column: message`, leaving out the parts that are not known.
    public var description: String {
        var location = file
        if let line {
            location += ":\(line)"
            if let column { location += ":\(column)" }
        }
        return "\(location): \(message)"
    }
}
