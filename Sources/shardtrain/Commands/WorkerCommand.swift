import ArgumentParser
import Foundation
import ShardTrain

/// `shardtrain worker`: one worker process of a training run (started by `train --workers N`).
struct WorkerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "Serve gradients of one shard to a parameter server (started by train --workers N)."
    )

    @Option(help: "The server's Unix-domain socket (local runs; started by train --workers N).")
    var socket: String?

    @Option(help: "The server's TCP address HOST:PORT (a train --listen run, on any host).")
    var connect: String?

    @Option(help: "File holding the shared secret for --connect (else SHARDTRAIN_SECRET).")
    var secretFile: String?

    @Option(help: "This worker's rank, 0 ..< workers (with --socket; over TCP the server assigns it).")
    var rank: Int?

    @Option(help: "Number of workers (with --socket).")
    var workers: Int?

    @Option(help: "Training data file; the worker reads only its shard.")
    var data: String

    @OptionGroup var dataOptions: DataOptions

    @OptionGroup var sharding: ShardOptions

    func validate() throws {
        guard (socket == nil) != (connect == nil) else { throw ValidationError("give --socket PATH or --connect HOST:PORT") }
        if socket != nil {
            guard let rank, let workers, workers >= 1, rank >= 0, rank < workers else {
                throw ValidationError("--socket needs --rank R and --workers N with 0 ≤ R < N")
            }
        }
    }

    func run() throws {
        let endpoint: SocketEndpoint
        let (myRank, shardCount): (Int, Int)
        if let socket, let givenRank = rank, let count = workers {
            endpoint = try report { try SocketEndpoint.connect(unixSocket: socket, peer: "coordinator") }
            (myRank, shardCount) = (givenRank, count)
        } else {
            let (host, port) = try Secret.hostAndPort(connect ?? "", option: "--connect")
            let secret = try Secret.load(file: secretFile)
            endpoint = try report { try SocketEndpoint.connect(host: host, port: port, peer: "coordinator") }
            do {
                (myRank, shardCount) = try Admission.join(endpoint, secret: secret)
            } catch {
                endpoint.close()
                throw CLIError("refused by the server at \(host):\(port): \(error.message)")
            }
            StandardError.line("joined \(host):\(port) as worker \(myRank) of \(shardCount)")
        }
        defer { endpoint.close() }
        let (path, options, shard) = (data, dataOptions.loadOptions(), sharding.shard(rank: myRank, of: shardCount))
        let session = WorkerSession(rank: myRank, endpoint: endpoint) {
            try DatasetLoader.loadShard(path, shard: shard, options: options)
        }
        do {
            try session.run()
        } catch {
            throw CLIError("worker \(myRank): \(error.message)")
        }
    }
}
