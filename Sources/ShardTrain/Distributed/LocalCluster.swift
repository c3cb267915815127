import Foundation

/// A parameter server and its worker processes on this machine, connected over a Unix-domain
/// socket: what `shardtrain train --workers N` runs.
///
/// A worker that dies (connection lost) or hangs (no answer within the timeout) is replaced:
/// a new process for the same rank reads the same shard, rejoins, and recomputes the missing
/// contribution, so the round — and the whole run — ends with the same result.
public final class LocalCluster {
    /// The problem the optimizer drives; its evaluations run on the workers.
    public let problem: DistributedProblem
    /// How the parameters become a model.
    public let prepared: PreparedTraining
    private let server: SocketServer
    private let workers: LocalWorkers
    private let folder: String

    /// Listens, starts `count` workers with `arguments(rank, socketPath)`, and runs the handshake.
    /// On any failure the workers are killed and the socket removed before the error is thrown.
    public init(workers count: Int, executable: URL, configuration: TrainingConfiguration, featureCount: Int?,
                source: String, timeout: Duration = .seconds(120), heartbeat: Duration? = .seconds(10),
                arguments: (_ rank: Int, _ socketPath: String) -> [String]) throws {
        Self.removeStaleSocketFolders()
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("\(Self.folderPrefix)\(getpid())-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let socket = folder + "/server.sock"
        let server = try SocketServer.listen(unixSocket: socket)
        let workers: LocalWorkers
        do {
            workers = try LocalWorkers.launch(executable: executable, count: count) { arguments($0, socket) }
        } catch {
            server.close()
            throw error
        }
        do {
            // Each worker says its rank first. One that goes away before it does (killed right
            // after it connected) is started again by `accept`, which watches the processes.
            var byRank = [Int: any MessageEndpoint]()
            var lost = 0
            while byRank.count < count {
                let connection = try Self.accept(from: server, watching: workers, timeout: timeout)
                do {
                    guard case .hello(let rank) = try connection.receive(timeout: timeout), (0 ..< count).contains(rank),
                          byRank[rank] == nil else {
                        throw TransportError(.unexpectedMessage, peer: connection.peer, "did not introduce itself with a free rank")
                    }
                    byRank[rank] = connection
                } catch let error as TransportError where error.code == .connectionLost && lost < 3 * count {
                    connection.close()
                    lost += 1
                }
            }
            let connections = (0 ..< count).compactMap { byRank[$0] }
            let setup: ShardSetup
            // A worker killed while it reads its shard is started again, like one lost mid-run.
            var replacedDuringSetup = 0
            let replaceDuringSetup = { [server, workers] (rank: Int) throws -> any MessageEndpoint in
                try workers.replaceLost(rank)
                replacedDuringSetup += 1
                let connection = try Self.accept(from: server, watching: workers, timeout: timeout)
                guard case .hello(let said) = try connection.receive(timeout: timeout), said == rank else {
                    throw TransportError(.unexpectedMessage, peer: "worker \(rank)", "the new process did not introduce itself as rank \(rank)")
                }
                return connection
            }
            (problem, prepared, setup) = try ClusterSetup.establish(connections, configuration: configuration,
                                                                   featureCount: featureCount, source: source, timeout: timeout,
                                                                   heartbeat: heartbeat, introduced: true, replace: replaceDuringSetup)
            problem.statistics.replacedWorkers += replacedDuringSetup + lost
            let shardRows = problem.shardRows, keys = problem.pulledKeys
            problem.replaceWorker = { [server, workers] rank in
                try workers.relaunch(rank)
                let connection = try Self.accept(from: server, watching: workers, timeout: timeout)
                try ClusterSetup.rejoin(connection, rank: rank, rows: shardRows[rank], setup: setup, workers: count,
                                        timeout: timeout, keys: keys[rank])
                return connection
            }
        } catch {
            workers.terminate()
            server.close()
            try? FileManager.default.removeItem(atPath: folder)
            throw error
        }
        self.server = server
        self.workers = workers
    }

    /// Socket folders are `TMPDIR/shardtrain-PID-XXXXXXXX`.
    static let folderPrefix = "shardtrain-"

    /// Removes the socket folders of coordinators that no longer run (killed with SIGKILL,
    /// they could not clean up after themselves).
    static func removeStaleSocketFolders() {
        let temporary = FileManager.default.temporaryDirectory
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: temporary.path) else { return }
        for name in names where name.hasPrefix(folderPrefix) {
            let fields = name.dropFirst(folderPrefix.count).split(separator: "-")
            guard fields.count == 2, let pid = Int32(fields[0]), pid > 0, kill(pid, 0) != 0, errno == ESRCH else { continue }
            try? FileManager.default.removeItem(at: temporary.appendingPathComponent(name))
        }
    }

    /// Waits for the next connection. A worker process that exits before it connects fails the
    /// run at once, unless a signal killed it: that one is started again (three times at most).
    private static func accept(from server: SocketServer, watching workers: LocalWorkers, timeout: Duration) throws -> SocketEndpoint {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        var relaunched = 0
        while true {
            let attempt = Result { () throws(TransportError) -> SocketEndpoint in try server.accept(timeout: .milliseconds(200)) }
            switch attempt {
            case .success(let connection):
                return connection
            case .failure(let error):
                guard error.code == .timedOut else { throw error }
                if let (rank, status, bySignal) = workers.exitedEarly() {
                    guard bySignal, relaunched < 3 else {
                        let how = bySignal ? "was killed by signal \(status)" : "exited with status \(status)"
                        throw TransportError(.workerFailed, peer: "worker \(rank)", "\(how) before joining")
                    }
                    relaunched += 1
                    try workers.relaunch(rank)
                }
                if clock.now >= deadline { throw error }
            }
        }
    }

    /// Kills the worker of `rank` with SIGKILL (fault-injection tests and drills).
    public func killWorker(_ rank: Int) { workers.kill9(rank) }

    /// Stops the worker of `rank` with SIGSTOP: it hangs, alive but silent (fault drills).
    public func stopWorker(_ rank: Int) { workers.stop(rank) }

    /// Shuts the workers down (killing any that do not exit) and removes the socket.
    public func shutdown() {
        problem.shutdown()
        workers.finish()
        server.close()
        try? FileManager.default.removeItem(atPath: folder)
    }
}
