import Crypto

/// Who may join a training run over TCP, and how both sides prove who they are.
///
/// 1. The server sends `challenge` with a fresh 32-byte random nonce.
/// 2. The worker answers `authenticate` with its own fresh nonce and
///    `HMAC-SHA256(secret, "shardtrain-join-v2" ‖ server nonce ‖ worker nonce)`.
/// 3. The server checks the code in constant time. Both sides now derive the session keys
///    (``SessionKeys``) from the secret and both nonces, and every later frame, both ways, is
///    sealed with them (AES-256-GCM, ``SessionCipher``).
/// 4. The server's first sealed frame is `assign` (rank, worker count). A worker trusts
///    nothing before it: a server that does not hold the secret cannot produce a frame that
///    opens, so the worker knows it talks to the real server.
///
/// The secret never crosses the wire; a recorded session is useless for another (new nonces,
/// new keys); training data and parameters travel encrypted. Until step 3 passes, a connection
/// may send only one `authenticate` frame of a few hundred bytes within the admission deadline
/// (``ConnectionGate``).
public enum Admission {
    static let context = Array("shardtrain-join-v2".utf8)
    static let nonceSize = 32
    /// The largest worker count a server may announce.
    public static let largestWorkerCount = 65_536

    /// The code that proves a worker holds `secret`.
    static func code(secret: [UInt8], serverNonce: [UInt8], workerNonce: [UInt8]) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: context + serverNonce + workerNonce, using: SymmetricKey(data: secret)))
    }

    static func freshNonce() -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0 ..< nonceSize).map { _ in UInt8.random(in: 0 ... 255, using: &generator) }
    }

    /// Server side, step 3: checks a worker's `authenticate` payload (its nonce, then its code).
    /// - Returns: the session keys, or `nil` for a wrong answer.
    static func verify(answer: [UInt8], serverNonce: [UInt8], secret: [UInt8]) -> SessionKeys? {
        guard answer.count == 2 * nonceSize else { return nil }
        let workerNonce = Array(answer.prefix(nonceSize)), code = answer.suffix(nonceSize)
        let valid = HMAC<SHA256>.isValidAuthenticationCode(code, authenticating: context + serverNonce + workerNonce,
                                                           using: SymmetricKey(data: secret))
        return valid ? SessionKeys(secret: secret, serverNonce: serverNonce, workerNonce: workerNonce) : nil
    }

    /// Worker side: answers the server's challenge, starts the session and waits for the
    /// server's sealed rank assignment.
    /// - Returns: the assigned rank and the worker count.
    /// - Throws: ``TransportError`` — `badChecksum` when the assignment does not open (the
    ///   server does not hold the secret), `badMessage` for an impossible rank or count.
    public static func join(_ connection: SocketEndpoint, secret: [UInt8],
                            timeout: Duration = .seconds(30)) throws(TransportError) -> (rank: Int, workers: Int) {
        let serverNonce: [UInt8]
        switch try connection.receive(timeout: timeout) {
        case .challenge(let nonce) where nonce.count == nonceSize:
            serverNonce = nonce
        case .failure(let text):
            throw TransportError(.workerFailed, peer: connection.peer, text)
        case let other:
            throw TransportError(.unexpectedMessage, peer: connection.peer, "sent \(other.type) — expected a 32-byte challenge")
        }
        let workerNonce = freshNonce()
        let keys = SessionKeys(secret: secret, serverNonce: serverNonce, workerNonce: workerNonce)
        let answer = workerNonce + code(secret: secret, serverNonce: serverNonce, workerNonce: workerNonce)
        try connection.startSession(receiving: SessionCipher(key: keys.serverToWorker),
                                    sending: SessionCipher(key: keys.workerToServer), after: .authenticate(code: answer))
        switch try connection.receive(timeout: timeout) {
        case .assign(let rank, let workers):
            guard workers >= 1, workers <= largestWorkerCount, rank < workers else {
                throw TransportError(.badMessage, peer: connection.peer, "assigned rank \(rank) of \(workers) workers")
            }
            return (rank, workers)
        case .failure(let text):
            throw TransportError(.workerFailed, peer: connection.peer, text)
        case let other:
            throw TransportError(.unexpectedMessage, peer: connection.peer, "sent \(other.type) — expected a rank assignment")
        }
    }
}
