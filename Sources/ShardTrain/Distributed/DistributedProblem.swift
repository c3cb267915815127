import Foundation

/// A ``TrainingProblem`` whose data lives in worker processes: the parameter server's side of
/// every evaluation.
///
/// Each call publishes the parameters with a new version number to the workers whose shards
/// hold part of the requested rows, waits for their contributions, rejects any that is stale,
/// of the wrong dimension or not finite, and combines them with the ``AggregationRule`` in rank
/// order, whatever order they arrived in. A worker that dies, stops answering within
/// ``timeout`` or falls silent for ``heartbeatTimeout`` is replaced through ``replaceWorker``
/// and the new one recomputes the missing contribution, so the round's result is unchanged.
///
/// Mini-batches are ranges of rows in the ``RowOrder`` given (interleaved by default: every
/// batch is spread over all workers). The asynchronous loops (``BoundedStalenessLoop``,
/// ``LocalStepsLoop``) use the same requests and replies without waiting for every worker.
public final class DistributedProblem: TrainingProblem {
    public let parameterCount: Int
    public let rowCount: Int
    public let regularization: Regularization
    /// `Σ sᵢ` over every shard (set from the workers' summaries; the row count until then).
    public var totalWeight: Double
    public let aggregation: AggregationRule
    /// How long to wait for one worker's answer to one request.
    public var timeout: Duration
    /// How long a worker with a request in flight may stay silent (no heartbeat, no answer)
    /// before it counts as hung; `nil` when the workers send no heartbeats.
    public var heartbeatTimeout: Duration?
    /// How mini-batch ranges map onto the shards.
    public var rowOrder: RowOrder = .interleaved
    /// Replaces a lost worker: given its rank, returns a connection to a new worker that holds
    /// the same shard (already through the handshake). `nil`: a lost worker ends the run.
    public var replaceWorker: ((Int) throws -> any MessageEndpoint)?
    /// Called when a worker is lost and replaced, with its rank and the reason.
    public var onWorkerReplaced: ((Int, TransportError) -> Void)?
    /// Called before each round is published, with its version (for fault-injection tests).
    public var beforeRound: ((UInt64) -> Void)?
    /// Called after each round with what it cost, per worker.
    public var afterRound: ((RoundRecord) -> Void)?
    /// Counters of the run so far.
    public internal(set) var statistics = Statistics()
    /// Whether the workers keep the curvature of their evaluations (their setup's
    /// ``ShardSetup/keepsCurvature``): Newton's products then name the point by version instead
    /// of sending it.
    public var workersKeepCurvature = false
    /// The last points evaluated over every row, by version (when the workers keep curvature).
    var evaluatedPoints: [(version: UInt64, parameters: [Double])] = []
    /// The version current when each rank's connection joined: a replacement holds no
    /// curvature from before.
    var joinedAt: [UInt64]
    /// The parameters each rank's shard touches (its `ready` keys; empty: all): `evaluate` and
    /// `curvature` vectors go to it, and come back from it, as the entries at these keys only.
    public internal(set) var pulledKeys: [[Int]]

    var endpoints: [any MessageEndpoint]
    private let offsets: [Int]
    let signal = ArrivalSignal()
    /// Requests in flight, by rank (at most one per worker).
    var pending: [Int: Pending] = [:]
    private var version: UInt64 = 0

    struct Pending {
        var message: Message
        var version: UInt64
        var sent: ContinuousClock.Instant
        var lastHeard: ContinuousClock.Instant
        var attempts = 0
        /// What to send a replacement instead of `message` (a curvature request with its point).
        var retry: Message?
    }

    /// - Parameters:
    ///   - endpoints: one connection per worker, in rank order.
    ///   - shardRows: the rows each worker holds, in rank order.
    public init(endpoints: [any MessageEndpoint], shardRows: [Int], parameterCount: Int, regularization: Regularization,
                aggregation: AggregationRule = .sumInRankOrder, timeout: Duration = .seconds(600)) {
        precondition(endpoints.count == shardRows.count, "one shard size per worker")
        self.endpoints = endpoints
        joinedAt = Array(repeating: 0, count: endpoints.count)
        pulledKeys = Array(repeating: [], count: endpoints.count)
        var offsets = [0]
        for rows in shardRows { offsets.append(offsets[offsets.count - 1] + rows) }
        self.offsets = offsets
        rowCount = offsets[offsets.count - 1]
        totalWeight = Double(rowCount)
        self.parameterCount = parameterCount
        self.regularization = regularization
        self.aggregation = aggregation
        self.timeout = timeout
        for endpoint in endpoints {
            endpoint.expectVectors(ofLength: parameterCount)
            endpoint.notify(signal)
        }
    }

