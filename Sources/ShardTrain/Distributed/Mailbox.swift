import Foundation

/// A thread-safe queue of received messages that a blocking reader waits on with a timeout.
/// Filled from the network's threads, drained by the training loop.
///
/// Bounded: heartbeats in a row are kept as one (they only say the peer lives), and a peer
/// that gets ``Mailbox/capacity`` messages ahead of its reader is flooding — the delivery
/// fails and the connection is closed.
final class Mailbox: @unchecked Sendable {
    private let condition = NSCondition()
    private var queue: [Message] = []
    private var failure: TransportError?
    private var signal: ArrivalSignal?
    let peer: String

    /// The most messages waiting to be read. The protocol has at most a handful in flight per
    /// connection (one request or reply, a heartbeat, a failure report).
    static let capacity = 256

    init(peer: String) { self.peer = peer }

    func deliver(_ message: Message) throws(TransportError) {
        condition.lock()
        if case .heartbeat = message, case .heartbeat? = queue.last {
            condition.unlock()
            return
        }
        guard queue.count < Self.capacity else {
            condition.unlock()
            throw TransportError(.badMessage, peer: peer, "sent \(Self.capacity) messages that were not asked for (flooding)")
        }
        queue.append(message)
        condition.signal()
        let signal = self.signal
        condition.unlock()
        signal?.raise()
    }

    /// Raises `signal` on every later arrival (and now, if something is waiting already).
    func notify(_ signal: ArrivalSignal) {
        condition.lock()
        self.signal = signal
        let pending = !queue.isEmpty || failure != nil
        condition.unlock()
        if pending { signal.raise() }
    }

    /// The next message if one is queued; `nil` if none; the failure once the queue is drained.
    func poll() throws(TransportError) -> Message? {
        condition.lock()
        defer { condition.unlock() }
        if !queue.isEmpty { return queue.removeFirst() }
        if let failure { throw failure }
        return nil
    }

    /// Ends the mailbox: messages already queued are still handed out, then `error`.
    func fail(_ error: TransportError) {
        condition.lock()
        if failure == nil { failure = error }
        condition.broadcast()
        let signal = self.signal
        condition.unlock()
        signal?.raise()
    }

    func take(timeout: Duration) throws(TransportError) -> Message {
        let deadline = Date().addingTimeInterval(timeout.seconds)
        condition.lock()
        defer { condition.unlock() }
        while queue.isEmpty {
            if let failure { throw failure }
            if !condition.wait(until: deadline) {
                if !queue.isEmpty { break }
                if let failure { throw failure }
                throw TransportError(.timedOut, peer: peer, "no message within \(timeout)")
            }
        }
        return queue.removeFirst()
    }
}
