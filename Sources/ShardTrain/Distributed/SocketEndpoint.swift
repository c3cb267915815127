import Foundation
import NIOCore
import NIOPosix

/// A connection over a real socket (Unix-domain locally, TCP across hosts), on SwiftNIO.
///
/// Frames are cut from the byte stream by ``FrameDecoder`` under the connection's
/// ``ConnectionGate``; each decoded message goes to a ``Mailbox`` that the blocking training
/// loop reads. A malformed frame closes the connection and fails the mailbox with the reason,
/// naming the peer: nothing malformed reaches training. Over TCP, once the handshake is done,
/// every frame both ways is sealed with the session's keys (``SessionCipher``).
public final class SocketEndpoint: MessageEndpoint, @unchecked Sendable {
    public let peer: String
    let channel: Channel
    let inbox: Mailbox
    let gate: ConnectionGate
    /// The newest write, which `close` lets finish (writes complete in order).
    private var lastWrite: EventLoopFuture<Void>?
    /// Seals outgoing frames once the session has started.
    private var sealer: SessionCipher?
    private let writeLock = NSLock()

    init(channel: Channel, inbox: Mailbox, gate: ConnectionGate) {
        self.channel = channel
        self.inbox = inbox
        self.gate = gate
        peer = inbox.peer
    }

    /// Queues the frame on the connection and returns without waiting for the write: the
    /// server publishes to every worker at once. A write that fails closes the connection, and
    /// the next receive reports it.
    public func send(encoded bytes: [UInt8]) throws(TransportError) {
        // Sealing and queueing under one lock keeps the sequence numbers in write order.
        writeLock.lock()
        defer { writeLock.unlock() }
        if let sealer {
            try write(try sealer.seal(frame: bytes))
        } else {
            try write(bytes)
        }
    }

    /// The vectors of a round (`evaluate`, a dense `result`) go from the array straight into
    /// the socket's buffer when the session is not sealed; anything else as its frame.
    public func send(_ message: Message) throws(TransportError) {
        writeLock.lock()
        // Checked and written under one lock: a session that starts meanwhile cannot let a
        // plain frame through after it.
        if sealer == nil, let direct = message.directBuffer(channel.allocator) {
            defer { writeLock.unlock() }
            return try write(direct)
        }
        writeLock.unlock()
        try send(frame: message.frame())
    }

    /// Writes the frame straight into one exactly sized buffer when the session is not sealed.
    public func send(frame: Frame) throws(TransportError) {
        writeLock.lock()
        defer { writeLock.unlock() }
        if let sealer {
            try write(try sealer.seal(frame, allocator: channel.allocator))
        } else {
            try write(frame.buffer(channel.allocator))
        }
    }

    /// Writes bytes as they are; the caller holds `writeLock`.
    private func write(_ bytes: [UInt8]) throws(TransportError) {
        try write(channel.allocator.buffer(bytes: bytes))
    }

    private func write(_ buffer: ByteBuffer) throws(TransportError) {
        let inbox = self.inbox, peer = self.peer
        let written = channel.writeAndFlush(buffer)
        lastWrite = written
        written.whenFailure { [channel] error in
            inbox.fail(TransportError(.connectionLost, peer: peer, "cannot send: \(error)"))
            channel.close(promise: nil)
        }
    }

    /// Starts the session: frames that arrive from now on must be sealed with `receiving`;
    /// `last` (the final handshake frame, plain) is sent as it is, and every later frame is
    /// sealed with `sending`.
    func startSession(receiving: SessionCipher, sending: SessionCipher, after last: Message? = nil) throws(TransportError) {
        gate.open(with: receiving)
        writeLock.lock()
        defer { writeLock.unlock() }
        if let last { try write(last.frame().encoded()) }
        sealer = sending
    }

    public func expectVectors(ofLength length: Int) { gate.limitVectors(to: length) }

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

    /// Reads of up to 1 MiB once a connection moves large frames (NIO's default stops at
    /// 64 KiB: 64 reads and wake-ups for a 4 MB vector), starting small for handshakes.
    static let readSizes = AdaptiveRecvByteBufferAllocator(minimum: 64, initial: 2048, maximum: 1 << 20)

    /// Adds the frame decoder, the admission step (a TCP server's connections) and the mailbox
    /// handler to a new channel.
    static func configure(_ channel: Channel, inbox: Mailbox, gate: ConnectionGate,
                          tls: (TransportTLS, host: String)? = nil) -> EventLoopFuture<Void> {
        channel.eventLoop.makeCompletedFuture {
            let pipeline = channel.pipeline.syncOperations
            if let tls { try pipeline.addHandler(try tls.0.clientHandler(host: tls.host)) }
            try pipeline.addHandler(ByteToMessageHandler(FrameDecoder(peer: inbox.peer, gate: gate)))
            try pipeline.addHandler(MailboxHandler(inbox: inbox, gate: gate))
        }
    }

