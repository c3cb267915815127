import Foundation
import NIOCore
import NIOPosix

/// The parameter server's listening socket: accepts worker connections and hands them out as
/// ``SocketEndpoint``s to the (blocking) coordinator.
public final class SocketServer: @unchecked Sendable {
    private let channel: Channel
    private let condition = NSCondition()
    private var accepted: [SocketEndpoint] = []
    private var connections = 0
    /// Where it listens, for messages.
    public let address: String

    private init(channel: Channel, address: String) {
        self.channel = channel
        self.address = address
    }

    /// Listens on a Unix-domain socket at `path` (an old socket file there is replaced).
    public static func listen(unixSocket path: String) throws(TransportError) -> SocketServer {
        unlink(path)
        return try listen(address: path) { try $0.bind(unixDomainSocketPath: path).wait() }
    }

    /// Listens on TCP `host:port` (port 0 picks a free port; see ``port``).
    public static func listen(host: String, port: Int) throws(TransportError) -> SocketServer {
        try listen(address: "\(host):\(port)") { try $0.bind(host: host, port: port).wait() }
    }

    /// The TCP port it listens on (nil for a Unix-domain socket).
    public var port: Int? { channel.localAddress?.port }

    private static func listen(address: String, bind: (ServerBootstrap) throws -> Channel) throws(TransportError) -> SocketServer {
        let box = ServerBox()
        do {
            let bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .serverChannelOption(.backlog, value: 64)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .childChannelInitializer { child in
                    guard let server = box.server else { return child.close() }
                    return server.adopt(child)
                }
            let channel = try bind(bootstrap)
            let server = SocketServer(channel: channel, address: address)
            box.set(server)
            return server
        } catch {
            throw TransportError(.connectFailed, peer: "server", "cannot listen on \(address): \(error)")
        }
    }

    private func adopt(_ child: Channel) -> EventLoopFuture<Void> {
        condition.lock()
        connections += 1
        let remote = child.remoteAddress.map { "\($0)" } ?? "a local process"
        let inbox = Mailbox(peer: "connection \(connections) (\(remote))")
        condition.unlock()
        return SocketEndpoint.configure(child, inbox: inbox).map {
            self.condition.lock()
            self.accepted.append(SocketEndpoint(channel: child, inbox: inbox))
            self.condition.signal()
            self.condition.unlock()
        }
    }

    /// The next accepted connection, waiting at most `timeout`.
    public func accept(timeout: Duration) throws(TransportError) -> SocketEndpoint {
        let deadline = Date().addingTimeInterval(timeout.seconds)
        condition.lock()
        defer { condition.unlock() }
        while accepted.isEmpty {
            if !condition.wait(until: deadline), accepted.isEmpty {
                throw TransportError(.timedOut, peer: "server", "no worker connected to \(address) within \(timeout)")
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
