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

    @Option(help: "With --connect: seconds to keep trying while the server is not up yet.")
    var connectTimeout: Double = 30

    @Option(help: "Seconds to wait for the server's next message before giving up on a silent server.")
    var idleTimeout: Double = 3600

    @Option(help: "File holding the shared secret for --connect (else SHARDTRAIN_SECRET).")
    var secretFile: String?

    @OptionGroup(title: "TLS on the training channel (with --connect)") var transportTLS: TransportTLSOptions

    @Option(help: "This worker's rank, 0 ..< workers (with --socket; over TCP the server assigns it).")
    var rank: Int?

    @Option(help: "Number of workers (with --socket).")
    var workers: Int?

    @Option(help: "Training data file; the worker reads only its shard (with --connect and no --data, the server ships the rows).")
    var data: String?

    @OptionGroup var dataOptions: DataOptions

    @OptionGroup var sharding: ShardOptions

    @Option(help: ArgumentHelp("Straggler drill: sleep this many seconds before an answer.", visibility: .hidden))
    var delay: Double = 0

    @Option(help: ArgumentHelp("Straggler drill: the share of answers that get --delay.", visibility: .hidden))
    var delayChance: Double = 1

    @Option(help: ArgumentHelp("Fault drill: SIGKILL this process when the Nth request arrives.", visibility: .hidden))
    var killSelfAfter: Int?

    @Option(help: ArgumentHelp("Fault drill: unless FILE exists, create it and SIGKILL this process while it reads its shard.", visibility: .hidden))
    var killSelfWhileLoading: String?

    func validate() throws {
        guard idleTimeout.isFinite, idleTimeout > 0, idleTimeout <= 1e6 else {
            throw ValidationError("--idle-timeout takes seconds between 0 and 10⁶, got \(idleTimeout)")
        }
        guard (socket == nil) != (connect == nil) else { throw ValidationError("give --socket PATH or --connect HOST:PORT") }
        try transportTLS.check(tcp: connect != nil, channel: "worker --connect")
        if socket != nil {
            guard let rank, let workers, workers >= 1, rank >= 0, rank < workers else {
                throw ValidationError("--socket needs --rank R and --workers N with 0 ≤ R < N")
            }
            guard data != nil else { throw ValidationError("--socket needs --data FILE") }
        }
    }

    func run() throws {
        LargeBlockReuse.enable()
        let endpoint: SocketEndpoint
        let (myRank, shardCount): (Int, Int)
        if let socket, let givenRank = rank, let count = workers {
            endpoint = try report { try SocketEndpoint.connect(unixSocket: socket, peer: "coordinator") }
            (myRank, shardCount) = (givenRank, count)
        } else {
            let (host, port) = try Secret.hostAndPort(connect ?? "", option: "--connect")
            let secret = try Secret.load(file: secretFile)
            let tls = try transportTLS.client()
            endpoint = try report { try Self.connect(host: host, port: port, tls: tls, within: connectTimeout) }
            do {
                (myRank, shardCount) = try Admission.join(endpoint, secret: secret)
            } catch {
                endpoint.close()
                throw CLIError("refused by the server at \(host):\(port): \(error.message)")
            }
            StandardError.line("joined \(host):\(port)\(tls == nil ? "" : " over TLS") as worker \(myRank) of \(shardCount)")
        }
        defer { endpoint.close() }
        let (options, shard) = (dataOptions.loadOptions(), sharding.shard(rank: myRank, of: shardCount))
        var session = WorkerSession(rank: myRank, endpoint: endpoint) { [data, killSelfWhileLoading] in
            // O_EXCL: only the first process of this rank finds no marker and dies.
            if let marker = killSelfWhileLoading, open(marker, O_CREAT | O_EXCL | O_WRONLY, 0o600) >= 0 {
                kill(getpid(), SIGKILL)
            }
            guard let data else { return try WorkerSession.receiveShippedShard(over: endpoint) }
            return try DatasetLoader.loadShard(data, shard: shard, options: options)
        }
        session.delay = .milliseconds(Int64(max(0, delay) * 1000))
        session.delayChance = delayChance
        session.killSelfAfter = killSelfAfter
        session.idleTimeout = .milliseconds(Int64(idleTimeout * 1000))
        do {
            try session.run()
        } catch {
            // A local worker's own failure has been sent to the coordinator, which reports it;
            // saying it here as well would print it twice on the same terminal.
            if socket != nil, error.code == .workerFailed, error.peer == "worker \(myRank)" { throw ExitCode(1) }
            throw CLIError("worker \(myRank): \(error.message)")
        }
    }

    /// Connects to the server, trying again every 200 ms until `seconds` have passed: workers
    /// may start before the server listens.
    static func connect(host: String, port: Int, tls: TransportTLS?, within seconds: Double) throws(TransportError) -> SocketEndpoint {
        let clock = ContinuousClock()
        let deadline = clock.now + .milliseconds(Int64(max(0, seconds) * 1000))
        while true {
            let attempt = Result { () throws(TransportError) -> SocketEndpoint in
                try SocketEndpoint.connect(host: host, port: port, peer: "coordinator", tls: tls)
            }
            switch attempt {
            case .success(let endpoint):
                return endpoint
            case .failure(let error):
                guard error.code == .connectFailed, clock.now < deadline else { throw error }
                Thread.sleep(forTimeInterval: 0.2)
            }
        }
    }
}
