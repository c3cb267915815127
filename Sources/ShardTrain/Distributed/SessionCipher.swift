import Crypto
import Foundation
import NIOCore

/// The keys of one authenticated TCP session, one per direction, derived from the shared
/// secret and both handshake nonces with HKDF-SHA256. Neither side can pick them alone, and a
/// recorded session's keys are useless for any other.
struct SessionKeys {
    let serverToWorker: SymmetricKey
    let workerToServer: SymmetricKey

    init(secret: [UInt8], serverNonce: [UInt8], workerNonce: [UInt8]) {
        let material = SymmetricKey(data: secret), salt = serverNonce + workerNonce
        func key(_ info: String) -> SymmetricKey {
            HKDF<SHA256>.deriveKey(inputKeyMaterial: material, salt: salt, info: Array(info.utf8), outputByteCount: 32)
        }
        serverToWorker = key("shardtrain-v2 server to worker")
        workerToServer = key("shardtrain-v2 worker to server")
    }
}

/// One direction of a session: every frame is sealed with AES-256-GCM, its 12 header bytes
/// authenticated along with the payload, under a nonce made from the frame's sequence number.
/// A frame that was altered, replayed, dropped or reordered fails to open.
///
/// A sealed frame carries the payload encrypted (the same length) followed by the 16-byte GCM
/// tag; see docs/protocol.md.
final class SessionCipher: @unchecked Sendable {
    static let tagSize = 16
    private let key: SymmetricKey
    private let lock = NSLock()
    private var sequence: UInt64 = 0

    init(key: SymmetricKey) { self.key = key }

    private func nextNonce() -> AES.GCM.Nonce {
        var bytes = [UInt8](repeating: 0, count: 12)
        let current = lock.withLock { () -> UInt64 in
            defer { sequence += 1 }
            return sequence
        }
        for i in 0 ..< 8 { bytes[4 + i] = UInt8(truncatingIfNeeded: current >> (8 * i)) }
        // A 12-byte array is always a valid GCM nonce.
        return try! AES.GCM.Nonce(data: bytes)
    }

    /// The sealed frame for the plain `frame` (``Frame/encoded()``): same header, the payload
    /// encrypted, the tag after it.
    func seal(frame bytes: [UInt8]) throws(TransportError) -> [UInt8] {
        let header = bytes[0 ..< Frame.headerSize]
        let payload = bytes[Frame.headerSize...]
        do {
            let box = try AES.GCM.seal(payload, using: key, nonce: nextNonce(), authenticating: header)
            var sealed = [UInt8]()
            sealed.reserveCapacity(Frame.headerSize + payload.count + Self.tagSize)
            sealed.append(contentsOf: header)
            sealed.append(contentsOf: box.ciphertext)
            sealed.append(contentsOf: box.tag)
            return sealed
        } catch {
            throw TransportError(.connectionLost, peer: "session", "cannot seal a frame: \(error)")
        }
    }

    /// The sealed bytes of `frame` in one exactly sized buffer: the header, the encrypted
    /// payload and the tag, without an intermediate encoding of the plain frame.
    func seal(_ frame: Frame, allocator: ByteBufferAllocator) throws(TransportError) -> ByteBuffer {
        let header = frame.header
        do {
            let box = try AES.GCM.seal(frame.payload, using: key, nonce: nextNonce(), authenticating: header)
            var buffer = allocator.buffer(capacity: Frame.headerSize + frame.payload.count + Self.tagSize)
            buffer.writeBytes(header)
            buffer.writeBytes(box.ciphertext)
            buffer.writeBytes(box.tag)
            return buffer
        } catch {
            throw TransportError(.connectionLost, peer: "session", "cannot seal a frame: \(error)")
        }
    }

    /// The payload of a sealed frame, or a `badChecksum` error naming `peer` when it does not
    /// open (wrong key, altered, replayed or out of order).
    func open<Bytes: DataProtocol>(header: Bytes, ciphertext: Bytes, tag: Bytes, peer: String) throws(TransportError) -> [UInt8] {
        Array(try openPayload(header: header, ciphertext: ciphertext, tag: tag, peer: peer))
    }

    /// ``open(header:ciphertext:tag:peer:)`` without copying the plaintext into an array.
    func openPayload<Bytes: DataProtocol>(header: Bytes, ciphertext: Bytes, tag: Bytes, peer: String) throws(TransportError) -> Data {
        do {
            let box = try AES.GCM.SealedBox(nonce: nextNonce(), ciphertext: ciphertext, tag: tag)
            return try AES.GCM.open(box, using: key, authenticating: header)
        } catch {
            throw TransportError(.badChecksum, peer: peer, "a frame failed authentication (altered, replayed, or not from the session's peer)")
        }
    }
}
