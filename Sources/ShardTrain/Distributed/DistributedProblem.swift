import Foundation

/// A ``TrainingProblem`` whose data lives in worker processes: the parameter server's side of
/// every evaluation.
///
/// Each call publishes the parameters with a new version number to the workers whose shards
/// hold part of the requested rows, waits for their contributions (with a timeout), rejects
/// any that is stale, of the wrong dimension or not finite, and combines them with the
/// ``AggregationRule`` in rank order. Shards are consecutive: worker `r` holds global rows
/// `offsets[r] ..< offsets[r + 1]`, so a global row range maps to one local range per worker
/// and mini-batches are spread over the workers that hold their rows.
public final class DistributedProblem: TrainingProblem {
    public let parameterCount: Int
    public let rowCount: Int
    public let regularization: Regularization
    public let aggregation: AggregationRule
    /// How long to wait for one worker's contribution.
    public var timeout: Duration
    private var endpoints: [any MessageEndpoint]
    /// Replaces a lost worker: given its rank, returns a connection to a new worker that holds
    /// the same shard (already through the handshake). `nil`: a lost worker ends the run.
    public var replaceWorker: ((Int) throws -> any MessageEndpoint)?
    /// Called when a worker is lost and replaced, with its rank and the reason.
    public var onWorkerReplaced: ((Int, TransportError) -> Void)?
    /// Called before each round is published, with its version (for fault-injection tests).
    public var beforeRound: ((UInt64) -> Void)?
    /// Called after each round with what it cost, per worker.
    public var afterRound: ((RoundRecord) -> Void)?

    /// The cost of one reduce round.
    public struct RoundRecord: Sendable {
        public struct Worker: Sendable {
            public var rank: Int
            /// Seconds the worker spent in its kernels.
            public var computeSeconds: Double
            /// Seconds from publishing the round until its contribution arrived.
            public var replySeconds: Double
            public var bytesSent: Int
            public var bytesReceived: Int
        }
        public var version: UInt64
        public var rows: Int
        public var workers: [Worker]
        /// Seconds waiting for the slowest contribution.
        public var waitSeconds: Double
        /// Seconds combining the contributions.
        public var reduceSeconds: Double
    }
    private let offsets: [Int]
    /// Rows of each worker's shard, in rank order.
    public var shardRows: [Int] { (0 ..< endpoints.count).map { offsets[$0 + 1] - offsets[$0] } }
    private var version: UInt64 = 0
    /// Counters of the run so far.
    public private(set) var statistics = Statistics()

    /// What the server has measured.
    public struct Statistics: Sendable {
        /// Evaluations (reduce rounds).
        public var rounds = 0
        /// Bytes sent and received in frames.
        public var bytesSent = 0
        public var bytesReceived = 0
        /// Seconds spent waiting for workers (their compute and the network).
        public var waitSeconds = 0.0
        /// Seconds spent combining contributions.
        public var reduceSeconds = 0.0
        /// Workers lost and replaced.
        public var replacedWorkers = 0
    }

    /// - Parameters:
    ///   - endpoints: one connection per worker, in rank order.
    ///   - shardRows: the rows each worker holds, in rank order.
    public init(endpoints: [any MessageEndpoint], shardRows: [Int], parameterCount: Int, regularization: Regularization,
                aggregation: AggregationRule = .sumInRankOrder, timeout: Duration = .seconds(600)) {
        precondition(endpoints.count == shardRows.count, "one shard size per worker")
        self.endpoints = endpoints
        var offsets = [0]
        for rows in shardRows { offsets.append(offsets[offsets.count - 1] + rows) }
        self.offsets = offsets
        rowCount = offsets[offsets.count - 1]
        self.parameterCount = parameterCount
        self.regularization = regularization
        self.aggregation = aggregation
        self.timeout = timeout
    }

    /// Number of workers.
    public var workerCount: Int { endpoints.count }

