import ArgumentParser
import Foundation
import ShardTrain

/// `train` with worker processes: local (`--workers N`) or joining over TCP (`--listen`).
extension TrainCommand {
    /// The parameter server in this process, `workers` worker processes each reading its own
    /// shard of the file, over a Unix-domain socket.
    func fitWithWorkers(_ trainer: Trainer, data: String) throws -> Outcome {
        LargeBlockReuse.enable()
        let clock = ContinuousClock()
        let start = clock.now
        let passOn = dataOptions.arguments + sharding.arguments
        let slow = try slowWorkerDrill()
        let cluster = try report {
            try LocalCluster(workers: workers, executable: LocalWorkers.currentExecutable, configuration: trainer.configuration,
                             featureCount: dataOptions.features, source: data,
                             timeout: .milliseconds(Int64(workerTimeout * 1000)), heartbeat: heartbeat) { rank, socket in
                ["worker", "--socket", socket, "--rank", String(rank), "--workers", String(workers), "--data", data] + passOn
                    + (slow?.rank == rank ? ["--delay", String(slow?.seconds ?? 0)] : [])
                    + (jitter.map { ["--delay", String($0), "--delay-chance", "0.1"] } ?? [])
                    + (killWorkerWhileLoading == rank ? ["--kill-self-while-loading", socket + ".loading-drill"] : [])
            }
        }
        defer { cluster.shutdown() }
        let rounds = try attachRoundLog(to: cluster.problem)
        defer { rounds.close() }
        cluster.problem.onWorkerReplaced = { rank, reason in
            StandardError.line("worker \(rank) lost (\(reason.message)); a new worker process took its shard and recomputed the round")
        }
        try installDrills(on: cluster)
        var loadSeconds = (clock.now - start).seconds
        let (testSet, testSeconds) = try loadTestSet(featureCount: cluster.prepared.featureCount)
        loadSeconds += testSeconds
        if verbose {
            StandardError.line("data: \(cluster.prepared.rowCount) rows × \(cluster.prepared.featureCount) features in \(workers) worker processes, ready in \(String(format: "%.3f", loadSeconds)) s")
        }
        let (fitted, traceScoring) = try fit(trainer, cluster.problem, cluster.prepared, workers: workers, test: testSet)
        return Outcome(model: fitted, train: nil, test: testSet, rows: cluster.prepared.rowCount,
                       features: cluster.prepared.featureCount, loadSeconds: loadSeconds,
                       distributed: cluster.problem.statistics, traceScoringSeconds: traceScoring)
    }

    /// The parameter server on TCP; workers on any host join with the shared secret (and, with
    /// the TLS options, a certificate).
    func fitWithRemoteWorkers(_ trainer: Trainer) throws -> Outcome {
        LargeBlockReuse.enable()
        let (host, port) = try Secret.hostAndPort(listen ?? "", option: "--listen")
        let secret = try Secret.load(file: secretFile)
        let tls = try transportTLS.server()
        let count = expectWorkers ?? 1
        let clock = ContinuousClock()
        let start = clock.now
        let server = try report {
            try SocketServer.listen(host: host, port: port, secret: secret, tls: tls) { StandardError.line($0) }
        }
        StandardError.line("listening on \(host):\(server.port ?? port)\(tls == nil ? "" : " (TLS)") for \(count) worker(s)")
        let cluster = try report {
            try RemoteCluster(server: server, workers: count, configuration: trainer.configuration,
                              featureCount: dataOptions.features, source: data ?? "workers",
                              timeout: .milliseconds(Int64(workerTimeout * 1000)), heartbeat: heartbeat,
                              shipRows: shipRows) { StandardError.line($0) }
        }
        defer { cluster.shutdown() }
        let rounds = try attachRoundLog(to: cluster.problem)
        defer { rounds.close() }
        cluster.problem.onWorkerReplaced = { rank, reason in
            StandardError.line("worker \(rank) lost (\(reason.message)); a new worker took its shard and recomputed the round")
        }
        var loadSeconds = (clock.now - start).seconds
        let (testSet, testSeconds) = try loadTestSet(featureCount: cluster.prepared.featureCount)
        loadSeconds += testSeconds
        let (fitted, traceScoring) = try fit(trainer, cluster.problem, cluster.prepared, workers: count, test: testSet)
        return Outcome(model: fitted, train: nil, test: testSet, rows: cluster.prepared.rowCount,
                       features: cluster.prepared.featureCount, loadSeconds: loadSeconds,
                       distributed: cluster.problem.statistics, traceScoringSeconds: traceScoring)
    }

    /// Loads the shard of a worker that has no copy of the data, from this process's `--data`.
    var shipRows: ((Int, Int) throws -> Dataset)? {
        guard let data else { return nil }
        let options = dataOptions.loadOptions()
        return { rank, count in try DatasetLoader.loadShard(data, rank: rank, of: count, options: options) }
    }

    /// How long a busy worker may stay silent.
    var heartbeat: Duration { .milliseconds(Int64(heartbeatTimeout * 1000)) }

    /// `--slow-worker R:S`, checked.
    func slowWorkerDrill() throws -> (rank: Int, seconds: Double)? {
        guard let slowWorker else { return nil }
        let parts = slowWorker.split(separator: ":")
        guard parts.count == 2, let rank = Int(parts[0]), (0 ..< workers).contains(rank), let seconds = Double(parts[1]),
              seconds >= 0, seconds.isFinite else {
            throw ValidationError("--slow-worker takes RANK:SECONDS, got \(slowWorker)")
        }
        return (rank, seconds)
    }

    /// The fault drills: kill -9 of the coordinator or of a worker, SIGSTOP of a worker, each
    /// before a given reduce round.
    func installDrills(on cluster: LocalCluster) throws {
        func drill(_ text: String?, _ option: String) throws -> (rank: Int, round: UInt64)? {
            guard let text else { return nil }
            let parts = text.split(separator: "@").compactMap { Int($0) }
            guard parts.count == 2, (0 ..< workers).contains(parts[0]), parts[1] >= 1 else {
                throw ValidationError("\(option) takes RANK@ROUND, got \(text)")
            }
            return (parts[0], UInt64(parts[1]))
        }
        let kill = try drill(killWorker, "--kill-worker"), stop = try drill(stopWorker, "--stop-worker")
        let coordinator = killCoordinator.map(UInt64.init)
        guard kill != nil || stop != nil || coordinator != nil else { return }
        cluster.problem.beforeRound = { [cluster] version in
            if version == coordinator { Foundation.kill(getpid(), SIGKILL) }
            if let kill, version == kill.round { cluster.killWorker(kill.rank) }
            if let stop, version == stop.round { cluster.stopWorker(stop.rank) }
        }
    }
}
