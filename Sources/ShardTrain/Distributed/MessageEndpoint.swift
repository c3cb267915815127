/// One end of a connection between the parameter server and a worker: messages in order,
/// both ways. Implementations: ``SocketEndpoint`` (SwiftNIO, Unix-domain or TCP sockets) and
/// ``InMemoryEndpoint`` (for unit tests).
///
/// Calls block the calling thread; every receive has a timeout, so nothing waits forever.
public protocol MessageEndpoint: AnyObject, Sendable {
    /// Who is at the other end, for messages (`worker 2`, `coordinator`).
    var peer: String { get }
    /// Sends the bytes of an encoded frame (``Frame/encoded()``).
    func send(encoded bytes: [UInt8]) throws(TransportError)
    /// Sends a frame (by default as ``Frame/encoded()`` bytes; a socket writes it without the
    /// intermediate copy).
    func send(frame: Frame) throws(TransportError)
    /// Sends a message (by default as its ``Message/frame()``).
    func send(_ message: Message) throws(TransportError)
    /// The next message, waiting at most `timeout`.
    func receive(timeout: Duration) throws(TransportError) -> Message
    /// The next message if one has arrived, `nil` if none has; never waits.
    func poll() throws(TransportError) -> Message?
    /// Raises `signal` whenever a message or a failure arrives (for waiting on many at once).
    func notify(_ signal: ArrivalSignal)
    /// Closes the connection; pending and later receives fail with `connectionLost`.
    func close()
    /// From now on a sparse vector received may expand to at most `length` entries (the
    /// session's parameter count): a declared dimension is checked before anything is allocated.
    func expectVectors(ofLength length: Int)
}

extension MessageEndpoint {
    public func expectVectors(ofLength length: Int) {}

    public func send(frame: Frame) throws(TransportError) {
        try send(encoded: frame.encoded())
    }

    /// Sends a message.
    public func send(_ message: Message) throws(TransportError) {
        try send(frame: message.frame())
    }
}
