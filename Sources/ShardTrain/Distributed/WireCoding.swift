/// Little-endian writing of message payloads.
struct WireWriter {
    private(set) var bytes: [UInt8] = []

    /// A writer whose buffer holds `capacity` bytes before it has to grow.
    init(capacity: Int = 0) { bytes.reserveCapacity(capacity) }

    mutating func write<T: FixedWidthInteger>(_ value: T) { bytes.appendLittleEndian(value) }
    mutating func write(_ value: Double) { bytes.appendLittleEndian(value.bitPattern) }
    mutating func write(_ value: Bool) { bytes.append(value ? 1 : 0) }

    mutating func write(_ values: [Double]) {
        write(UInt64(values.count))
        for value in values { write(value) }
    }

    mutating func write(floats values: [Float]) {
        write(UInt64(values.count))
        #if _endian(little)
        values.withUnsafeBytes { bytes.append(contentsOf: $0) }
        #else
        for value in values { bytes.appendLittleEndian(value.bitPattern) }
        #endif
    }

    mutating func write(_ text: String) {
        let utf8 = Array(text.utf8)
        write(UInt64(utf8.count))
        bytes.append(contentsOf: utf8)
    }
}

/// Little-endian reading of message payloads; every read is bounds-checked and a short or
/// inconsistent payload is a ``TransportError/Code/badMessage`` naming the peer.
/// It reads from raw bytes that must outlive it (a frame's payload array, or the receive
/// buffer of a connection, which the decoder reads in place).
struct WireReader {
    private let bytes: UnsafeRawBufferPointer
    private var offset = 0
    let peer: String
    let context: String
    /// The longest a sparse vector may expand to.
    let vectorLimit: Int

    /// The largest count a message may declare (rows, features, a row range's ends): 2⁴⁰, so
    /// that sums over any number of shards and products with a class count cannot overflow.
    static let largestCount: UInt64 = 1 << 40

    init(_ bytes: UnsafeRawBufferPointer, peer: String, context: String, vectorLimit: Int = Frame.maximumPayload / 4) {
        self.bytes = bytes
        self.peer = peer
        self.context = context
        self.vectorLimit = vectorLimit
    }

    func fail(_ what: String) -> TransportError {
        TransportError(.badMessage, peer: peer, "\(context): \(what)")
    }

    mutating func read<T: FixedWidthInteger>(_: T.Type) throws(TransportError) -> T {
        let size = MemoryLayout<T>.size
        guard offset + size <= bytes.count else { throw fail("payload ends early (needed \(size) more bytes at \(offset))") }
        let value = T(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: T.self))
        offset += size
        return value
    }

    /// A count (rows, features), at most ``largestCount``.
    mutating func readInt(_ what: String) throws(TransportError) -> Int {
        let value = try read(UInt64.self)
        guard value <= Self.largestCount else { throw fail("\(what) \(value) is beyond the protocol's limit of 2⁴⁰") }
        return Int(value)
    }

    mutating func readDouble() throws(TransportError) -> Double { Double(bitPattern: try read(UInt64.self)) }
    mutating func readBool() throws(TransportError) -> Bool { try read(UInt8.self) != 0 }

    mutating func readCount(elementSize: Int) throws(TransportError) -> Int {
        let count = try read(UInt64.self)
        guard count <= UInt64((bytes.count - offset) / max(elementSize, 1)) else {
            throw fail("declares \(count) elements but only \(bytes.count - offset) bytes remain")
        }
        return Int(count)
    }

    mutating func readDoubles() throws(TransportError) -> [Double] {
        let count = try readCount(elementSize: 8)
        var values = [Double]()
        values.reserveCapacity(count)
        for _ in 0 ..< count { values.append(try readDouble()) }
        return values
    }

    mutating func readFloats() throws(TransportError) -> [Float] {
        let count = try readCount(elementSize: 4)
        #if _endian(little)
        let source = UnsafeRawBufferPointer(rebasing: bytes[offset ..< offset + 4 * count])
        let values = [Float](unsafeUninitializedCapacity: count) { target, initialized in
            UnsafeMutableRawBufferPointer(target).copyMemory(from: source)
            initialized = count
        }
        offset += 4 * count
        return values
        #else
        var values = [Float]()
        values.reserveCapacity(count)
        for _ in 0 ..< count { values.append(Float(bitPattern: try read(UInt32.self))) }
        return values
        #endif
    }

    mutating func readBytes() throws(TransportError) -> [UInt8] {
        let count = try readCount(elementSize: 1)
        let slice = Array(bytes[offset ..< offset + count])
        offset += count
        return slice
    }

    mutating func readString() throws(TransportError) -> String {
        let count = try readCount(elementSize: 1)
        let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[offset ..< offset + count]), as: UTF8.self)
        offset += count
        return text
    }

    /// Throws unless every byte was read.
    func finish() throws(TransportError) {
        guard offset == bytes.count else { throw fail("\(bytes.count - offset) unexpected trailing bytes") }
    }
}
