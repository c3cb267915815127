import Crypto
import Foundation
import Testing
@testable import ShardTrain
import TestSupport

/// The TCP handshake both ways, and what connections that have not been admitted may cost.
@Suite(.serialized) struct AdmissionTests {
    static let secret = Array("a-secret-for-the-admission-tests".utf8)

    /// A server on a free loopback port with `limits`; refusals are collected.
    static func server(_ limits: SocketServer.Limits = .init(), secret: [UInt8] = secret) throws -> (SocketServer, Int, Log) {
        let log = Log()
        let server = try SocketServer.listen(host: "127.0.0.1", port: 0, secret: secret, limits: limits) { log.add($0) }
        return (server, try #require(server.port), log)
    }

    final class Log: @unchecked Sendable {
        private let lock = NSLock()
        private var lines: [String] = []
        func add(_ line: String) { lock.withLock { lines.append(line) } }
        var text: String { lock.withLock { lines.joined(separator: "\n") } }
    }

    /// Joins on a background thread; the result arrives in the box.
    static func join(port: Int, secret: [UInt8]) -> Result<(Int, Int), TransportError> {
        Result { () throws(TransportError) -> (Int, Int) in
            let endpoint = try SocketEndpoint.connect(host: "127.0.0.1", port: port, peer: "coordinator")
            defer { endpoint.close() }
            return try Admission.join(endpoint, secret: secret, timeout: .seconds(10))
        }
    }

    @Test func bothSidesProveTheSecretAndTheSessionIsSealed() throws {
        let (server, port, _) = try Self.server()
        defer { server.close() }
        let worker = Thread.detachedResult { () throws(TransportError) -> [Message] in
            let endpoint = try SocketEndpoint.connect(host: "127.0.0.1", port: port, peer: "coordinator")
            defer { endpoint.close() }
            let (rank, workers) = try Admission.join(endpoint, secret: Self.secret)
            try endpoint.send(.hello(rank: rank))
            let echoed = try endpoint.receive(timeout: .seconds(10))
            return [.assign(rank: rank, workers: workers), echoed]
        }
        let connection = try server.accept(timeout: .seconds(10))
        try RemoteCluster.assign(connection, rank: 3, workers: 4, timeout: .seconds(10))
        try connection.send(.failure("sealed both ways"))
        let messages = try worker.value()
        #expect(messages == [.assign(rank: 3, workers: 4), .failure("sealed both ways")])
        connection.close()
    }

    @Test func aWorkerWithTheWrongSecretIsRefused() throws {
        let (server, port, log) = try Self.server()
        defer { server.close() }
        let result = Self.join(port: port, secret: Array("the-wrong-secret".utf8))
        #expect(throws: TransportError.self) { try result.get() }
        #expect(server.refusedConnections == 1)
        #expect(log.text.contains("wrong shared secret"))
        #expect(throws: TransportError.self) { try server.accept(timeout: .milliseconds(100)) }
    }

    /// A server that does not hold the secret cannot produce an assignment that opens: the
    /// worker refuses it instead of trusting it.
    @Test func aServerWithoutTheSecretIsRefusedByTheWorker() throws {
        let impostor = ServerImpostor()
        defer { impostor.stop() }
        let result = Self.join(port: impostor.port, secret: Self.secret)
        #expect { try result.get() } throws: { ($0 as? TransportError)?.code == .badChecksum }
    }

    @Test func framesBeforeAdmissionAreSmallAndOnlyTheAnswer() throws {
        let (server, port, log) = try Self.server()
        defer { server.close() }
        // A header that declares the largest payload: refused from the 12 header bytes.
        var huge = Frame(type: .authenticate, payload: []).encoded().prefix(12).map { $0 }
        huge[8] = 0xFF; huge[9] = 0xFF; huge[10] = 0xFF; huge[11] = 0x0F
        #expect(RawTCP.sendAndExpectClose(port: port, bytes: huge, timeout: 5))
        // A data summary with 2⁶³ rows, before any authentication: not an allowed frame.
        var summary = [UInt8]()
        summary.appendLittleEndian(UInt64(1) << 63)
        #expect(RawTCP.sendAndExpectClose(port: port, bytes: Frame(type: .dataSummary, payload: summary).encoded(), timeout: 5))
        // Garbage.
        #expect(RawTCP.sendAndExpectClose(port: port, bytes: Array("GET / HTTP/1.1\r\n\r\n".utf8), timeout: 5))
        // An answer of the wrong length.
        let short = Message.authenticate(code: [1, 2, 3]).frame().encoded()
        #expect(RawTCP.sendAndExpectClose(port: port, bytes: short, timeout: 5))
        let deadline = Date().addingTimeInterval(5)
        while server.refusedConnections < 4, Date() < deadline { usleep(10_000) }
        #expect(server.refusedConnections == 4, "\(log.text)")
        #expect(log.text.contains("the limit here is 512"))
        #expect(log.text.contains("expected authenticate"))
        // A real worker still joins.
        let joined = Thread.detachedResult { () throws(TransportError) in try Self.join(port: port, secret: Self.secret).get() }
        let connection = try server.accept(timeout: .seconds(10))
        try connection.send(.assign(rank: 0, workers: 1))
        #expect(try joined.value() == (0, 1))
        connection.close()
    }

    /// Silent sockets are closed at the deadline, and past the pending limit the oldest goes:
    /// a real worker joins at once while they pile up.
    @Test func idleConnectionsNeitherStallNorLockOutAWorker() throws {
        var limits = SocketServer.Limits()
        limits.admissionDeadline = .milliseconds(1500)
        limits.pendingConnections = 8
        let (server, port, _) = try Self.server(limits)
        defer { server.close() }
        let idle = (0 ..< 40).compactMap { _ in RawTCP.connect(port: port) }
        defer { idle.forEach { close($0) } }
        #expect(idle.count == 40)
        // Once the server has taken them all (32 evicted), a worker connects.
        let piled = Date().addingTimeInterval(5)
        while server.refusedConnections < 32, Date() < piled { usleep(5_000) }
        let clock = ContinuousClock()
        let start = clock.now
        let joined = Thread.detachedResult { () throws(TransportError) in try Self.join(port: port, secret: Self.secret).get() }
        let connection = try server.accept(timeout: .seconds(10))
        try connection.send(.assign(rank: 0, workers: 1))
        #expect(try joined.value() == (0, 1))
        #expect(clock.now - start < .seconds(1), "a worker waited behind idle sockets")

        connection.close()
        // All 40 idle sockets are closed: 32 evicted at once, the last 8 at the deadline.
        #expect(idle.allSatisfy { RawTCP.waitForClose($0, timeout: 5) })
        #expect(server.refusedConnections >= 40)
    }
}

/// A fake server that does not know the secret and does not check the worker's answer: it
/// sends a challenge, reads the answer, and replies with an assignment sealed under a key of
/// its own.
final class ServerImpostor: @unchecked Sendable {
    let port: Int
    private let listener: Int32
    private let thread: Thread

