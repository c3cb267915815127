/// One message on the wire between the parameter server and a worker.
///
/// Layout (all integers little-endian):
///
///     offset  size  field
///     0       4     magic "STRN" (0x53 0x54 0x52 0x4E)
///     4       2     protocol version (1)
///     6       2     message type (``MessageType``)
///     8       4     payload length N (at most ``Frame/maximumPayload``)
///     12      N     payload
///     12+N    4     CRC-32 (IEEE) of bytes 0 ..< 12+N
///
/// A frame that breaks any rule (magic, version, type, length, checksum) is refused with a
/// ``TransportError`` and never handed to the training loop.
public struct Frame: Sendable, Equatable {
    /// The four magic bytes, "STRN".
    public static let magic: [UInt8] = Array("STRN".utf8)
    /// The protocol version this build speaks.
    public static let version: UInt16 = 1
    /// Bytes before the payload.
    public static let headerSize = 12
    /// Bytes after the payload.
    public static let trailerSize = 4
    /// The largest payload accepted: 256 MiB (a gradient of 64 M float32 values).
    public static let maximumPayload = 256 << 20

    public var type: MessageType
    public var payload: [UInt8]

    public init(type: MessageType, payload: [UInt8]) {
        self.type = type
        self.payload = payload
    }

    /// The frame's bytes on the wire.
    public func encoded() -> [UInt8] {
        var bytes = Self.magic
        bytes.reserveCapacity(Self.headerSize + payload.count + Self.trailerSize)
        bytes.appendLittleEndian(Self.version)
        bytes.appendLittleEndian(type.rawValue)
        bytes.appendLittleEndian(UInt32(payload.count))
        bytes.append(contentsOf: payload)
        bytes.appendLittleEndian(CRC32.checksum(bytes))
        return bytes
    }

    /// Decodes one frame from the start of `bytes`.
    /// - Returns: the frame and the number of bytes it used, or `nil` when `bytes` holds only
    ///   the start of a frame so far (wait for more).
    /// - Throws: ``TransportError`` for anything that is not a valid frame; `peer` names the
    ///   sender in the message.
    public static func decode<Bytes: RandomAccessCollection<UInt8>>(_ bytes: Bytes, peer: String) throws(TransportError) -> (Frame, Int)? {
        let start = bytes.startIndex
        func byte(_ offset: Int) -> UInt8 { bytes[bytes.index(start, offsetBy: offset)] }
        let available = bytes.count
        for i in 0 ..< min(available, 4) where byte(i) != magic[i] {
            let seen = (0 ..< min(available, 4)).map { String(byte($0), radix: 16) }.joined(separator: " ")
            throw TransportError(.malformedFrame, peer: peer, "bad magic bytes [\(seen)] — expected \"STRN\"")
        }
        guard available >= headerSize else { return nil }
        let version = UInt16(byte(4)) | UInt16(byte(5)) << 8
        guard version == Self.version else {
            throw TransportError(.wrongVersion, peer: peer, "protocol version \(version) — this build speaks version \(Self.version)")
        }
        let rawType = UInt16(byte(6)) | UInt16(byte(7)) << 8
        guard let type = MessageType(rawValue: rawType) else {
            throw TransportError(.malformedFrame, peer: peer, "unknown message type \(rawType)")
        }
        let length = Int(UInt32(byte(8)) | UInt32(byte(9)) << 8 | UInt32(byte(10)) << 16 | UInt32(byte(11)) << 24)
        guard length <= maximumPayload else {
            throw TransportError(.oversizedFrame, peer: peer, "payload of \(length) bytes — the limit is \(maximumPayload)")
        }
        let total = headerSize + length + trailerSize
        guard available >= total else { return nil }
        let body = Array(bytes[start ..< bytes.index(start, offsetBy: headerSize + length)])
        let stored = UInt32(byte(total - 4)) | UInt32(byte(total - 3)) << 8 | UInt32(byte(total - 2)) << 16 | UInt32(byte(total - 1)) << 24
        let computed = CRC32.checksum(body)
        guard stored == computed else {
            throw TransportError(.badChecksum, peer: peer, "checksum \(String(stored, radix: 16)) does not match the frame's \(String(computed, radix: 16))")
        }
        return (Frame(type: type, payload: Array(body[headerSize...])), total)
    }
}

extension [UInt8] {
    mutating func appendLittleEndian<T: FixedWidthInteger>(_ value: T) {
        Swift.withUnsafeBytes(of: value.littleEndian) { append(contentsOf: $0) }
    }
}
