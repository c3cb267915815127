/// The header of a NumPy `.npy` file (format versions 1.0, 2.0 and 3.0).
///
/// Layout: the magic `\x93NUMPY`, two version bytes, the header length (2 bytes little-endian in
/// version 1, 4 bytes in versions 2 and 3), then a Python dict literal such as
/// `{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }` padded with spaces and a newline;
/// the array data follows.
struct NPYHeader: Equatable {
    /// The element types this project reads, all little-endian.
    enum DType: String {
        case float32 = "<f4", float64 = "<f8", int32 = "<i4", int64 = "<i8"

        /// Bytes per element.
        var size: Int {
            switch self {
            case .float32, .int32: 4
            case .float64, .int64: 8
            }
        }
    }

    var dtype: DType
    var shape: [Int]
    /// Offset of the first data byte.
    var dataOffset: Int

    static let magic: [UInt8] = [0x93] + Array("NUMPY".utf8)

    /// Parses the header at the start of `bytes`.
    /// - Throws: ``DataError/Code/badHeader``, ``DataError/Code/unsupportedDType`` (also for
    ///   Fortran order, which this reader does not transpose).
    static func parse(_ bytes: UnsafeRawBufferPointer, file: String) throws(DataError) -> NPYHeader {
        guard bytes.count >= 10, Array(bytes[0 ..< 6]) == magic else {
            throw DataError(.badHeader, file: file, message: "not an NPY file — expected the magic bytes \\x93NUMPY at the start")
        }
        let major = bytes[6]
        let lengthBytes: Int
        switch major {
        case 1: lengthBytes = 2
        case 2, 3: lengthBytes = 4
        default:
            throw DataError(.badHeader, file: file, message: "NPY format version \(major).\(bytes[7]) — expected 1.0, 2.0 or 3.0")
        }
        guard bytes.count >= 8 + lengthBytes else {
            throw DataError(.truncated, file: file, message: "file ends inside the NPY header — expected a complete header")
        }
        var headerLength = 0
        for i in (0 ..< lengthBytes).reversed() { headerLength = headerLength << 8 | Int(bytes[8 + i]) }
        let headerStart = 8 + lengthBytes
        guard bytes.count >= headerStart + headerLength else {
            throw DataError(.truncated, file: file, message: "file ends inside the NPY header — expected \(headerLength) header bytes")
        }
        let text = String(decoding: bytes[headerStart ..< headerStart + headerLength], as: UTF8.self)
        var dictionary = PythonLiteralScanner(text: text, file: file)
        let entries = try dictionary.parseDictionary()

        guard case .string(let descr)? = entries["descr"] else {
            throw DataError(.badHeader, file: file, message: "NPY header has no 'descr' string — found \(text.trimmed)")
        }
        guard let dtype = DType(rawValue: descr) else {
            throw DataError(.unsupportedDType, file: file, message: "unsupported dtype '\(descr)' — expected '<f4', '<f8', '<i4' or '<i8' (little-endian float32/float64/int32/int64)")
        }
        guard case .bool(let fortranOrder)? = entries["fortran_order"] else {
            throw DataError(.badHeader, file: file, message: "NPY header has no 'fortran_order' flag — found \(text.trimmed)")
        }
        if fortranOrder {
            throw DataError(.unsupportedDType, file: file, message: "array is in Fortran (column-major) order — expected fortran_order False; save it with numpy.ascontiguousarray")
        }
        guard case .tuple(let shape)? = entries["shape"] else {
            throw DataError(.badHeader, file: file, message: "NPY header has no 'shape' tuple — found \(text.trimmed)")
        }
        return NPYHeader(dtype: dtype, shape: shape, dataOffset: headerStart + headerLength)
    }

    /// The header bytes for an array (version 1.0, padded so the data starts at a multiple of 64).
    static func encode(dtype: DType, shape: [Int]) -> [UInt8] {
        let shapeText = shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
        var dictionary = "{'descr': '\(dtype.rawValue)', 'fortran_order': False, 'shape': \(shapeText), }"
        let unpadded = 10 + dictionary.utf8.count + 1
        dictionary += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
        let length = dictionary.utf8.count
        return magic + [1, 0, UInt8(length & 0xFF), UInt8(length >> 8)] + Array(dictionary.utf8)
    }
}

extension String {
    /// The text without surrounding whitespace, for messages.
    fileprivate var trimmed: String {
        String(drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed())
    }
}
