import Foundation
import NIOCore
import NIOPosix

/// A connection over a real socket (Unix-domain locally, TCP across hosts), on SwiftNIO.
///
/// Frames are cut from the byte stream by ``FrameDecoder``; each decoded message goes to a
/// ``Mailbox`` that the blocking training loop reads. A malformed frame closes the connection
/// and fails the mailbox with the reason, naming the peer: nothing malformed reaches training.
public final class SocketEndpoint: MessageEndpoint, @unchecked Sendable {
    public let peer: String
    let channel: Channel
    let inbox: Mailbox
    /// The newest write, which `close` lets finish (writes complete in order).
    private var lastWrite: EventLoopFuture<Void>?
    private let writeLock = NSLock()

    init(channel: Channel, inbox: Mailbox) {
        self.channel = channel
        self.inbox = inbox
        peer = inbox.peer
    }

    /// Queues the frame on the connection and returns without waiting for the write: the
    /// server publishes to every worker at once. A write that fails closes the connection, and
    /// the next receive reports it.
    public func send(encoded bytes: [UInt8]) throws(TransportError) {
        let inbox = self.inbox, peer = self.peer
        let written = channel.writeAndFlush(channel.allocator.buffer(bytes: bytes))
        writeLock.withLock { lastWrite = written }
        written.whenFailure { [channel] error in
            inbox.fail(TransportError(.connectionLost, peer: peer, "cannot send: \(error)"))
            channel.close(promise: nil)
        }
    }

    public func receive(timeout: Duration) throws(TransportError) -> Message {
        try inbox.take(timeout: timeout)
    }

    public func poll() throws(TransportError) -> Message? { try inbox.poll() }

    public func notify(_ signal: ArrivalSignal) { inbox.notify(signal) }

    /// Closes the connection once the frames already sent have been written (a worker's last
    /// words — a failure report — must reach the server before it exits).
    public func close() {
        inbox.fail(TransportError(.connectionLost, peer: peer, "connection closed"))
        if let pending = writeLock.withLock({ lastWrite }), !channel.eventLoop.inEventLoop {
            _ = try? pending.wait()
        }
        channel.close(promise: nil)
    }

    /// Adds the frame decoder and the mailbox handler to a new channel.
    static func configure(_ channel: Channel, inbox: Mailbox) -> EventLoopFuture<Void> {
        channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(FrameDecoder(peer: inbox.peer)))
            try channel.pipeline.syncOperations.addHandler(MailboxHandler(inbox: inbox))
        }
    }

    /// Connects to a server listening on a Unix-domain socket.
    public static func connect(unixSocket path: String, peer: String, timeout: Duration = .seconds(10)) throws(TransportError) -> SocketEndpoint {
        try connect(address: path, peer: peer, timeout: timeout) { try $0.connect(unixDomainSocketPath: path).wait() }
    }

    /// Connects to a server listening on TCP `host:port`.
    public static func connect(host: String, port: Int, peer: String, timeout: Duration = .seconds(10)) throws(TransportError) -> SocketEndpoint {
        try connect(address: "\(host):\(port)", peer: peer, timeout: timeout) { try $0.connect(host: host, port: port).wait() }
    }

    private static func connect(address: String, peer: String, timeout: Duration,
                                _ open: (ClientBootstrap) throws -> Channel) throws(TransportError) -> SocketEndpoint {
        let inbox = Mailbox(peer: peer)
        do {
            let bootstrap = ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connectTimeout(.nanoseconds(Int64(timeout.seconds * 1e9)))
                .channelInitializer { configure($0, inbox: inbox) }
            return SocketEndpoint(channel: try open(bootstrap), inbox: inbox)
        } catch {
            throw TransportError(.connectFailed, peer: peer, "cannot connect to \(address): \(error)")
        }
    }
}

/// Cuts frames out of the byte stream.
final class FrameDecoder: ByteToMessageDecoder {
    typealias InboundOut = Frame
    let peer: String

    init(peer: String) { self.peer = peer }

    func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let (frame, used) = try Frame.decode(buffer.readableBytesView, peer: peer) else { return .needMoreData }
        buffer.moveReaderIndex(forwardBy: used)
        context.fireChannelRead(wrapInboundOut(frame))
        return .continue
    }
}

/// Turns frames into messages and delivers them; turns errors and hang-ups into mailbox
/// failures.
final class MailboxHandler: ChannelInboundHandler {
    typealias InboundIn = Frame
    let inbox: Mailbox

    init(inbox: Mailbox) { self.inbox = inbox }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        do {
            inbox.deliver(try Message(frame, peer: inbox.peer))
        } catch {
            inbox.fail(error)
            context.close(promise: nil)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        inbox.fail(error as? TransportError ?? TransportError(.connectionLost, peer: inbox.peer, "\(error)"))
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        inbox.fail(TransportError(.connectionLost, peer: inbox.peer, "connection lost"))
        context.fireChannelInactive()
    }
}
