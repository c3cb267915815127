/// One message on the wire between the parameter server and a worker.
///
/// Layout (all integers little-endian):
///
///     offset  size  field
///     0       4     magic "STRN" (0x53 0x54 0x52 0x4E)
///     4       2     protocol version (2)
///     6       2     message type (``MessageType``)
///     8       4     payload length N (at most ``Frame/maximumPayload``)
///     12      N     payload
///     12+N    4     CRC-32 (IEEE) of bytes 0 ..< 12+N
///
/// After a TCP handshake every frame is sealed instead (``SessionCipher``): the payload is
/// encrypted and the trailer is the 16-byte AES-GCM tag over header and payload.
///
/// A frame that breaks any rule (magic, version, type, length, checksum or tag, or a type or
/// length the connection does not accept at this point) is refused with a ``TransportError``
/// and never handed to the training loop.
public struct Frame: Sendable, Equatable {
    /// The four magic bytes, "STRN".
    public static let magic: [UInt8] = Array("STRN".utf8)
    /// The protocol version this build speaks.
    public static let version: UInt16 = 2
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
    /// - Parameters:
    ///   - maximumPayload: the longest payload accepted now (checked from the header, before
    ///     the payload is waited for).
    ///   - allowed: the frame types accepted now (`nil`: any).
    ///   - opener: the session cipher of a sealed connection (`nil`: CRC-framed).
    /// - Returns: the frame and the number of bytes it used, or `nil` when `bytes` holds only
    ///   the start of a frame so far (wait for more).
    /// - Throws: ``TransportError`` for anything that is not a valid frame; `peer` names the
    ///   sender in the message.
    public static func decode<Bytes: RandomAccessCollection<UInt8>>(_ bytes: Bytes, peer: String) throws(TransportError) -> (Frame, Int)? {
        try decode(bytes, peer: peer, maximumPayload: maximumPayload, allowed: nil, opener: nil)
    }

    static func decode<Bytes: RandomAccessCollection<UInt8>>(_ bytes: Bytes, peer: String, maximumPayload limit: Int,
                                                            allowed: Set<MessageType>?, opener: SessionCipher?) throws(TransportError) -> (Frame, Int)? {
        let start = bytes.startIndex
        func byte(_ offset: Int) -> UInt8 { bytes[bytes.index(start, offsetBy: offset)] }
        let available = bytes.count
        for i in 0 ..< min(available, 4) where byte(i) != magic[i] {
            let seen = (0 ..< min(available, 4)).map { String(byte($0), radix: 16) }.joined(separator: " ")
            let tls = available >= 2 && (0x14 ... 0x17).contains(byte(0)) && byte(1) == 0x03
            throw TransportError(.malformedFrame, peer: peer, "bad magic bytes [\(seen)] — expected \"STRN\""
                + (tls ? "; they begin a TLS record: the peer uses TLS and this side does not (both sides need the same TLS setting)" : ""))
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
        if let allowed, !allowed.contains(type) {
            let expected = allowed.isEmpty ? "nothing until the handshake step completes"
                : allowed.map { "\($0)" }.sorted().joined(separator: " or ")
            throw TransportError(.unexpectedMessage, peer: peer, "sent a \(type) frame — expected \(expected)")
        }
        let length = Int(UInt32(byte(8)) | UInt32(byte(9)) << 8 | UInt32(byte(10)) << 16 | UInt32(byte(11)) << 24)
        guard length <= limit else {
            throw TransportError(.oversizedFrame, peer: peer, "\(type) payload of \(length) bytes — the limit here is \(limit)")
        }
        let trailer = opener == nil ? trailerSize : SessionCipher.tagSize
        let total = headerSize + length + trailer
        guard available >= total else { return nil }
        let frameBytes = Array(bytes[start ..< bytes.index(start, offsetBy: total)])
        if let opener {
            let payload = try opener.open(header: frameBytes[0 ..< headerSize],
                                          ciphertext: frameBytes[headerSize ..< headerSize + length],
                                          tag: frameBytes[(headerSize + length)...], peer: peer)
            return (Frame(type: type, payload: payload), total)
        }
        let stored = UInt32(byte(total - 4)) | UInt32(byte(total - 3)) << 8 | UInt32(byte(total - 2)) << 16 | UInt32(byte(total - 1)) << 24
        let computed = CRC32.checksum(frameBytes[0 ..< headerSize + length])
        guard stored == computed else {
            throw TransportError(.badChecksum, peer: peer, "checksum \(String(stored, radix: 16)) does not match the frame's \(String(computed, radix: 16))")
        }
        return (Frame(type: type, payload: Array(frameBytes[headerSize ..< headerSize + length])), total)
    }
}

extension [UInt8] {
    mutating func appendLittleEndian<T: FixedWidthInteger>(_ value: T) {
        Swift.withUnsafeBytes(of: value.littleEndian) { append(contentsOf: $0) }
    }
}
