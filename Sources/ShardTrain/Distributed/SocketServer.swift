import Foundation
import NIOCore
import NIOPosix

/// The parameter server's listening socket: accepts worker connections and hands them out as
/// ``SocketEndpoint``s to the (blocking) coordinator.
///
/// On TCP every connection must first pass ``Admission`` on the event loop — all pending
/// connections at once, each within ``SocketServer/Limits/admissionDeadline`` — and only
/// admitted connections are handed out. At most ``SocketServer/Limits/pendingConnections``
/// wait for admission: a newcomer past that closes the one that has waited longest, so idle
/// sockets cannot lock real workers out. Refusals are counted and reported through `log`: the
/// first ten one by one, then one line per hundred, so that a flood cannot flood the log.
public final class SocketServer: @unchecked Sendable {
    /// Bounds on what connections that have not been admitted may cost.
    public struct Limits: Sendable {
        /// How long a new TCP connection has to authenticate.
        public var admissionDeadline: Duration = .seconds(10)
        /// Connections waiting for admission at once.
        public var pendingConnections = 64
        /// Admitted connections waiting to be given a rank.
        public var waitingWorkers = 64
        public init() {}
    }

    private let channel: Channel
    private let condition = NSCondition()
    private var accepted: [SocketEndpoint] = []
    private var pending: [SocketEndpoint] = []
    private var connections = 0
    private var refusals = 0
    private let secret: [UInt8]?
    private let tls: TransportTLS?
    private let limits: Limits
    private let log: @Sendable (String) -> Void
    /// Where it listens, for messages.
    public let address: String

    private init(channel: Channel, address: String, secret: [UInt8]?, tls: TransportTLS?, limits: Limits,
                 log: @escaping @Sendable (String) -> Void) {
        self.channel = channel
        self.address = address
        self.secret = secret
        self.tls = tls
        self.limits = limits
        self.log = log
    }

    /// Listens on a Unix-domain socket at `path` (an old socket file there is replaced). Local
    /// connections are trusted: no admission, no session keys.
    public static func listen(unixSocket path: String) throws(TransportError) -> SocketServer {
        unlink(path)
        return try listen(address: path, secret: nil, tls: nil, limits: Limits(), log: { _ in }) {
            try $0.bind(unixDomainSocketPath: path).wait()
        }
    }

    /// Listens on TCP `host:port` (port 0 picks a free port; see ``port``); connections are
    /// admitted only with `secret` (``Admission``) — and, with `tls`, only after a TLS
    /// handshake in which both sides' certificates check out — and refusals are reported
    /// through `log`.
    public static func listen(host: String, port: Int, secret: [UInt8], tls: TransportTLS? = nil, limits: Limits = Limits(),
                              log: @escaping @Sendable (String) -> Void) throws(TransportError) -> SocketServer {
        try listen(address: "\(host):\(port)", secret: secret, tls: tls, limits: limits, log: log) {
            try $0.bind(host: host, port: port).wait()
        }
    }

    /// Where it listens, with the port picked for port 0.
    public var boundAddress: String {
        guard let port, address.hasSuffix(":0") else { return address }
        return String(address.dropLast()) + "\(port)"
    }

    /// The TCP port it listens on (nil for a Unix-domain socket).
    public var port: Int? { channel.localAddress?.port }

    /// Connections refused so far (wrong secret, garbage, silence, or evicted while pending).
    public var refusedConnections: Int { condition.withLock { refusals } }

    private static func listen(address: String, secret: [UInt8]?, tls: TransportTLS?, limits: Limits,
                               log: @escaping @Sendable (String) -> Void,
                               bind: (ServerBootstrap) throws -> Channel) throws(TransportError) -> SocketServer {
        let box = ServerBox()
        do {
            let bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .serverChannelOption(.backlog, value: 256)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .childChannelOption(.recvAllocator, value: SocketEndpoint.readSizes)
                .childChannelInitializer { child in
                    guard let server = box.server else { return child.close() }
                    return server.adopt(child)
                }
            let channel = try bind(bootstrap)
            let server = SocketServer(channel: channel, address: address, secret: secret, tls: tls, limits: limits, log: log)
            box.set(server)
            return server
        } catch {
            throw TransportError(.connectFailed, peer: "server", "cannot listen on \(address): \(error)")
        }
    }

