import NIOCore

/// One message on the wire between the parameter server and a worker.
///
/// Layout (all integers little-endian):
///
///     offset  size  field
///     0       4     magic "STRN" (0x53 0x54 0x52 0x4E)
///     4       2     protocol version (3)
///     6       2     message type (``MessageType``)
///     8       4     payload length N (at most ``Frame/maximumPayload``)
///     12      N     payload
///
/// After a TCP handshake every frame is sealed (``SessionCipher``): the payload is encrypted
/// and followed by the 16-byte AES-GCM tag over header and payload.
///
/// There is no checksum: every channel already guarantees the bytes. A Unix-domain socket is a
/// copy in the kernel's memory from one process to another; a sealed TCP frame carries its
/// GCM tag, which no corruption (or forgery) passes; the two handshake frames before the
/// sealing are proven by their HMAC and by the first sealed frame. (Versions 1 and 2 carried a
/// CRC-32 that cost more than the socket itself on a 4 MB frame; docs/protocol.md.)
///
/// A frame that breaks any rule (magic, version, type, length, tag, or a type or length the
/// connection does not accept at this point) is refused with a ``TransportError`` and never
/// handed to the training loop.
public struct Frame: Sendable, Equatable {
    /// The four magic bytes, "STRN".
    public static let magic: [UInt8] = Array("STRN".utf8)
    /// The protocol version this build speaks.
    public static let version: UInt16 = 4
    /// Bytes before the payload.
    public static let headerSize = 12
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
        var bytes = [UInt8]()
        bytes.reserveCapacity(Self.headerSize + payload.count)
        bytes.append(contentsOf: header)
        bytes.append(contentsOf: payload)
        return bytes
    }

    /// The 12 header bytes.
    var header: [UInt8] {
        var bytes = Self.magic
        bytes.appendLittleEndian(Self.version)
        bytes.appendLittleEndian(type.rawValue)
        bytes.appendLittleEndian(UInt32(payload.count))
        return bytes
    }

    /// The frame's bytes in one buffer from `allocator`, sized exactly (no regrowth, one copy
    /// of the payload).
    func buffer(_ allocator: ByteBufferAllocator) -> ByteBuffer {
        var buffer = allocator.buffer(capacity: Self.headerSize + payload.count)
        buffer.writeBytes(header)
        buffer.writeBytes(payload)
        return buffer
    }

    /// The bytes of a frame whose payload is `fields` (little-endian 8-byte words) followed by
    /// a float32 vector with its count, written straight from the vector into one buffer: the
    /// vector is copied once, not through an intermediate payload.
    static func vectorBuffer(_ type: MessageType, fields: [UInt64], floats: [Float], _ allocator: ByteBufferAllocator) -> ByteBuffer {
        let payload = 8 * fields.count + 8 + 4 * floats.count
        var buffer = allocator.buffer(capacity: headerSize + payload)
        buffer.writeBytes(magic)
        buffer.writeInteger(version, endianness: .little)
        buffer.writeInteger(type.rawValue, endianness: .little)
        buffer.writeInteger(UInt32(payload), endianness: .little)
        for field in fields { buffer.writeInteger(field, endianness: .little) }
        buffer.writeInteger(UInt64(floats.count), endianness: .little)
        #if _endian(little)
        floats.withUnsafeBytes { _ = buffer.writeBytes($0) }
        #else
        for value in floats { buffer.writeInteger(value.bitPattern, endianness: .little) }
        #endif
        return buffer
    }

    /// Decodes one frame from the start of `bytes`.
    /// - Returns: the frame and the number of bytes it used, or `nil` when `bytes` holds only
    ///   the start of a frame so far (wait for more).
    /// - Throws: ``TransportError`` for bytes that cannot start a frame, naming the peer as the
    ///   sender in the message.
    public static func decode<Bytes: RandomAccessCollection<UInt8>>(_ bytes: Bytes, peer: String) throws(TransportError) -> (Frame, Int)? {
        let copy = Array(bytes)
        let decoded = copy.withUnsafeBytes { raw in
            Result { () throws(TransportError) in try decode(raw, peer: peer, maximumPayload: maximumPayload, allowed: nil, opener: nil) }
        }
        return try decoded.get()
    }

    /// Decodes one frame from the start of `raw`, under the connection's current rules.
    /// - Parameters:
    ///   - maximumPayload: the longest payload accepted now (checked from the header, before
    ///     the payload is waited for).
    ///   - allowed: the frame types accepted now (`nil`: any).
    ///   - opener: the session cipher of a sealed connection (`nil`: plain frames).
    static func decode(_ raw: UnsafeRawBufferPointer, peer: String, maximumPayload limit: Int,
                       allowed: Set<MessageType>?, opener: SessionCipher?) throws(TransportError) -> (Frame, Int)? {
        guard let (type, length) = try header(raw, peer: peer, maximumPayload: limit, allowed: allowed) else { return nil }
        let total = headerSize + length + (opener == nil ? 0 : SessionCipher.tagSize)
        guard raw.count >= total else { return nil }
        let payloadBytes = UnsafeRawBufferPointer(rebasing: raw[headerSize ..< headerSize + length])
        guard let opener else { return (Frame(type: type, payload: Array(payloadBytes)), total) }
        let payload = try opener.open(header: UnsafeRawBufferPointer(rebasing: raw[0 ..< headerSize]), ciphertext: payloadBytes,
                                      tag: UnsafeRawBufferPointer(rebasing: raw[headerSize + length ..< total]), peer: peer)
        return (Frame(type: type, payload: payload), total)
    }

    /// Decodes the frame that starts `raw` straight into its message, reading a plain payload
    /// where it lies (no copy of the payload before the message's own arrays).
    /// - Returns: the message, its type and the bytes the frame used, or `nil` before the frame
    ///   is complete.
    static func decodeMessage(_ raw: UnsafeRawBufferPointer, peer: String, maximumPayload limit: Int, allowed: Set<MessageType>?,
                              opener: SessionCipher?, vectorLimit: Int) throws(TransportError) -> (Message, MessageType, Int)? {
        guard let (type, length) = try header(raw, peer: peer, maximumPayload: limit, allowed: allowed) else { return nil }
        let total = headerSize + length + (opener == nil ? 0 : SessionCipher.tagSize)
        guard raw.count >= total else { return nil }
        let payloadBytes = UnsafeRawBufferPointer(rebasing: raw[headerSize ..< headerSize + length])
        guard let opener else {
            return (try Message(type: type, payload: payloadBytes, peer: peer, vectorLimit: vectorLimit), type, total)
        }
        let payload = try opener.openPayload(header: UnsafeRawBufferPointer(rebasing: raw[0 ..< headerSize]), ciphertext: payloadBytes,
                                             tag: UnsafeRawBufferPointer(rebasing: raw[headerSize + length ..< total]), peer: peer)
        let decoded = payload.withUnsafeBytes { plain in
            Result { () throws(TransportError) in try Message(type: type, payload: plain, peer: peer, vectorLimit: vectorLimit) }
        }
        return (try decoded.get(), type, total)
    }

    /// The type and payload length of the frame that starts `raw`, checked, or `nil` before its
    /// header is complete.
    static func header(_ raw: UnsafeRawBufferPointer, peer: String, maximumPayload limit: Int,
                       allowed: Set<MessageType>?) throws(TransportError) -> (MessageType, Int)? {
        let available = raw.count
        for i in 0 ..< min(available, 4) where raw[i] != magic[i] {
            let seen = (0 ..< min(available, 4)).map { String(raw[$0], radix: 16) }.joined(separator: " ")
            let tls = available >= 2 && (0x14 ... 0x17).contains(raw[0]) && raw[1] == 0x03
            throw TransportError(.malformedFrame, peer: peer, "bad magic bytes [\(seen)] — expected \"STRN\""
                + (tls ? "; they begin a TLS record: the peer uses TLS and this side does not (both sides need the same TLS setting)" : ""))
        }
        guard available >= headerSize else { return nil }
        let version = UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: 4, as: UInt16.self))
        guard version == Self.version else {
            throw TransportError(.wrongVersion, peer: peer, "protocol version \(version) — this build speaks version \(Self.version)")
        }
        let rawType = UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: 6, as: UInt16.self))
        guard let type = MessageType(rawValue: rawType) else {
            throw TransportError(.malformedFrame, peer: peer, "unknown message type \(rawType)")
        }
        if let allowed, !allowed.contains(type) {
            let expected = allowed.isEmpty ? "nothing until the handshake step completes"
                : allowed.map { "\($0)" }.sorted().joined(separator: " or ")
            throw TransportError(.unexpectedMessage, peer: peer, "sent a \(type) frame — expected \(expected)")
        }
        let length = Int(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 8, as: UInt32.self)))
        guard length <= limit else {
            throw TransportError(.oversizedFrame, peer: peer, "\(type) payload of \(length) bytes — the limit here is \(limit)")
        }
        return (type, length)
    }
}

extension [UInt8] {
    mutating func appendLittleEndian<T: FixedWidthInteger>(_ value: T) {
        Swift.withUnsafeBytes(of: value.littleEndian) { append(contentsOf: $0) }
    }
}
