import Foundation

/// A background thread that sends `heartbeat` to the server every `interval` while the worker
/// lives, so that the server can tell a worker that is computing from one that hangs.
final class Heartbeat: @unchecked Sendable {
    private let condition = NSCondition()
    private var stopped = false

    /// Starts beating on `endpoint` (nothing happens for an interval ≤ 0).
    init(endpoint: any MessageEndpoint, interval: Double) {
        guard interval > 0 else { return }
        let thread = Thread { [self] in
            while self.waitOrStop(interval) {
                if (try? endpoint.send(.heartbeat)) == nil { return }
            }
        }
        thread.name = "heartbeat"
        thread.start()
    }

    /// Waits `interval` seconds; returns `false` once stopped.
    private func waitOrStop(_ interval: Double) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        let deadline = Date().addingTimeInterval(interval)
        while !stopped {
            if !condition.wait(until: deadline) { return !stopped }
        }
        return false
    }

    /// Stops the thread.
    func stop() {
        condition.lock()
        stopped = true
        condition.broadcast()
        condition.unlock()
    }
}
