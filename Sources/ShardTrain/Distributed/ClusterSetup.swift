/// The server's handshake with freshly connected workers: learn their ranks, combine their
/// shard summaries into one setup, send it, and wait until every shard is ready.
public enum ClusterSetup {
    /// Runs the handshake.
    /// - Parameters:
    ///   - connections: one per worker, in any order; their `hello` says the rank.
    ///   - featureCount: the feature count the user fixed, if any.
    ///   - shipRows: loads shard `rank` of `count` for a worker that asks for its rows (it has
    ///     no copy of the data); `nil` when this process has no data to ship.
    ///   - heartbeat: how long a worker may stay silent before it counts as hung; workers send
    ///     a heartbeat five times as often. `nil`: no heartbeats.
    ///   - introduced: the caller has read every connection's `hello` already and passes them
    ///     in rank order.
    ///   - replace: a new connection for a rank whose worker was lost (connection dropped)
    ///     before it was ready — killed while it read its shard — with its `hello` read; it
    ///     goes through the rest of the handshake in the lost one's place (at most 3 times a
    ///     rank). `nil`: a loss fails the setup. A worker that reports a failure is not replaced.
    /// - Returns: the problem to optimize (endpoints in rank order) and the training description.
    public static func establish(_ connections: [any MessageEndpoint], configuration: TrainingConfiguration,
                                 featureCount: Int?, source: String, timeout: Duration = .seconds(600),
                                 heartbeat: Duration? = nil, shipRows: ((_ rank: Int, _ count: Int) throws -> Dataset)? = nil,
                                 introduced: Bool = false, replace: ((_ rank: Int) throws -> any MessageEndpoint)? = nil)
        throws -> (DistributedProblem, PreparedTraining, ShardSetup) {
        var byRank = [Int: any MessageEndpoint]()
        if introduced { for (rank, connection) in connections.enumerated() { byRank[rank] = connection } }
        for connection in connections where !introduced {
            switch try connection.receive(timeout: timeout) {
            case .hello(let rank):
                guard rank >= 0, rank < connections.count, byRank[rank] == nil else {
                    throw TransportError(.badMessage, peer: connection.peer, "rank \(rank) is out of range or taken")
                }
                byRank[rank] = connection
            case .failure(let text):
                throw TransportError(.workerFailed, peer: connection.peer, text)
            case let other:
                throw TransportError(.unexpectedMessage, peer: connection.peer, "sent \(other.type) — expected hello")
            }
        }
        var endpoints = (0 ..< connections.count).compactMap { byRank[$0] }
        var replacements = [Int](repeating: 0, count: endpoints.count)
        /// Puts a new connection in the place of a lost one, or rethrows what is not a loss.
        func replaceLost(_ rank: Int, after error: any Error) throws {
            guard let replace, (error as? TransportError)?.code == .connectionLost, replacements[rank] < 3 else { throw error }
            replacements[rank] += 1
            endpoints[rank].close()
            endpoints[rank] = try replace(rank)
        }
        var summaries: [ShardSummary] = []
        for rank in endpoints.indices {
            while true {
                do {
                    summaries.append(try summary(from: endpoints[rank], rank: rank, of: endpoints.count, timeout: timeout, shipRows))
                    break
                } catch {
                    try replaceLost(rank, after: error)
                }
            }
        }
        var (setup, prepared) = try ShardSetup.combining(summaries, configuration: configuration,
                                                         featureCount: featureCount, source: source)
        setup.heartbeatSeconds = (heartbeat?.seconds ?? 0) / 5
        // A send that fails shows as a loss on the receive that follows.
        for endpoint in endpoints { try? endpoint.send(.setup(setup)) }
        var keys = [[Int]](repeating: [], count: endpoints.count)
        for rank in endpoints.indices {
            var rejoining = false
            while true {
                do {
                    if rejoining {
                        keys[rank] = try rejoin(endpoints[rank], rank: rank, rows: summaries[rank].rows, setup: setup,
                                                workers: endpoints.count, timeout: timeout, shipRows: shipRows, introduced: true)
                    } else {
                        keys[rank] = try awaitReady(endpoints[rank], rank: rank, rows: summaries[rank].rows, timeout: timeout)
                    }
                    break
                } catch {
                    try replaceLost(rank, after: error)
                    rejoining = true
                }
            }
        }
        let outputs = prepared.outputs
        let problem = DistributedProblem(
            endpoints: endpoints, shardRows: summaries.map(\.rows),
            parameterCount: prepared.featureCount * outputs + outputs,
            regularization: prepared.regularization(configuration), timeout: timeout)
        problem.heartbeatTimeout = heartbeat
        problem.totalWeight = setup.totalWeight
        problem.workersKeepCurvature = setup.keepsCurvature
        for (rank, shardKeys) in keys.enumerated() where !shardKeys.isEmpty {
            guard shardKeys.last! < problem.parameterCount else {
                throw TransportError(.badMessage, peer: "worker \(rank)", "key \(shardKeys.last!) is not below the \(problem.parameterCount) parameters")
            }
            problem.pulledKeys[rank] = shardKeys
        }
        return (problem, prepared, setup)
    }

