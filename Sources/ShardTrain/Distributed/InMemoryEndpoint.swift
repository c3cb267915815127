/// A connection inside one process, for unit tests: each message goes through the frame
/// encoder and decoder, like on a socket.
public final class InMemoryEndpoint: MessageEndpoint, @unchecked Sendable {
    public let peer: String
    private let inbox: Mailbox
    private weak var other: InMemoryEndpoint?

    private init(peer: String) {
        self.peer = peer
        inbox = Mailbox(peer: peer)
    }

    /// Two connected ends: the first talks to `secondName`, the second to `firstName`.
    public static func pair(_ firstName: String, _ secondName: String) -> (InMemoryEndpoint, InMemoryEndpoint) {
        let a = InMemoryEndpoint(peer: secondName), b = InMemoryEndpoint(peer: firstName)
        a.other = b
        b.other = a
        return (a, b)
    }

    public func send(encoded bytes: [UInt8]) throws(TransportError) {
        guard let other else { throw TransportError(.connectionLost, peer: peer, "the other end is gone") }
        guard let (frame, _) = try Frame.decode(bytes, peer: other.peer) else {
            throw TransportError(.malformedFrame, peer: other.peer, "incomplete frame")
        }
        try other.inbox.deliver(try Message(frame, peer: other.peer))
    }

    public func receive(timeout: Duration) throws(TransportError) -> Message {
        try inbox.take(timeout: timeout)
    }

    public func poll() throws(TransportError) -> Message? { try inbox.poll() }

    public func notify(_ signal: ArrivalSignal) { inbox.notify(signal) }

    public func close() {
        inbox.fail(TransportError(.connectionLost, peer: peer, "connection closed"))
        other?.inbox.fail(TransportError(.connectionLost, peer: other?.peer ?? "peer", "connection closed"))
    }
}