    init() {
        let socketFD = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socketFD, $0, length) } }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socketFD, $0, &length) } }
        listener = socketFD
        port = Int(UInt16(bigEndian: address.sin_port))
        listen(socketFD, 4)
        thread = Thread {
            let fd = accept(socketFD, nil, nil)
            guard fd >= 0 else { return }
            defer { close(fd) }
            RawTCP.send(fd, Message.challenge(nonce: Array(repeating: 7, count: 32)).frame().encoded())
            var buffer = [UInt8](repeating: 0, count: 4096)
            _ = recv(fd, &buffer, buffer.count, 0)
            let cipher = SessionCipher(key: SymmetricKey(size: .bits256))
            if let sealed = try? cipher.seal(frame: Message.assign(rank: 0, workers: 1).frame().encoded()) {
                RawTCP.send(fd, sealed)
            }
            _ = RawTCP.waitForClose(fd, timeout: 10)
        }
        thread.start()
    }

    func stop() { shutdown(listener, Int32(SHUT_RDWR)); close(listener) }
}

extension Thread {
    /// Runs `body` on a new thread; `value()` waits for its result.
    static func detachedResult<T: Sendable>(_ body: @escaping @Sendable () throws(TransportError) -> T) -> ThreadResult<T> {
        let result = ThreadResult<T>()
        Thread { result.set(Result { () throws(TransportError) -> T in try body() }) }.start()
        return result
    }
}

final class ThreadResult<T: Sendable>: @unchecked Sendable {
    private let condition = NSCondition()
    private var result: Result<T, TransportError>?

    func set(_ value: Result<T, TransportError>) {
        condition.withLock {
            result = value
            condition.broadcast()
        }
    }

    func value() throws(TransportError) -> T {
        condition.lock()
        defer { condition.unlock() }
        while result == nil { condition.wait() }
        return try result!.get()
    }
}
