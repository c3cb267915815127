import Foundation

/// A thread-safe queue of received messages that a blocking reader waits on with a timeout.
/// Filled from the network's threads, drained by the training loop.
final class Mailbox: @unchecked Sendable {
    private let condition = NSCondition()
    private var queue: [Message] = []
    private var failure: TransportError?
    private var signal: ArrivalSignal?
    let peer: String

    init(peer: String) { self.peer = peer }

    func deliver(_ message: Message) {
        condition.lock()
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
