import ArgumentParser
import Foundation
import ShardTrain

/// `train` with worker processes: local (`--workers N`) or joining over TCP (`--listen`).
extension TrainCommand {
    /// The parameter server in this process, `workers` worker processes each reading its own
    /// shard of the file, over a Unix-domain socket.
    func fitWithWorkers(_ trainer: Trainer, data: String) throws -> Outcome {
        let clock = ContinuousClock()
        let start = clock.now
        let passOn = dataOptions.arguments + sharding.arguments
        let cluster = try report {
            try LocalCluster(workers: workers, executable: LocalWorkers.currentExecutable, configuration: trainer.configuration,
                             featureCount: dataOptions.features, source: data,
                             timeout: .milliseconds(Int64(workerTimeout * 1000))) { rank, socket in
                ["worker", "--socket", socket, "--rank", String(rank), "--workers", String(workers), "--data", data] + passOn
            }
        }
        defer { cluster.shutdown() }
        let rounds = try attachRoundLog(to: cluster.problem)
        defer { rounds.close() }
        cluster.problem.onWorkerReplaced = { rank, reason in
            StandardError.line("worker \(rank) lost (\(reason.message)); a new worker process took its shard and recomputed the round")
        }
        if let round = killCoordinator {
            let previous = cluster.problem.beforeRound
            cluster.problem.beforeRound = { version in
                previous?(version)
                if version == UInt64(round) { kill(getpid(), SIGKILL) }
            }
        }
        if let drill = killWorker {
            let parts = drill.split(separator: "@").compactMap { Int($0) }
            guard parts.count == 2, (0 ..< workers).contains(parts[0]) else {
                throw ValidationError("--kill-worker takes RANK@ROUND, got \(drill)")
            }
            cluster.problem.beforeRound = { [cluster] version in
                if version == UInt64(parts[1]) { cluster.killWorker(parts[0]) }
            }
        }
        var loadSeconds = (clock.now - start).seconds
        let (testSet, testSeconds) = try loadTestSet(featureCount: cluster.prepared.featureCount)
        loadSeconds += testSeconds
        if verbose {
            StandardError.line("data: \(cluster.prepared.rowCount) rows × \(cluster.prepared.featureCount) features in \(workers) worker processes, ready in \(String(format: "%.3f", loadSeconds)) s")
        }
        let fitted = try fit(trainer, cluster.problem, cluster.prepared, workers: workers, scoreOn: testSet)
        return Outcome(model: fitted, train: nil, test: testSet, rows: cluster.prepared.rowCount,
                       features: cluster.prepared.featureCount, loadSeconds: loadSeconds,
                       distributed: cluster.problem.statistics)
    }

    /// The parameter server on TCP; workers on any host join with the shared secret.
    func fitWithRemoteWorkers(_ trainer: Trainer) throws -> Outcome {
        let (host, port) = try Secret.hostAndPort(listen ?? "", option: "--listen")
        let secret = try Secret.load(file: secretFile)
        let count = expectWorkers ?? 1
        let clock = ContinuousClock()
        let start = clock.now
        let server = try report { try SocketServer.listen(host: host, port: port) }
        StandardError.line("listening on \(host):\(server.port ?? port) for \(count) worker(s)")
        let cluster = try report {
            try RemoteCluster(server: server, workers: count, secret: secret, configuration: trainer.configuration,
                              featureCount: dataOptions.features, source: data ?? "workers",
                              timeout: .milliseconds(Int64(workerTimeout * 1000))) { StandardError.line($0) }
        }
        defer { cluster.shutdown() }
        let rounds = try attachRoundLog(to: cluster.problem)
        defer { rounds.close() }
        var loadSeconds = (clock.now - start).seconds
        let (testSet, testSeconds) = try loadTestSet(featureCount: cluster.prepared.featureCount)
        loadSeconds += testSeconds
        let fitted = try fit(trainer, cluster.problem, cluster.prepared, workers: count, scoreOn: testSet)
        return Outcome(model: fitted, train: nil, test: testSet, rows: cluster.prepared.rowCount,
                       features: cluster.prepared.featureCount, loadSeconds: loadSeconds,
                       distributed: cluster.problem.statistics)
    }
}
