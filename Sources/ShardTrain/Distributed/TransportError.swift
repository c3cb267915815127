/// Why a message could not be sent, received or accepted; names the peer.
public struct TransportError: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Code: String, Sendable {
        case malformedFrame, wrongVersion, oversizedFrame, badChecksum
        /// A payload that does not fit its message type (length, dimension, values).
        case badMessage
        /// A message that arrived out of turn (an unexpected type or version).
        case unexpectedMessage
        /// A push with NaN or infinite numbers.
        case nonFinite
        case connectionLost, timedOut, connectFailed
        /// A worker process reported an error and stopped.
        case workerFailed
    }

    public let code: Code
    /// Who sent the offending bytes (e.g. `worker 2`, `coordinator`).
    public let peer: String
    public let message: String

    public init(_ code: Code, peer: String, _ message: String) {
        self.code = code
        self.peer = peer
        self.message = message
    }

    public var description: String { "\(peer): \(message)" }
}
