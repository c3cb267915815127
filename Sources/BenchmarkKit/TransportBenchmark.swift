import Foundation
import ShardTrain

/// The cost of moving a round's vectors: a parameter server's `evaluate` of `n` float32
/// parameters out and a worker's dense `result` of `n` gradient entries back, through
/// ``SocketServer`` and ``SocketEndpoint`` (framing, checksums or sealing, decoding into
/// messages), against a plain socket round trip of the same bytes between two threads — the
/// floor any transport on this machine sits on.
public enum TransportBenchmark {
    public struct Result: Sendable {
        /// Seconds per round trip: the plain socket, and the transport.
        public var plain: Timing
        public var transport: Timing
        public var bytesEachWay: Int
    }

    /// Round trips of `floats` float32 values each way over a Unix-domain socket in `folder`.
    public static func unixSocket(floats: Int, runs: Int, folder: String) throws -> Result {
        let path = folder + "/transport-bench-\(getpid()).sock"
        let server = try SocketServer.listen(unixSocket: path)
        defer { server.close() }
        let worker = try SocketEndpoint.connect(unixSocket: path, peer: "coordinator")
        let coordinator = try server.accept(timeout: .seconds(10))
        return try measure(floats: floats, runs: runs, coordinator: coordinator, worker: worker)
    }

    /// The same over TCP on loopback, with the shared-secret handshake and sealed frames.
    public static func tcp(floats: Int, runs: Int) throws -> Result {
        let secret = Array("transport-benchmark-secret".utf8)
        let server = try SocketServer.listen(host: "127.0.0.1", port: 0, secret: secret) { _ in }
        defer { server.close() }
        let worker = try SocketEndpoint.connect(host: "127.0.0.1", port: server.port ?? 0, peer: "coordinator")
        let joined = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var joinError: (any Error)?
        Thread {
            do { _ = try Admission.join(worker, secret: secret) } catch { joinError = error }
            joined.signal()
        }.start()
        let coordinator = try server.accept(timeout: .seconds(10))
        try coordinator.send(.assign(rank: 0, workers: 1))
        joined.wait()
        if let joinError { throw joinError }
        return try measure(floats: floats, runs: runs, coordinator: coordinator, worker: worker)
    }

    private static func measure(floats: Int, runs: Int, coordinator: SocketEndpoint, worker: SocketEndpoint) throws -> Result {
        defer { coordinator.close(); worker.close() }
        let parameters = (0 ..< floats).map { Float($0 % 1000) * 1e-3 + 0.5 }
        // A dense gradient: every entry non-zero, as a dense shard's is.
        let gradient = parameters.map { -$0 }
        let echo = Thread {
            while case .evaluate(let version, _, _)? = try? worker.receive(timeout: .seconds(60)) {
                try? worker.send(.result(version: version, lossSum: 1, weightSum: 1, gradient: gradient, computeSeconds: 0))
            }
        }
        echo.start()
        let bytes = 4 * floats
        let plain = try PlainSocketPair()
        defer { plain.close() }
        var version: UInt64 = 0
        var failure: (any Error)?
        let (baseline, subject) = Timing.measurePair(runs: runs, baseline: { plain.roundTrip(bytes: bytes) }, subject: {
            version += 1
            do {
                try coordinator.send(.evaluate(version: version, rows: 0 ..< 1, parameters: parameters))
                _ = try coordinator.receive(timeout: .seconds(60))
            } catch {
                failure = error
            }
        })
        try? coordinator.send(.shutdown)
        if let failure { throw failure }
        return Result(plain: baseline, transport: subject, bytesEachWay: bytes)
    }
}

/// Two ends of a Unix-domain stream socket; the far end echoes what it reads on its own thread.
final class PlainSocketPair: @unchecked Sendable {
    private let near: Int32, far: Int32
    private var buffer: [UInt8] = []

    init() throws {
        var ends: [Int32] = [0, 0]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &ends) == 0 else {
            throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
        }
        (near, far) = (ends[0], ends[1])
        Thread { [far] in
            var scratch = [UInt8](repeating: 0, count: 1 << 20)
            var header = [UInt8](repeating: 0, count: 8)
            while Self.readAll(far, &header, count: 8) {
                let count = header.withUnsafeBytes { Int($0.loadUnaligned(as: UInt64.self)) }
                if scratch.count < count { scratch = [UInt8](repeating: 0, count: count) }
                guard Self.readAll(far, &scratch, count: count), Self.writeAll(far, scratch, count: count) else { return }
            }
        }.start()
    }

    /// Sends `bytes` bytes and reads the same number back.
    func roundTrip(bytes: Int) {
        if buffer.count < bytes { buffer = [UInt8](repeating: 7, count: bytes) }
        var header = [UInt8](repeating: 0, count: 8)
        header.withUnsafeMutableBytes { $0.storeBytes(of: UInt64(bytes), as: UInt64.self) }
        _ = Self.writeAll(near, header, count: 8)
        _ = Self.writeAll(near, buffer, count: bytes)
        _ = Self.readAll(near, &buffer, count: bytes)
    }

    func close() {
        shutdown(near, Int32(SHUT_RDWR))
        Foundation.close(near)
        Foundation.close(far)
    }

    private static func readAll(_ fd: Int32, _ target: inout [UInt8], count: Int) -> Bool {
        target.withUnsafeMutableBytes { raw in transfer(count) { read(fd, raw.baseAddress! + $0, count - $0) } }
    }

    private static func writeAll(_ fd: Int32, _ source: [UInt8], count: Int) -> Bool {
        source.withUnsafeBytes { raw in transfer(count) { write(fd, raw.baseAddress! + $0, count - $0) } }
    }

    /// Repeats `step` (given the bytes done so far, it moves some more) until `count` bytes
    /// have moved; false when the socket closes or fails first.
    private static func transfer(_ count: Int, _ step: (Int) -> Int) -> Bool {
        var done = 0
        while done < count {
            let n = step(done)
            guard n > 0 else { return false }
            done += n
        }
        return true
    }
}