    /// Connects to a server listening on a Unix-domain socket.
    public static func connect(unixSocket path: String, peer: String, timeout: Duration = .seconds(10)) throws(TransportError) -> SocketEndpoint {
        try connect(address: path, peer: peer, timeout: timeout, gate: .trusted()) { try $0.connect(unixDomainSocketPath: path).wait() }
    }

    /// Connects to a server listening on TCP `host:port`, over TLS when `tls` is given (the
    /// server's certificate must name `host`); until ``Admission/join(_:secret:timeout:)`` has
    /// run, the connection accepts only the server's handshake frames.
    public static func connect(host: String, port: Int, peer: String, timeout: Duration = .seconds(10),
                               tls: TransportTLS? = nil) throws(TransportError) -> SocketEndpoint {
        try connect(address: "\(host):\(port)", peer: peer, timeout: timeout, gate: .joining(), tls: tls.map { ($0, host) }) {
            try $0.connect(host: host, port: port).wait()
        }
    }

    private static func connect(address: String, peer: String, timeout: Duration, gate: ConnectionGate,
                                tls: (TransportTLS, host: String)? = nil,
                                _ open: (ClientBootstrap) throws -> Channel) throws(TransportError) -> SocketEndpoint {
        let inbox = Mailbox(peer: peer)
        do {
            let bootstrap = ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connectTimeout(.nanoseconds(Int64(timeout.seconds * 1e9)))
                .channelOption(.recvAllocator, value: readSizes)
                .channelInitializer { configure($0, inbox: inbox, gate: gate, tls: tls) }
            return SocketEndpoint(channel: try open(bootstrap), inbox: inbox, gate: gate)
        } catch {
            throw TransportError(.connectFailed, peer: peer, "cannot connect to \(address): \(error)")
        }
    }
}

/// Cuts frames out of the byte stream and decodes each into its message where it lies in the
/// receive buffer, under the connection's current rules: a frame whose header breaks them is
/// refused before its payload is waited for, and a payload that does not fit its type closes
/// the connection.
final class FrameDecoder: ByteToMessageDecoder {
    typealias InboundOut = Message
    let peer: String
    let gate: ConnectionGate

    init(peer: String, gate: ConnectionGate) {
        self.peer = peer
        self.gate = gate
    }

    func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        let rules = gate.rules
        let decoded = buffer.withUnsafeReadableBytes { raw in
            Result { () throws(TransportError) in
                try Frame.decodeMessage(raw, peer: peer, maximumPayload: rules.maximumPayload, allowed: rules.allowed,
                                        opener: rules.opener, vectorLimit: rules.vectorLimit)
            }
        }
        guard let (message, type, used) = try decoded.get() else {
            // The header has been checked: make room for the whole frame once, so that the
            // rest of a large frame lands without the buffer growing (and copying) step by step.
            if buffer.readableBytes >= Frame.headerSize, let length = buffer.getInteger(at: buffer.readerIndex + 8, endianness: .little, as: UInt32.self) {
                let total = Frame.headerSize + Int(length) + (rules.opener == nil ? 0 : SessionCipher.tagSize)
                buffer.reserveCapacity(minimumWritableBytes: total - buffer.readableBytes)
            }
            return .needMoreData
        }
        buffer.moveReaderIndex(forwardBy: used)
        gate.decoded(type)
        context.fireChannelRead(wrapInboundOut(message))
        return .continue
    }
}

/// Delivers messages; turns errors and hang-ups into mailbox failures.
final class MailboxHandler: ChannelInboundHandler {
    typealias InboundIn = Message
    let inbox: Mailbox
    let gate: ConnectionGate

    init(inbox: Mailbox, gate: ConnectionGate) {
        self.inbox = inbox
        self.gate = gate
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        do {
            try inbox.deliver(unwrapInboundIn(data))
        } catch {
            inbox.fail(error)
            context.close(promise: nil)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        let reason = TransportTLS.isTLSError(error) ? TransportTLS.explain(error) : "\(error)"
        inbox.fail(error as? TransportError ?? TransportError(.connectionLost, peer: inbox.peer, reason))
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        inbox.fail(TransportError(.connectionLost, peer: inbox.peer, "connection lost"))
        context.fireChannelInactive()
    }
}
