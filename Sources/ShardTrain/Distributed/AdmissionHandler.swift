import NIOCore

/// The server's side of ``Admission`` for one TCP connection, run on the connection's event
/// loop, so that any number of connections are admitted at once and a silent one holds up
/// nobody: it sends the challenge, checks the one `authenticate` frame the connection may send
/// (``ConnectionGate`` refuses anything else before the payload is read), starts the sealed
/// session, and hands the connection over. A connection that has not passed within `deadline`
/// is closed.
final class AdmissionHandler: ChannelInboundHandler {
    typealias InboundIn = Message
    typealias InboundOut = Message

    struct Outcome {
        /// The connection passed; it is ready for its `assign`.
        var admitted: (SocketEndpoint) -> Void
        /// The connection was refused (the reason) or went away before it passed.
        var refused: (SocketEndpoint, String?) -> Void
    }

    private let endpoint: SocketEndpoint
    private let secret: [UInt8]
    private let deadline: TimeAmount
    private let outcome: Outcome
    private let nonce = Admission.freshNonce()
    private var timer: Scheduled<Void>?
    private var settled = false

    init(endpoint: SocketEndpoint, secret: [UInt8], deadline: TimeAmount, outcome: Outcome) {
        self.endpoint = endpoint
        self.secret = secret
        self.deadline = deadline
        self.outcome = outcome
    }

    func channelActive(context: ChannelHandlerContext) {
        try? endpoint.send(.challenge(nonce: nonce))
        let loop = context.eventLoop
        let bound = NIOLoopBound((self, context), eventLoop: loop)
        timer = loop.scheduleTask(in: deadline) {
            let (handler, context) = bound.value
            handler.refuse(context, "did not authenticate within \(handler.deadline.nanoseconds / 1_000_000_000) s")
        }
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !settled else { return context.fireChannelRead(data) }
        guard case .authenticate(let answer) = unwrapInboundIn(data),
              let keys = Admission.verify(answer: answer, serverNonce: nonce, secret: secret) else {
            return refuse(context, "wrong shared secret (HMAC check failed)")
        }
        settled = true
        timer?.cancel()
        do {
            try endpoint.startSession(receiving: SessionCipher(key: keys.workerToServer),
                                      sending: SessionCipher(key: keys.serverToWorker))
        } catch {
            return context.close(promise: nil)
        }
        outcome.admitted(endpoint)
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        guard !settled else { return context.fireErrorCaught(error) }
        refuse(context, (error as? TransportError)?.message ?? (TransportTLS.isTLSError(error) ? TransportTLS.explain(error) : "\(error)"))
    }

    func channelInactive(context: ChannelHandlerContext) {
        if !settled {
            settled = true
            timer?.cancel()
            outcome.refused(endpoint, nil)
        }
        context.fireChannelInactive()
    }

    private func refuse(_ context: ChannelHandlerContext, _ reason: String) {
        guard !settled else { return }
        settled = true
        timer?.cancel()
        outcome.refused(endpoint, reason)
        context.close(promise: nil)
    }
}
