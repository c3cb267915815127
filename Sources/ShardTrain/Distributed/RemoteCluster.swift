/// A parameter server that waits for workers to join over TCP (from this or other hosts).
///
/// Every connection must pass ``Admission`` (mutual shared-secret proof, then a sealed session)
/// before it gets a rank; the ``SocketServer`` refuses a connection that fails — wrong secret,
/// garbage bytes, silence — reports it through its log, closes it, and goes on waiting for the
/// workers it expects.
///
/// The server keeps listening while training: a worker that is lost (connection gone, or hung)
/// is replaced by the next worker that joins within the timeout — started by hand or by a
/// cluster manager on any host — which takes over the lost rank's shard and recomputes its
/// missing contribution, so the run ends as it would have.
public final class RemoteCluster {
    public let problem: DistributedProblem
    public let prepared: PreparedTraining
    private let server: SocketServer

    /// Waits until `workers` workers have joined and finished the handshake; workers without a
    /// copy of the data get their shard's rows from `shipRows`.
    public init(server: SocketServer, workers: Int, configuration: TrainingConfiguration,
                featureCount: Int?, source: String, timeout: Duration = .seconds(600), heartbeat: Duration? = .seconds(10),
                shipRows: ((_ rank: Int, _ count: Int) throws -> Dataset)? = nil, log: @escaping (String) -> Void) throws {
        var admitted: [any MessageEndpoint] = []
        while admitted.count < workers {
            let connection = try server.accept(timeout: timeout)
            do {
                try Self.assign(connection, rank: admitted.count, workers: workers, timeout: timeout)
                admitted.append(connection)
                log("worker \(admitted.count - 1) joined from \(connection.peer)")
            } catch {
                log("dropped \(connection.peer) before it took rank \(admitted.count): \(error.message)")
                connection.close()
            }
        }
        /// The next worker that joins within the timeout and completes `handshake` as `rank`.
        func newcomer(for rank: Int, _ handshake: (any MessageEndpoint) throws -> Void) throws -> any MessageEndpoint {
            log("worker \(rank) lost; waiting up to \(Int(timeout.seconds)) s for a worker to join and take its shard")
            let clock = ContinuousClock()
            let deadline = clock.now + timeout
            while true {
                let connection = try server.accept(timeout: max(.milliseconds(1), deadline - clock.now))
                do {
                    try Self.assign(connection, rank: rank, workers: workers, timeout: timeout)
                    try handshake(connection)
                    log("worker \(rank) replaced by \(connection.peer)")
                    return connection
                } catch {
                    log("refused \(connection.peer) as the replacement of worker \(rank): \(error)")
                    connection.close()
                }
            }
        }
        let setup: ShardSetup
        (problem, prepared, setup) = try ClusterSetup.establish(admitted, configuration: configuration,
                                                               featureCount: featureCount, source: source, timeout: timeout,
                                                               heartbeat: heartbeat, shipRows: shipRows, introduced: true,
                                                               replace: { rank in try newcomer(for: rank) { _ in } })
        self.server = server
        let shardRows = problem.shardRows, keys = problem.pulledKeys
        problem.replaceWorker = { rank in
            try newcomer(for: rank) { connection in
                try ClusterSetup.rejoin(connection, rank: rank, rows: shardRows[rank], setup: setup, workers: workers,
                                        timeout: timeout, shipRows: shipRows, introduced: true, keys: keys[rank])
            }
        }
    }

    /// Gives an admitted connection its rank and waits for its `hello`, so that a worker that
    /// went away while it waited for a rank is dropped here, not counted as joined.
    static func assign(_ connection: any MessageEndpoint, rank: Int, workers: Int, timeout: Duration) throws(TransportError) {
        try connection.send(.assign(rank: rank, workers: workers))
        switch try connection.receive(timeout: timeout) {
        case .hello(let said) where said == rank:
            break
        case .failure(let text):
            throw TransportError(.workerFailed, peer: connection.peer, text)
        case let other:
            throw TransportError(.unexpectedMessage, peer: connection.peer, "sent \(other.type) — expected hello from rank \(rank)")
        }
    }

    /// Tells the workers to exit and stops listening.
    public func shutdown() {
        problem.shutdown()
        server.close()
    }
}