    private func adopt(_ child: Channel) -> EventLoopFuture<Void> {
        let remote = child.remoteAddress.map { "\($0)" } ?? "a local process"
        let inbox = condition.withLock { () -> Mailbox in
            connections += 1
            return Mailbox(peer: "connection \(connections) (\(remote))")
        }
        guard let secret else {
            let gate = ConnectionGate.trusted()
            return SocketEndpoint.configure(child, inbox: inbox, gate: gate).map {
                self.admitted(SocketEndpoint(channel: child, inbox: inbox, gate: gate))
            }
        }
        let gate = ConnectionGate.unadmitted()
        let endpoint = SocketEndpoint(channel: child, inbox: inbox, gate: gate)
        makeRoom()
        condition.withLock { pending.append(endpoint) }
        let deadline = TimeAmount.nanoseconds(Int64(limits.admissionDeadline.seconds * 1e9))
        let outcome = AdmissionHandler.Outcome(admitted: { [self] in admitted($0) }, refused: { [self] in refused($0, $1) })
        return child.eventLoop.makeCompletedFuture { [tls] in
            let handler = AdmissionHandler(endpoint: endpoint, secret: secret, deadline: deadline, outcome: outcome)
            let pipeline = child.pipeline.syncOperations
            if let tls { try pipeline.addHandler(try tls.serverHandler()) }
            try pipeline.addHandler(ByteToMessageHandler(FrameDecoder(peer: inbox.peer, gate: gate)))
            try pipeline.addHandler(handler)
            try pipeline.addHandler(MailboxHandler(inbox: inbox, gate: gate))
        }
    }

    /// Closes the connection that has waited longest for admission when the pending ones are
    /// at their limit.
    private func makeRoom() {
        let evicted = condition.withLock { () -> SocketEndpoint? in
            guard pending.count >= limits.pendingConnections else { return nil }
            refusals += 1
            return pending.removeFirst()
        }
        if let evicted {
            note("closed \(evicted.peer): \(limits.pendingConnections) connections were waiting for admission, it longest")
            evicted.channel.close(promise: nil)
        }
    }

    private func admitted(_ endpoint: SocketEndpoint) {
        condition.lock()
        pending.removeAll { $0 === endpoint }
        let full = secret != nil && accepted.count >= limits.waitingWorkers
        if !full {
            accepted.append(endpoint)
            condition.signal()
        }
        condition.unlock()
        if full {
            try? endpoint.send(.failure("the server has \(limits.waitingWorkers) workers waiting for a rank already"))
            endpoint.close()
        }
    }

    private func refused(_ endpoint: SocketEndpoint, _ reason: String?) {
        condition.withLock {
            pending.removeAll { $0 === endpoint }
            if reason != nil { refusals += 1 }
        }
        if let reason { note("refused \(endpoint.peer): \(reason)") }
        endpoint.inbox.fail(TransportError(.connectionLost, peer: endpoint.peer, reason ?? "left before it was admitted"))
    }

    /// Logs a refusal, or one line for every hundred after the first ten.
    private func note(_ line: String) {
        let count = refusedConnections
        if count <= 10 {
            log(line)
        } else if count % 100 == 0 {
            log("\(count) connections refused so far; the latest: \(line)")
        }
    }

    /// The next admitted connection, waiting at most `timeout`.
    public func accept(timeout: Duration) throws(TransportError) -> SocketEndpoint {
        let deadline = Date().addingTimeInterval(timeout.seconds)
        condition.lock()
        defer { condition.unlock() }
        while accepted.isEmpty {
            if !condition.wait(until: deadline), accepted.isEmpty {
                throw TransportError(.timedOut, peer: "server", "no worker connected to \(boundAddress) within \(timeout)")
            }
        }
        return accepted.removeFirst()
    }

    /// Stops listening (open connections stay open).
    public func close() {
        channel.close(promise: nil)
        if address.hasPrefix("/") { unlink(address) }
    }
}

/// Lets the accept handler reach the server object created after the bind.
private final class ServerBox: @unchecked Sendable {
    private let lock = NSLock()
    private var value: SocketServer?

    var server: SocketServer? { lock.withLock { value } }
    func set(_ server: SocketServer) { lock.withLock { value = server } }
}
