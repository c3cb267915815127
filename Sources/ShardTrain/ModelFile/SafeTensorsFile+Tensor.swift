extension SafeTensorsFile {
    /// One tensor: its element type, its shape (row-major) and its raw little-endian bytes.
    ///
    /// A value always holds exactly `Π shape × dtype.byteSize` bytes. The typed accessors
    /// (``floats()``, ``doubles()``, …) check the dtype and decode the bytes.
    public struct Tensor: Sendable, Equatable {
        /// The element type.
        public let dtype: DType
        /// The dimensions, outermost first; `[]` is a scalar (one element).
        public let shape: [Int]
        /// The elements' bytes, little-endian, row-major.
        public let bytes: [UInt8]

        /// Creates a tensor from raw bytes.
        /// - Throws: ``ModelFileError/Code/badTensor`` when a dimension is negative, the element
        ///   count overflows, or `bytes` is not `Π shape × dtype.byteSize` long.
        public init(dtype: DType, shape: [Int], bytes: [UInt8]) throws(ModelFileError) {
            guard let count = Self.byteCount(dtype: dtype, shape: shape) else {
                throw ModelFileError(.badTensor, path: "",
                                     "shape \(shape) is invalid (a negative dimension or too many elements)")
            }
            guard count == bytes.count else {
                throw ModelFileError(.badTensor, path: "",
                                     "\(dtype.rawValue) \(shape) needs \(count) bytes, found \(bytes.count)")
            }
            self.init(unchecked: dtype, shape: shape, bytes: bytes)
        }

        /// Creates a tensor whose byte count is already known to match its shape.
        init(unchecked dtype: DType, shape: [Int], bytes: [UInt8]) {
            self.dtype = dtype
            self.shape = shape
            self.bytes = bytes
        }

        /// An `F32` tensor. `shape` defaults to `[values.count]`.
        /// - Precondition: `Π shape == values.count`.
        public init(floats values: [Float], shape: [Int]? = nil) {
            self.init(.float32, shape: shape, count: values.count, bytes: Self.littleEndianBytes(values.map(\.bitPattern)))
        }

        /// An `F64` tensor. `shape` defaults to `[values.count]`.
        /// - Precondition: `Π shape == values.count`.
        public init(doubles values: [Double], shape: [Int]? = nil) {
            self.init(.float64, shape: shape, count: values.count, bytes: Self.littleEndianBytes(values.map(\.bitPattern)))
        }

        /// An `I8` tensor. `shape` defaults to `[values.count]`.
        /// - Precondition: `Π shape == values.count`.
        public init(int8s values: [Int8], shape: [Int]? = nil) {
            self.init(.int8, shape: shape, count: values.count, bytes: values.map { UInt8(bitPattern: $0) })
        }

        /// A `U8` tensor. `shape` defaults to `[values.count]`.
        /// - Precondition: `Π shape == values.count`.
        public init(uint8s values: [UInt8], shape: [Int]? = nil) {
            self.init(.uint8, shape: shape, count: values.count, bytes: values)
        }

        /// A `U16` tensor. `shape` defaults to `[values.count]`.
        /// - Precondition: `Π shape == values.count`.
        public init(uint16s values: [UInt16], shape: [Int]? = nil) {
            self.init(.uint16, shape: shape, count: values.count, bytes: Self.littleEndianBytes(values))
        }

        /// An `I32` tensor. `shape` defaults to `[values.count]`.
        /// - Precondition: `Π shape == values.count`.
        public init(int32s values: [Int32], shape: [Int]? = nil) {
            self.init(.int32, shape: shape, count: values.count, bytes: Self.littleEndianBytes(values))
        }

        /// An `I64` tensor. `shape` defaults to `[values.count]`.
        /// - Precondition: `Π shape == values.count`.
        public init(int64s values: [Int64], shape: [Int]? = nil) {
            self.init(.int64, shape: shape, count: values.count, bytes: Self.littleEndianBytes(values))
        }

        private init(_ dtype: DType, shape: [Int]?, count: Int, bytes: [UInt8]) {
            let shape = shape ?? [count]
            precondition(Self.byteCount(dtype: dtype, shape: shape) == bytes.count,
                         "shape \(shape) does not hold \(count) elements")
            self.init(unchecked: dtype, shape: shape, bytes: bytes)
        }

        /// Number of elements, `Π shape`.
        public var elementCount: Int { bytes.count / dtype.byteSize }

        /// The elements of an `F32` tensor.
        /// - Throws: ``ModelFileError/Code/badTensor`` for any other dtype.
        public func floats() throws(ModelFileError) -> [Float] {
            try requireDType(.float32)
            return littleEndianValues(UInt32.self).map(Float.init(bitPattern:))
        }

        /// The elements of an `F64` tensor.
        /// - Throws: ``ModelFileError/Code/badTensor`` for any other dtype.
        public func doubles() throws(ModelFileError) -> [Double] {
            try requireDType(.float64)
            return littleEndianValues(UInt64.self).map(Double.init(bitPattern:))
        }

        /// The elements of an `I8` tensor.
        /// - Throws: ``ModelFileError/Code/badTensor`` for any other dtype.
        public func int8s() throws(ModelFileError) -> [Int8] {
            try requireDType(.int8)
            return bytes.map { Int8(bitPattern: $0) }
        }

        /// The elements of a `U8` tensor.
        /// - Throws: ``ModelFileError/Code/badTensor`` for any other dtype.
        public func uint8s() throws(ModelFileError) -> [UInt8] {
            try requireDType(.uint8)
            return bytes
        }

        /// The elements of a `U16` tensor.
        /// - Throws: ``ModelFileError/Code/badTensor`` for any other dtype.
        public func uint16s() throws(ModelFileError) -> [UInt16] {
            try requireDType(.uint16)
            return littleEndianValues(UInt16.self)
        }

        /// The elements of an `I32` tensor.
        /// - Throws: ``ModelFileError/Code/badTensor`` for any other dtype.
        public func int32s() throws(ModelFileError) -> [Int32] {
            try requireDType(.int32)
            return littleEndianValues(Int32.self)
        }

        /// The elements of an `I64` tensor.
        /// - Throws: ``ModelFileError/Code/badTensor`` for any other dtype.
        public func int64s() throws(ModelFileError) -> [Int64] {
            try requireDType(.int64)
            return littleEndianValues(Int64.self)
        }

        /// The elements of an `F32` or `F64` tensor, widened to `Double`.
        /// - Throws: ``ModelFileError/Code/badTensor`` for any other dtype.
        public func realValues() throws(ModelFileError) -> [Double] {
            switch dtype {
            case .float32: return try floats().map(Double.init)
            case .float64: return try doubles()
            default:
                throw ModelFileError(.badTensor, path: "", "found dtype \(dtype.rawValue), expected F32 or F64")
            }
        }

        /// `Π shape × dtype.byteSize`, or nil when a dimension is negative or it overflows.
        static func byteCount(dtype: DType, shape: [Int]) -> Int? {
            var total = dtype.byteSize
            for dimension in shape {
                guard dimension >= 0 else { return nil }
                let (product, overflow) = total.multipliedReportingOverflow(by: dimension)
                guard !overflow else { return nil }
                total = product
            }
            return total
        }

        private func requireDType(_ expected: DType) throws(ModelFileError) {
            guard dtype == expected else {
                throw ModelFileError(.badTensor, path: "", "found dtype \(dtype.rawValue), expected \(expected.rawValue)")
            }
        }

        private func littleEndianValues<Raw: FixedWidthInteger>(_: Raw.Type) -> [Raw] {
            let size = MemoryLayout<Raw>.size
            return bytes.withUnsafeBytes { raw in
                (0 ..< raw.count / size).map { i in
                    Raw(littleEndian: raw.loadUnaligned(fromByteOffset: i * size, as: Raw.self))
                }
            }
        }

        private static func littleEndianBytes<Raw: FixedWidthInteger>(_ values: [Raw]) -> [UInt8] {
            var out = [UInt8]()
            out.reserveCapacity(values.count * MemoryLayout<Raw>.size)
            for value in values {
                withUnsafeBytes(of: value.littleEndian) { out.append(contentsOf: $0) }
            }
            return out
        }
    }
}
