import Foundation

/// A thread-safe queue of received messages that a blocking reader waits on with a timeout.
/// Filled from the network's threads, drained by the training loop.
final class Mailbox: @unchecked Sendable {
    private let condition = NSCondition()
    private var queue: [Message] = []
    private var failure: TransportError?
    let peer: String

    init(peer: String) { self.peer = peer }

    func deliver(_ message: Message) {
        condition.lock()
        queue.append(message)
        condition.signal()
        condition.unlock()
    }

    /// Ends the mailbox: messages already queued are still handed out, then `error`.
    func fail(_ error: TransportError) {
        condition.lock()
        if failure == nil { failure = error }
        condition.broadcast()
        condition.unlock()
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
