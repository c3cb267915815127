import Crypto

/// Who may join a training run over TCP: workers that prove they hold the shared secret.
///
/// The server sends a fresh 32-byte random nonce; the worker answers with
/// `HMAC-SHA256(secret, nonce ‖ "shardtrain-join-v1")`; the server checks it in constant time
/// and only then assigns a rank. The secret itself never crosses the wire, and a recorded answer
/// is useless for another connection (new nonce). No secret, no join.
public enum Admission {
    static let context = Array("shardtrain-join-v1".utf8)

    /// The answer to a challenge.
    public static func answer(nonce: [UInt8], secret: [UInt8]) -> [UInt8] {
        let code = HMAC<SHA256>.authenticationCode(for: nonce + context, using: SymmetricKey(data: secret))
        return Array(code)
    }

    /// Server side: challenge a new connection and, if it answers correctly, assign it `rank`.
    /// - Throws: ``TransportError`` (`badMessage` for a wrong answer) — the caller logs the
    ///   refusal and closes the connection.
    public static func admit(_ connection: any MessageEndpoint, secret: [UInt8], rank: Int, workers: Int,
                             timeout: Duration = .seconds(10)) throws(TransportError) {
        var generator = SystemRandomNumberGenerator()
        let nonce = (0 ..< 32).map { _ in UInt8.random(in: 0 ... 255, using: &generator) }
        try connection.send(.challenge(nonce: nonce))
        guard case .authenticate(let code) = try connection.receive(timeout: timeout) else {
            throw TransportError(.unexpectedMessage, peer: connection.peer, "did not answer the authentication challenge")
        }
        let valid = HMAC<SHA256>.isValidAuthenticationCode(code, authenticating: nonce + context,
                                                           using: SymmetricKey(data: secret))
        guard valid else {
            throw TransportError(.badMessage, peer: connection.peer, "wrong shared secret (HMAC check failed)")
        }
        try connection.send(.assign(rank: rank, workers: workers))
    }

    /// Worker side: answer the server's challenge; returns the assigned rank and worker count.
    public static func join(_ connection: any MessageEndpoint, secret: [UInt8],
                            timeout: Duration = .seconds(30)) throws(TransportError) -> (rank: Int, workers: Int) {
        guard case .challenge(let nonce) = try connection.receive(timeout: timeout) else {
            throw TransportError(.unexpectedMessage, peer: connection.peer, "did not send an authentication challenge")
        }
        try connection.send(.authenticate(code: answer(nonce: nonce, secret: secret)))
        switch try connection.receive(timeout: timeout) {
        case .assign(let rank, let workers):
            return (rank, workers)
        case .failure(let text):
            throw TransportError(.workerFailed, peer: connection.peer, text)
        case let other:
            throw TransportError(.unexpectedMessage, peer: connection.peer, "sent \(other.type) — expected a rank assignment")
        }
    }
}
