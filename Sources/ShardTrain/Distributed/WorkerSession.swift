import Foundation

/// A worker's side of a training run: summarize the shard, receive the setup, then answer
/// `evaluate` requests with the shard's loss, weight sum and gradient (and `localSteps`
/// requests with new parameters) until `shutdown`, sending heartbeats meanwhile.
public struct WorkerSession {
    public let rank: Int
    public let endpoint: any MessageEndpoint
    /// Reads the worker's shard (after `hello`, so that a failure can be reported by rank).
    public let loadShard: () throws -> Dataset
    /// How long to wait for the setup or the next request before giving up on a silent server.
    public var idleTimeout: Duration = .seconds(3600)
    /// Extra time before an answer: a simulated straggler, for drills and benchmarks.
    public var delay: Duration = .zero
    /// The share of answers that get the delay, drawn with a generator seeded by the rank: 1 is
    /// a worker that is always slow, 0.1 one that pauses now and then.
    public var delayChance = 1.0
    /// Fault drill: the process kills itself with SIGKILL when this many requests have arrived,
    /// as abruptly as a crashed or killed host would go.
    public var killSelfAfter: Int?

    public init(rank: Int, endpoint: any MessageEndpoint, loadShard: @escaping () throws -> Dataset) {
        self.rank = rank
        self.endpoint = endpoint
        self.loadShard = loadShard
    }

    public init(rank: Int, endpoint: any MessageEndpoint, shard: Dataset) {
        self.init(rank: rank, endpoint: endpoint) { shard }
    }

    /// Runs until the server says `shutdown`.
    /// - Throws: ``TransportError`` when the connection fails or a message is out of turn;
    ///   setup problems are reported to the server as a `failure` message, then thrown.
    public func run() throws(TransportError) {
        try endpoint.send(.hello(rank: rank))
        let shard: Dataset
        do {
            shard = try loadShard()
        } catch {
            try? endpoint.send(.failure("\(error)"))
            throw TransportError(.workerFailed, peer: "worker \(rank)", "\(error)")
        }
        try endpoint.send(.dataSummary(ShardSummary(of: shard)))
        let setup: ShardSetup
        switch try endpoint.receive(timeout: idleTimeout) {
        case .setup(let value):
            try value.check(peer: endpoint.peer)
            setup = value
        case .shutdown: return
        case let other: throw unexpected(other, expecting: "setup")
        }
        let objective: Objective
        do {
            var rows = shard
            if let seed = setup.shuffleSeed { rows = rows.shuffled(seed: seed &+ UInt64(rank) &* 0x9E37_79B9_7F4A_7C15) }
            objective = try setup.objective(for: rows)
        } catch {
            try? endpoint.send(.failure(error.message))
            throw TransportError(.workerFailed, peer: "worker \(rank)", error.message)
        }
        let keys = objective.touchedParameters()
        try endpoint.send(.ready(rows: objective.rowCount, keys: keys))
        let heartbeat = Heartbeat(endpoint: endpoint, interval: setup.heartbeatSeconds)
        defer { heartbeat.stop() }
        try serve(objective, keys: keys, keepsCurvature: setup.keepsCurvature)
    }

    /// Answers requests until `shutdown`.
    /// Answers requests until `shutdown`. With `keys`, `evaluate` and `curvature` vectors may
    /// come as the entries at the keys only, and their answers go back that way.
    private func serve(_ objective: Objective, keys: [Int], keepsCurvature: Bool) throws(TransportError) {
        var workspace = objective.makeWorkspace()
        var curvatures = CurvatureCache<CurvatureKey>()
        var localSteps = LocalStepRunner()
        let clock = ContinuousClock()
        var pauses = SeededGenerator(seed: UInt64(rank) &+ 1)
        var requests = 0
        while true {
            let request = try endpoint.receive(timeout: idleTimeout)
            if request.isRequest {
                requests += 1
                if let killSelfAfter, requests >= killSelfAfter { kill(getpid(), SIGKILL) }
            }
            let start = clock.now
            if delay > .zero, request.isRequest, Double.random(in: 0 ..< 1, using: &pauses) < delayChance {
                Thread.sleep(forTimeInterval: delay.seconds)
            }
            switch request {
            case .evaluate(let version, let rows, let parameters):
                let theta = try full(parameters, objective, keys)
                try check([rows], objective)
                let evaluation: PartialEvaluation
                if keepsCurvature {
                    var kept = [Double](repeating: 0, count: rows.count * objective.outputs)
                    evaluation = kept.withUnsafeMutableBufferPointer {
                        objective.evaluate(theta, rows: rows, workspace: &workspace, curvature: $0)
                    }
                    curvatures.keep(kept, for: CurvatureKey(version: version, rows: rows))
                } else {
                    evaluation = objective.evaluate(theta, rows: rows, workspace: &workspace)
                }
                try endpoint.send(.result(version: version, lossSum: evaluation.lossSum, weightSum: evaluation.weightSum,
                                          gradient: KeyedVector.gather(evaluation.gradient, at: keys).map(Float.init),
                                          computeSeconds: (clock.now - start).seconds))
            case .localSteps(let plan):
                try plan.check(parameterCount: objective.parameterCount, rows: objective.rowCount, peer: endpoint.peer)
                let (parameters, lossSum, weightSum) = localSteps.run(plan, on: objective, workspace: &workspace)
                try endpoint.send(.localResult(version: plan.version, parameters: parameters, lossSum: lossSum,
                                               weightSum: weightSum, computeSeconds: (clock.now - start).seconds))
            case .exactEvaluate(let version, let parameters):
                try check(parameters.count, objective)
                try checkFinite(parameters)
                let lossSum = objective.exactLossSum(parameters).lossSum
                try endpoint.send(.exactResult(version: version, lossSum: lossSum, computeSeconds: (clock.now - start).seconds))
            case .curvature(let request):
                let values = try answer(request, objective, keys, &curvatures, &workspace)
                try endpoint.send(.curvatureResult(version: request.version, values: values,
                                                   computeSeconds: (clock.now - start).seconds))
            case .shutdown:
                return
            case .failure(let text):
                throw TransportError(.workerFailed, peer: endpoint.peer, text)
            case let other:
                throw unexpected(other, expecting: "evaluate, localSteps, exactEvaluate, curvature or shutdown")
            }
        }
    }