    /// The handshake with a worker that replaces a lost one (of `workers`): it must say the same
    /// rank and hold the same number of rows (read, or shipped by `shipRows`); it gets the same
    /// setup.
    /// - Parameter keys: the keys the lost worker reported, when known: the replacement holds
    ///   the same shard, so it must report the same ones.
    /// - Returns: the replacement's keys.
    @discardableResult
    public static func rejoin(_ connection: any MessageEndpoint, rank: Int, rows: Int, setup: ShardSetup,
                              workers: Int, timeout: Duration = .seconds(600),
                              shipRows: ((Int, Int) throws -> Dataset)? = nil, introduced: Bool = false,
                              keys expected: [Int]? = nil) throws -> [Int] {
        let peer = "worker \(rank)"
        if !introduced {
            guard case .hello(let said) = try DistributedProblem.naming(peer, try connection.receive(timeout: timeout)), said == rank else {
                throw TransportError(.unexpectedMessage, peer: peer, "the replacement did not introduce itself as rank \(rank)")
            }
        }
        let summary = try summary(from: connection, rank: rank, of: workers, timeout: timeout, shipRows)
        guard summary.rows == rows else {
            throw TransportError(.unexpectedMessage, peer: peer, "the replacement holds \(summary.rows) rows — expected \(rows)")
        }
        try connection.send(.setup(setup))
        let keys = try awaitReady(connection, rank: rank, rows: rows, timeout: timeout)
        if let expected, keys != expected {
            throw TransportError(.unexpectedMessage, peer: peer, "the replacement touches \(keys.count) parameters — the shard's worker touched \(expected.count)")
        }
        return keys
    }

    /// A worker's data summary (its rows shipped first when it asks for them).
    static func summary(from endpoint: any MessageEndpoint, rank: Int, of count: Int, timeout: Duration,
                        _ shipRows: ((Int, Int) throws -> Dataset)?) throws -> ShardSummary {
        let peer = "worker \(rank)"
        var message = try DistributedProblem.naming(peer, try endpoint.receive(timeout: timeout))
        if case .requestRows = message {
            try ship(to: endpoint, rank: rank, of: count, shipRows)
            message = try DistributedProblem.naming(peer, try endpoint.receive(timeout: timeout))
        }
        switch message {
        case .dataSummary(let summary): return summary
        case .failure(let text): throw TransportError(.workerFailed, peer: peer, text)
        case let other: throw TransportError(.unexpectedMessage, peer: peer, "sent \(other.type) — expected its data summary")
        }
    }

    /// Waits for a worker's `ready` with the row count of its summary; returns its keys.
    @discardableResult
    static func awaitReady(_ endpoint: any MessageEndpoint, rank: Int, rows: Int, timeout: Duration) throws -> [Int] {
        let peer = "worker \(rank)"
        switch try DistributedProblem.naming(peer, try endpoint.receive(timeout: timeout)) {
        case .ready(let count, let keys) where count == rows:
            return keys
        case .failure(let text):
            throw TransportError(.workerFailed, peer: peer, text)
        case let other:
            throw TransportError(.unexpectedMessage, peer: peer, "sent \(other.type) — expected ready")
        }
    }

    /// Sends shard `rank` of `count` to a worker that asked for its rows.
    static func ship(to endpoint: any MessageEndpoint, rank: Int, of count: Int,
                     _ shipRows: ((Int, Int) throws -> Dataset)?) throws {
        guard let shipRows else {
            let reason = "the coordinator has no copy of the data to ship (start train with --data FILE, or give the worker --data FILE)"
            try? endpoint.send(.failure(reason))
            throw TransportError(.workerFailed, peer: "worker \(rank)", "asked for its rows, but \(reason)")
        }
        let shard: Dataset
        do {
            shard = try shipRows(rank, count)
        } catch {
            try? endpoint.send(.failure("the coordinator cannot read the data: \(error)"))
            throw error
        }
        for chunk in RowChunk.chunks(of: shard) {
            try DistributedProblem.naming("worker \(rank)", try endpoint.send(.rows(chunk)))
        }
    }
}
