import ArgumentParser
import Foundation
import ShardTrain

/// `shardtrain worker`: one worker process of a training run (started by `train --workers N`).
struct WorkerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "Serve gradients of one shard to a parameter server (started by train --workers N)."
    )

    @Option(help: "The server's Unix-domain socket.")
    var socket: String

    @Option(help: "This worker's rank, 0 ..< workers.")
    var rank: Int

    @Option(help: "Number of workers (shards).")
    var workers: Int

    @Option(help: "Training data file; the worker reads only its shard.")
    var data: String

    @OptionGroup var dataOptions: DataOptions

    func validate() throws {
        guard workers >= 1, rank >= 0, rank < workers else {
            throw ValidationError("--rank must be in 0..<\(workers), got \(rank)")
        }
    }

    func run() throws {
        let endpoint = try report { try SocketEndpoint.connect(unixSocket: socket, peer: "coordinator") }
        defer { endpoint.close() }
        let (path, rank, workers, options) = (data, rank, workers, dataOptions.loadOptions())
        let session = WorkerSession(rank: rank, endpoint: endpoint) {
            try DatasetLoader.loadShard(path, rank: rank, of: workers, options: options)
        }
        do {
            try session.run()
        } catch {
            throw CLIError("worker \(rank): \(error.message)")
        }
    }
}
