import Foundation

/// Requests to workers and their replies: one request in flight per worker, replies taken in
/// whatever order they arrive, lost workers replaced and their request sent again.
extension DistributedProblem {
    /// Sends `message` (a request with version `version`) to `rank` and keeps it until the
    /// reply comes, so that a replacement can be asked again.
    func post(_ message: Message, to rank: Int, version: UInt64, retry: Message? = nil) throws {
        precondition(pending[rank] == nil, "one request in flight per worker")
        let now = ContinuousClock.now
        pending[rank] = Pending(message: message, version: version, sent: now, lastHeard: now, retry: retry)
        statistics.bytesSent += message.wireSize
        let sent = Result { () throws(TransportError) in try endpoints[rank].send(message) }
        if case .failure(let error) = sent {
            try recover(rank, from: TransportError(error.code, peer: "worker \(rank)", error.message))
        }
    }

    /// Waits for the next reply to a request in flight, from any worker.
    /// - Throws: a ``TransportError`` naming the worker for a reply that is refused (stale,
    ///   wrong dimension, not finite, a failure) or a loss that cannot be repaired.
    func nextReply() throws -> Reply {
        precondition(!pending.isEmpty, "no request in flight")
        let clock = ContinuousClock()
        while true {
            let seen = signal.generation
            for rank in pending.keys.sorted() {
                if let reply = try poll(rank) { return reply }
            }
            let now = clock.now
            var wake = now + .milliseconds(500)
            for (rank, request) in pending.sorted(by: { $0.key < $1.key }) {
                let answerBy = request.sent + timeout
                let heardBy = heartbeatTimeout.map { request.lastHeard + $0 } ?? answerBy
                if now >= answerBy {
                    try recover(rank, from: TransportError(.timedOut, peer: "worker \(rank)",
                                                           "no answer within \(timeout.seconds) s"))
                } else if now >= heardBy {
                    try recover(rank, from: TransportError(.timedOut, peer: "worker \(rank)",
                                                           "silent for \(heartbeatTimeout?.seconds ?? 0) s (no heartbeat): hung"))
                } else {
                    wake = min(wake, answerBy, heardBy)
                }
            }
            signal.wait(past: seen, until: Date().addingTimeInterval(max(0, (wake - clock.now).seconds)))
        }
    }

    /// The reply of `rank`, if it has come; heartbeats on the way are noted and dropped.
    private func poll(_ rank: Int) throws -> Reply? {
        while true {
            let polled = Result { () throws(TransportError) -> Message? in try endpoints[rank].poll() }
            switch polled {
            case .failure(let error):
                try recover(rank, from: TransportError(error.code, peer: "worker \(rank)", error.message))
                return nil
            case .success(nil):
                return nil
            case .success(.heartbeat?):
                pending[rank]?.lastHeard = ContinuousClock.now
            case .success(let message?):
                return try check(message, from: rank)
            }
        }
    }

    /// Checks a reply against the request in flight and turns it into a ``Reply``.
    private func check(_ message: Message, from rank: Int) throws(TransportError) -> Reply {
        let peer = "worker \(rank)"
        guard let request = pending[rank] else {
            throw TransportError(.unexpectedMessage, peer: peer, "sent \(message.type) with no request in flight")
        }
        let part: PartialEvaluation, version: UInt64, seconds: Double
        switch (message, request.message) {
        case (.result(let answered, let lossSum, let weightSum, let gradient, let computeSeconds), .evaluate):
            part = PartialEvaluation(lossSum: lossSum, gradient: try full(gradient, "gradient", rank), weightSum: weightSum)
            (version, seconds) = (answered, computeSeconds)
        case (.localResult(let answered, let parameters, let lossSum, let weightSum, let computeSeconds), .localSteps):
            try checkLength(parameters.count, "parameter vector", peer)
            part = PartialEvaluation(lossSum: lossSum, gradient: parameters.map(Double.init), weightSum: weightSum)
            (version, seconds) = (answered, computeSeconds)
        case (.exactResult(let answered, let lossSum, let computeSeconds), .exactEvaluate):
            part = PartialEvaluation(lossSum: lossSum, gradient: [], weightSum: 0)
            (version, seconds) = (answered, computeSeconds)
        case (.curvatureResult(let answered, let values, let computeSeconds), .curvature):
            part = PartialEvaluation(lossSum: 0, gradient: try full(values, "curvature vector", rank), weightSum: 0)
            (version, seconds) = (answered, computeSeconds)
        case (.failure(let text), _):
            throw TransportError(.workerFailed, peer: peer, text)
        default:
            throw TransportError(.unexpectedMessage, peer: peer, "sent \(message.type) — expected the answer to \(request.message.type)")
        }
        guard version == request.version else {
            throw TransportError(.unexpectedMessage, peer: peer, "answered version \(version) — expected \(request.version)")
        }
        guard part.isFinite else {
            throw TransportError(.nonFinite, peer: peer, "pushed NaN or infinite values for version \(version); refused")
        }
        pending[rank] = nil
        statistics.bytesReceived += message.wireSize
        return Reply(rank: rank, part: part, computeSeconds: seconds, replySeconds: (ContinuousClock.now - request.sent).seconds,
                     bytes: message.wireSize, sentBytes: request.message.wireSize)
    }

    /// A pushed vector at full length: a rank with keys pushes the entries at its keys only.
    private func full(_ values: [Float], _ what: String, _ rank: Int) throws(TransportError) -> [Double] {
        let keys = pulledKeys[rank]
        if keys.isEmpty {
            try checkLength(values.count, what, "worker \(rank)")
            return values.map(Double.init)
        }
        guard values.count == keys.count else {
            throw TransportError(.badMessage, peer: "worker \(rank)", "\(what) of \(values.count) values — expected one per key, \(keys.count)")
        }
        return KeyedVector.scatter(values, at: keys, count: parameterCount)
    }

    private func checkLength(_ count: Int, _ what: String, _ peer: String) throws(TransportError) {
        guard count == parameterCount else {
            throw TransportError(.badMessage, peer: peer, "\(what) of \(count) values — expected \(parameterCount)")
        }
    }

    /// Replaces the worker of `rank` after a loss and sends it the request in flight again;
    /// throws the error when it is not a loss, or no replacement can be had.
    private func recover(_ rank: Int, from error: TransportError) throws {
        guard error.code == .connectionLost || error.code == .timedOut, let replaceWorker,
              var request = pending[rank], request.attempts < 3 else { throw error }
        endpoints[rank].close()
        let fresh = try replaceWorker(rank)
        fresh.expectVectors(ofLength: parameterCount)
        fresh.notify(signal)
        endpoints[rank] = fresh
        statistics.replacedWorkers += 1
        joinedAt[rank] = request.version
        onWorkerReplaced?(rank, error)
        if let retry = request.retry { request.message = retry }
        request.attempts += 1
        request.sent = .now
        request.lastHeard = .now
        pending[rank] = request
        try Self.naming("worker \(rank)", try fresh.send(request.message))
    }
}