    public func evaluate(_ parameters: [Double], rows range: Range<Int>) throws -> PartialEvaluation {
        version &+= 1
        beforeRound?(version)
        let published = parameters.map(Float.init)
        var requests: [(rank: Int, message: Message)] = []
        for rank in endpoints.indices {
            let lower = max(range.lowerBound, offsets[rank]), upper = min(range.upperBound, offsets[rank + 1])
            guard lower < upper else { continue }
            let message = Message.evaluate(version: version, rows: (lower - offsets[rank]) ..< (upper - offsets[rank]),
                                           parameters: published)
            statistics.bytesSent += Self.evaluateFrameBytes(published.count)
            if let error = sendFailure(rank, message) {
                try replace(rank, after: error, resending: message)
            }
            requests.append((rank, message))
        }
        let clock = ContinuousClock()
        let waitStart = clock.now
        var parts: [PartialEvaluation] = []
        var records: [RoundRecord.Worker] = []
        let messageBytes = Self.evaluateFrameBytes(published.count)
        let replyBytes = Self.resultFrameBytes(parameterCount)
        for (rank, message) in requests {
            var attempts = 0
            while true {
                let outcome = Result { () throws(TransportError) -> (PartialEvaluation, Double) in try contribution(from: rank) }
                switch outcome {
                case .success(let (part, seconds)):
                    parts.append(part)
                    records.append(.init(rank: rank, computeSeconds: seconds, replySeconds: (clock.now - waitStart).seconds,
                                         bytesSent: messageBytes, bytesReceived: replyBytes))
                case .failure(let error):
                    // The worker died or hung: a new one recomputes the same contribution, so
                    // the round's result is what it would have been.
                    guard isLoss(error), replaceWorker != nil, attempts < 3 else { throw error }
                    attempts += 1
                    try replace(rank, after: error, resending: message)
                    continue
                }
                break
            }
        }
        let waited = (clock.now - waitStart).seconds
        statistics.waitSeconds += waited
        let reduceStart = clock.now
        let total = parts.isEmpty ? .zero(parameterCount: parameterCount) : aggregation.combine(parts)
        let reduced = (clock.now - reduceStart).seconds
        statistics.reduceSeconds += reduced
        statistics.rounds += 1
        afterRound?(RoundRecord(version: version, rows: range.count, workers: records, waitSeconds: waited, reduceSeconds: reduced))
        return total
    }

    /// Runs `body`, reporting any transport error as coming from `peer` (connections are named
    /// before their rank is known).
    static func naming<T>(_ peer: String, _ body: @autoclosure () throws(TransportError) -> T) throws(TransportError) -> T {
        do {
            return try body()
        } catch {
            throw TransportError(error.code, peer: peer, error.message)
        }
    }

    private func contribution(from rank: Int) throws(TransportError) -> (PartialEvaluation, Double) {
        let endpoint = endpoints[rank]
        let peer = "worker \(rank)"
        switch try Self.naming(peer, try endpoint.receive(timeout: timeout)) {
        case .result(let answered, let lossSum, let weightSum, let gradient, let computeSeconds):
            guard answered == version else {
                throw TransportError(.unexpectedMessage, peer: peer, "answered version \(answered) — expected \(version)")
            }
            guard gradient.count == parameterCount else {
                throw TransportError(.badMessage, peer: peer,
                                     "gradient of \(gradient.count) values — expected \(parameterCount)")
            }
            statistics.bytesReceived += Self.resultFrameBytes(gradient.count)
            let part = PartialEvaluation(lossSum: lossSum, gradient: gradient.map(Double.init), weightSum: weightSum)
            guard part.isFinite else {
                throw TransportError(.nonFinite, peer: peer, "pushed NaN or infinite values for version \(version); refused")
            }
            return (part, computeSeconds)
        case .failure(let text):
            throw TransportError(.workerFailed, peer: peer, text)
        case let other:
            throw TransportError(.unexpectedMessage, peer: peer, "sent \(other.type) — expected result")
        }
    }

    /// Bytes of an `evaluate` frame with `n` parameters: header, version, row range, count, floats, checksum.
    static func evaluateFrameBytes(_ n: Int) -> Int { Frame.headerSize + 32 + 4 * n + Frame.trailerSize }
    /// Bytes of a `result` frame with `n` gradient values.
    static func resultFrameBytes(_ n: Int) -> Int { Frame.headerSize + 40 + 4 * n + Frame.trailerSize }

    /// Sends, returning a loss that a replacement can repair; other errors are thrown.
    private func sendFailure(_ rank: Int, _ message: Message) -> TransportError? {
        do {
            try endpoints[rank].send(message)
            return nil
        } catch {
            return TransportError(error.code, peer: "worker \(rank)", error.message)
        }
    }

    private func isLoss(_ error: TransportError) -> Bool {
        error.code == .connectionLost || error.code == .timedOut
    }

    private func replace(_ rank: Int, after error: TransportError, resending message: Message) throws {
        guard let replaceWorker, isLoss(error) else { throw error }
        endpoints[rank].close()
        let fresh = try replaceWorker(rank)
        endpoints[rank] = fresh
        statistics.replacedWorkers += 1
        onWorkerReplaced?(rank, error)
        try Self.naming("worker \(rank)", try fresh.send(message))
    }

    /// Tells every worker to exit and closes the connections.
    public func shutdown() {
        for endpoint in endpoints {
            try? endpoint.send(.shutdown)
            endpoint.close()
        }
    }
}
