import Foundation

/// Wakes a server that waits for a message from any of several connections: each connection's
/// mailbox raises it when a message or a failure arrives.
///
/// Read ``generation`` before polling the connections, then ``wait(past:until:)``: an arrival
/// between the two is not missed.
public final class ArrivalSignal: @unchecked Sendable {
    private let condition = NSCondition()
    private var count: UInt64 = 0

    public init() {}

    /// How many arrivals so far.
    public var generation: UInt64 {
        condition.lock()
        defer { condition.unlock() }
        return count
    }

    func raise() {
        condition.lock()
        count &+= 1
        condition.broadcast()
        condition.unlock()
    }

    /// Waits until something arrives after `seen` (a value of ``generation``) or `deadline`.
    /// - Returns: whether something arrived.
    @discardableResult
    public func wait(past seen: UInt64, until deadline: Date) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while count == seen {
            if !condition.wait(until: deadline) { return count != seen }
        }
        return true
    }
}
