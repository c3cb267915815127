import Foundation

/// What one connection accepts at this point of its life, read by its frame decoder before
/// each frame: which types, how long a payload, whether frames are sealed, and the longest
/// vector a message may expand to. The handshake tightens and then opens it:
///
/// - a TCP connection the server has not admitted accepts only an `authenticate` frame of at
///   most ``ConnectionGate/handshakePayload`` bytes;
/// - a worker before its session starts accepts only `challenge` or `failure`, and nothing
///   between the challenge and the moment its session keys are installed;
/// - an admitted connection accepts sealed frames of any type up to ``Frame/maximumPayload``,
///   and a sparse vector only as long as the session's parameter vector.
final class ConnectionGate: @unchecked Sendable {
    /// The largest payload of a handshake frame (a challenge, an answer or a short refusal).
    static let handshakePayload = 512

    struct Rules {
        var allowed: Set<MessageType>?
        var maximumPayload: Int
        var opener: SessionCipher?
        var vectorLimit: Int
        /// After a frame of one of these types, accept nothing until the rules change.
        var pauseAfter: Set<MessageType> = []
    }

    private let lock = NSLock()
    private var current: Rules

    init(_ rules: Rules) { current = rules }

    /// A trusted local connection (Unix-domain socket): any frame, no session.
    static func trusted() -> ConnectionGate {
        ConnectionGate(Rules(allowed: nil, maximumPayload: Frame.maximumPayload, opener: nil,
                             vectorLimit: Frame.maximumPayload / 4))
    }

    /// A TCP connection the server has not admitted yet.
    static func unadmitted() -> ConnectionGate {
        ConnectionGate(Rules(allowed: [.authenticate], maximumPayload: handshakePayload, opener: nil, vectorLimit: 0))
    }

    /// A worker's TCP connection before its session starts.
    static func joining() -> ConnectionGate {
        ConnectionGate(Rules(allowed: [.challenge, .failure], maximumPayload: handshakePayload, opener: nil,
                             vectorLimit: 0, pauseAfter: [.challenge]))
    }

    var rules: Rules { lock.withLock { current } }

    /// Called by the decoder after each frame.
    func decoded(_ type: MessageType) {
        lock.withLock {
            if current.pauseAfter.contains(type) {
                current.allowed = []
                current.pauseAfter = []
            }
        }
    }

    /// Starts the session: sealed frames of any type from now on.
    func open(with opener: SessionCipher) {
        lock.withLock {
            current = Rules(allowed: nil, maximumPayload: Frame.maximumPayload, opener: opener, vectorLimit: current.vectorLimit)
        }
    }

    /// Sparse vectors may expand to at most `length` entries (the session's parameter count).
    func limitVectors(to length: Int) {
        lock.withLock { current.vectorLimit = length }
    }
}
