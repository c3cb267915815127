/// A worker's side of a training run: summarize the shard, receive the setup, then answer
/// `evaluate` requests with the shard's loss, weight sum and gradient until `shutdown`.
public struct WorkerSession {
    public let rank: Int
    public let endpoint: any MessageEndpoint
    /// Reads the worker's shard (after `hello`, so that a failure can be reported by rank).
    public let loadShard: () throws -> Dataset
    /// How long to wait for the next request before giving up.
    public var idleTimeout: Duration = .seconds(3600)

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
        switch try endpoint.receive(timeout: .seconds(600)) {
        case .setup(let value): setup = value
        case .shutdown: return
        case let other: throw unexpected(other, expecting: "setup")
        }
        let objective: Objective
        do {
            objective = try setup.objective(for: shard)
        } catch {
            try? endpoint.send(.failure(error.message))
            throw TransportError(.workerFailed, peer: "worker \(rank)", error.message)
        }
        try endpoint.send(.ready(rows: objective.rowCount))
        var workspace = objective.makeWorkspace()
        while true {
            switch try endpoint.receive(timeout: idleTimeout) {
            case .evaluate(let version, let rows, let parameters):
                guard parameters.count == objective.parameterCount else {
                    throw TransportError(.badMessage, peer: endpoint.peer,
                                         "evaluate has \(parameters.count) parameters — expected \(objective.parameterCount)")
                }
                guard rows.upperBound <= objective.rowCount else {
                    throw TransportError(.badMessage, peer: endpoint.peer, "rows \(rows) outside the shard's \(objective.rowCount)")
                }
                let clock = ContinuousClock()
                let start = clock.now
                let evaluation = objective.evaluate(parameters.map(Double.init), rows: rows, workspace: &workspace)
                let seconds = (clock.now - start).seconds
                try endpoint.send(.result(version: version, lossSum: evaluation.lossSum, weightSum: evaluation.weightSum,
                                          gradient: evaluation.gradient.map(Float.init), computeSeconds: seconds))
            case .shutdown:
                return
            case .failure(let text):
                throw TransportError(.workerFailed, peer: endpoint.peer, text)
            case let other:
                throw unexpected(other, expecting: "evaluate or shutdown")
            }
        }
    }

    private func unexpected(_ message: Message, expecting: String) -> TransportError {
        TransportError(.unexpectedMessage, peer: endpoint.peer, "sent \(message.type) — expected \(expecting)")
    }
}