    /// The Hessian–vector product or diagonal a `curvature` request asks for, at the curvature
    /// kept from its point's evaluation or recomputed from the point it carries.
    private func answer(_ request: CurvatureRequest, _ objective: Objective, _ keys: [Int],
                        _ curvatures: inout CurvatureCache<CurvatureKey>,
                        _ workspace: inout KernelWorkspace) throws(TransportError) -> [Float] {
        try check([request.rows], objective)
        let key = CurvatureKey(version: request.pointVersion, rows: request.rows)
        let curvature: [Double]
        if let point = request.point {
            curvature = objective.curvature(try full(point, objective, keys), rows: request.rows, workspace: &workspace)
            curvatures.keep(curvature, for: key)
        } else if let kept = curvatures.curvature(for: key) {
            curvature = kept
        } else {
            throw TransportError(.badMessage, peer: endpoint.peer,
                                 "asked for the curvature at version \(request.pointVersion), which this worker does not hold")
        }
        guard let direction = request.direction else {
            let diagonal = objective.hessianDiagonal(curvature: curvature, rows: request.rows, workspace: &workspace)
            return KeyedVector.gather(diagonal, at: keys).map(Float.init)
        }
        let product = objective.hessianProduct(curvature: curvature, direction: try full(direction, objective, keys),
                                               rows: request.rows, workspace: &workspace)
        return KeyedVector.gather(product, at: keys).map(Float.init)
    }

    /// A parameter-shaped vector from a request: all of it, or (with keys) the entries at the
    /// keys, the others zero — features this shard never stores, which nothing here reads.
    private func full(_ values: [Float], _ objective: Objective, _ keys: [Int]) throws(TransportError) -> [Double] {
        try checkFinite(values)
        if !keys.isEmpty, values.count == keys.count {
            return KeyedVector.scatter(values, at: keys, count: objective.parameterCount)
        }
        try check(values.count, objective)
        return values.map(Double.init)
    }

    private func check(_ count: Int, _ objective: Objective) throws(TransportError) {
        guard count == objective.parameterCount else {
            throw TransportError(.badMessage, peer: endpoint.peer, "request has \(count) parameters — expected \(objective.parameterCount)")
        }
    }

    private func checkFinite<T: BinaryFloatingPoint>(_ parameters: [T]) throws(TransportError) {
        guard parameters.allSatisfy(\.isFinite) else {
            throw TransportError(.nonFinite, peer: endpoint.peer, "request with parameters that are not finite")
        }
    }

    private func check(_ batches: [Range<Int>], _ objective: Objective) throws(TransportError) {
        for rows in batches where rows.upperBound > objective.rowCount {
            throw TransportError(.badMessage, peer: endpoint.peer, "rows \(rows) outside the shard's \(objective.rowCount)")
        }
    }

    private func unexpected(_ message: Message, expecting: String) -> TransportError {
        TransportError(.unexpectedMessage, peer: endpoint.peer, "sent \(message.type) — expected \(expecting)")
    }
}

extension Message {
    /// Whether the message asks a worker for work.
    var isRequest: Bool {
        switch self {
        case .evaluate, .localSteps, .exactEvaluate, .curvature: true
        default: false
        }
    }
}

extension WorkerSession {
    /// Asks the server for this worker's rows and waits for them: the shard of a worker with no
    /// copy of the data file. Use it as the session's `loadShard`.
    public static func receiveShippedShard(over endpoint: any MessageEndpoint,
                                           timeout: Duration = .seconds(600)) throws(TransportError) -> Dataset {
        try endpoint.send(.requestRows)
        var chunks: [RowChunk] = []
        while true {
            switch try endpoint.receive(timeout: timeout) {
            case .rows(let chunk):
                chunks.append(chunk)
                if chunk.isLast { return try RowChunk.assemble(chunks, source: "rows shipped by the coordinator", peer: endpoint.peer) }
            case .failure(let text):
                throw TransportError(.workerFailed, peer: endpoint.peer, text)
            case let other:
                throw TransportError(.unexpectedMessage, peer: endpoint.peer, "sent \(other.type) — expected rows")
            }
        }
    }
}

/// Which evaluation a kept curvature comes from.
struct CurvatureKey: Equatable {
    var version: UInt64
    var rows: Range<Int>
}