    /// Number of workers.
    public var workerCount: Int { endpoints.count }

    /// Rows of each worker's shard, in rank order.
    public var shardRows: [Int] { (0 ..< endpoints.count).map { offsets[$0 + 1] - offsets[$0] } }

    /// The rows of `rank`'s shard that the problem's row range `range` covers.
    public func localRows(_ rank: Int, _ range: Range<Int>) -> Range<Int> {
        let size = offsets[rank + 1] - offsets[rank]
        switch rowOrder {
        case .shardsInSequence:
            let lower = max(range.lowerBound, offsets[rank]), upper = min(range.upperBound, offsets[rank + 1])
            return lower < upper ? (lower - offsets[rank]) ..< (upper - offsets[rank]) : 0 ..< 0
        case .interleaved:
            func scaled(_ row: Int) -> Int {
                rowCount == 0 ? 0 : rowCount.dividingFullWidth(row.multipliedFullWidth(by: size)).quotient
            }
            return scaled(max(0, range.lowerBound)) ..< scaled(min(rowCount, range.upperBound))
        }
    }

    /// A new version number for a request.
    func nextVersion() -> UInt64 {
        version &+= 1
        return version
    }

    public func evaluate(_ parameters: [Double], rows range: Range<Int>) throws -> PartialEvaluation {
        let version = nextVersion()
        beforeRound?(version)
        let published = parameters.map(Float.init)
        if workersKeepCurvature, range == 0 ..< rowCount {
            evaluatedPoints.append((version, parameters))
            if evaluatedPoints.count > 2 { evaluatedPoints.removeFirst() }
        }
        let clock = ContinuousClock()
        let waitStart = clock.now
        for rank in endpoints.indices {
            let rows = localRows(rank, range)
            guard !rows.isEmpty else { continue }
            try post(.evaluate(version: version, rows: rows, parameters: KeyedVector.gather(published, at: pulledKeys[rank])),
                     to: rank, version: version)
        }
        var replies: [Reply] = []
        while !pending.isEmpty { replies.append(try nextReply()) }
        replies.sort { $0.rank < $1.rank }
        let waited = (clock.now - waitStart).seconds
        let reduceStart = clock.now
        let total = replies.isEmpty ? .zero(parameterCount: parameterCount) : aggregation.combine(replies.map(\.part))
        let reduced = (clock.now - reduceStart).seconds
        record(version: version, rows: range.count, replies: replies, waited: waited, reduced: reduced)
        return total
    }

    /// Every worker's float64 loss sum over its whole shard for `parameters` on the original
    /// feature scale (``Message/exactEvaluate(version:parameters:)``), summed in rank order; `nil`
    /// while other requests are in flight.
    public func exactLossSum(originalParameters parameters: [Double]) throws -> Double? {
        guard pending.isEmpty else { return nil }
        let version = nextVersion()
        for rank in endpoints.indices where offsets[rank + 1] > offsets[rank] {
            try post(.exactEvaluate(version: version, parameters: parameters), to: rank, version: version)
        }
        var replies: [Reply] = []
        while !pending.isEmpty { replies.append(try nextReply()) }
        return replies.sorted { $0.rank < $1.rank }.reduce(0) { $0 + $1.part.lossSum }
    }

    /// Adds a round to the statistics and tells ``afterRound``.
    func record(version: UInt64, rows: Int, replies: [Reply], waited: Double, reduced: Double) {
        statistics.waitSeconds += waited
        statistics.reduceSeconds += reduced
        statistics.rounds += 1
        let workers = replies.map {
            RoundRecord.Worker(rank: $0.rank, computeSeconds: $0.computeSeconds, replySeconds: $0.replySeconds,
                               bytesSent: $0.sentBytes, bytesReceived: $0.bytes)
        }
        afterRound?(RoundRecord(version: version, rows: rows, workers: workers, waitSeconds: waited, reduceSeconds: reduced))
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

    /// Tells every worker to exit and closes the connections.
    public func shutdown() {
        for endpoint in endpoints {
            try? endpoint.send(.shutdown)
            endpoint.close()
        }
    }
}
