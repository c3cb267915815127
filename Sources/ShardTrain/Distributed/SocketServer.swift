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
        let box = ServerBox()
        do {
            let channel = try ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .serverChannelOption(.backlog, value: 64)
                .childChannelInitializer { child in
                    guard let server = box.server else { return child.eventLoop.makeSucceededVoidFuture() }
                    return server.adopt(child)
                }
                .bind(unixDomainSocketPath: path).wait()
            let server = SocketServer(channel: channel, address: path)
            box.server = server
            return server
        } catch {
            throw TransportError(.connectFailed, peer: "server", "cannot listen on \(path): \(error)")
        }
    }

    private func adopt(_ child: Channel) -> EventLoopFuture<Void> {
        condition.lock()
        connections += 1
        let inbox = Mailbox(peer: "connection \(connections)")
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
        unlink(address)
    }
}

/// Lets the accept handler reach the server object created after the bind.
private final class ServerBox: @unchecked Sendable {
    var server: SocketServer?
}
