#if MPI
import Foundation

/// Training on an MPI job (`mpirun -np P shardtrain train --backend mpi ...`), in one of two
/// reduce modes:
///
/// - ``Mode/server``: rank 0 is the parameter server and holds no rows; ranks 1…P−1 each read
///   their shard of the file. Every evaluation broadcasts a command and the parameters
///   (`MPI_Bcast`) and sums `(loss, weight sum, gradient)` to rank 0 (`MPI_Reduce`).
/// - ``Mode/allreduce``: every rank reads a shard and runs the optimizer on a replica of the
///   parameters; `MPI_Allreduce` gives every rank the same sums, so the replicas stay equal and
///   there is no server.
///
/// It runs every optimizer the socket backend runs with synchronous steps (L-BFGS, OWL-QN, SGD,
/// Adam): ranges of rows are interleaved over the shards and SGD/Adam shuffle each shard with the
/// seed exactly as socket workers do. The setup is the socket backend's: each shard's ``ShardSummary`` is gathered to every rank
/// (`MPI_Allgatherv`) and combined by ``ShardSetup/combining(_:configuration:featureCount:source:)``,
/// so the objective, the preparation and the model are the same as with worker processes.
public enum MPITraining {
    public typealias Mode = MPIReduceMode

    /// What a rank holds after the setup.
    public struct Setup {
        public var prepared: PreparedTraining
        /// This rank's rows as a problem, or nil (the server rank).
        public var local: LocalProblem?
        public var regularization: Regularization
        /// `Σ sᵢ` over every shard.
        public var totalWeight: Double
    }

    /// Reads this rank's shard of `path` and agrees on the setup with every other rank.
    public static func setUp(_ world: MPIWorld, mode: Mode, path: String, configuration: TrainingConfiguration,
                             options: DataLoadOptions) throws -> Setup {
        let holdsRows = mode == .allreduce || world.rank > 0
        let shardCount = mode == .allreduce ? world.size : world.size - 1
        guard shardCount >= 1 else {
            throw TrainingError(.badData, "the server reduce mode needs at least 2 ranks (mpirun -np 2 or more)")
        }
        let shardRank = mode == .allreduce ? world.rank : world.rank - 1
        let shard = holdsRows ? try DatasetLoader.loadShard(path, rank: shardRank, of: shardCount, options: options) : nil
        let mine = shard.map { Message.dataSummary(ShardSummary(of: $0)).frame().encoded() } ?? []
        let gathered = world.allgather(mine)
        var summaries: [ShardSummary] = []
        for (rank, bytes) in gathered.enumerated() where !bytes.isEmpty {
            guard let (frame, _) = try Frame.decode(bytes, peer: "rank \(rank)"),
                  case .dataSummary(let summary) = try Message(frame, peer: "rank \(rank)") else {
                throw TransportError(.badMessage, peer: "rank \(rank)", "sent no data summary")
            }
            summaries.append(summary)
        }
        let (setup, prepared) = try ShardSetup.combining(summaries, configuration: configuration,
                                                         featureCount: options.featureCount, source: path)
        let local = try shard.map { rows in
            // SGD and Adam see each shard in the seeded order a socket worker of this rank uses.
            let ordered = setup.shuffleSeed.map { rows.shuffled(seed: $0 &+ UInt64(shardRank) &* 0x9E37_79B9_7F4A_7C15) } ?? rows
            return LocalProblem(objective: try setup.objective(for: ordered), regularization: prepared.regularization(configuration))
        }
        return Setup(prepared: prepared, local: local, regularization: prepared.regularization(configuration),
                     totalWeight: setup.totalWeight)
    }

    /// `local`'s share of the rows `range` of `total`, as `[loss, weight sum, gradient…]`. Ranges
    /// are interleaved as the socket backend's are (``DistributedProblem/RowOrder/interleaved``):
    /// `a ..< b` takes rows `⌊a·n/N⌋ ..< ⌊b·n/N⌋` of a shard of `n` rows, so a mini-batch is
    /// spread over every rank and the batches are the socket backend's.
    static func share(of local: LocalProblem?, total: Int, parameters: [Double], range: Range<Int>, count: Int) throws -> [Double] {
        var buffer = [Double](repeating: 0, count: 2 + count)
        guard let local, total > 0 else { return buffer }
        func scaled(_ row: Int) -> Int { total.dividingFullWidth(row.multipliedFullWidth(by: local.rowCount)).quotient }
        let low = scaled(max(0, range.lowerBound)), high = scaled(min(total, range.upperBound))
        guard low < high else { return buffer }
        let part = try local.evaluate(parameters, rows: low ..< high)
        buffer[0] = part.lossSum
        buffer[1] = part.weightSum
        buffer.replaceSubrange(2..., with: part.gradient)
        return buffer
    }

    static func evaluation(from buffer: [Double]) -> PartialEvaluation {
        PartialEvaluation(lossSum: buffer[0], gradient: Array(buffer[2...]), weightSum: buffer[1])
    }
}

/// An MPI rank's ``TrainingProblem``. In the server mode (rank 0 only) every evaluation is a
/// broadcast of the command and parameters and a reduce of the shares to rank 0; in the
/// allreduce mode (every rank) it is this rank's share, summed over all ranks in place.
public final class MPIProblem: TrainingProblem {
    private let world: MPIWorld
    private let setup: MPITraining.Setup
    public let mode: MPIReduceMode
    public let parameterCount: Int
    public let rowCount: Int
    public let regularization: Regularization
    public let totalWeight: Double
    /// Evaluations so far, and seconds spent in the collectives (in the server mode the
    /// workers' compute is inside them).
    public private(set) var rounds = 0
    public private(set) var collectiveSeconds = 0.0
    /// Called with the round's number (from 1) before each evaluation's collectives (fault drills).
    public var beforeRound: ((Int) -> Void)?

    public init(world: MPIWorld, setup: MPITraining.Setup, mode: MPIReduceMode) {
        self.world = world
        self.setup = setup
        self.mode = mode
        parameterCount = setup.prepared.featureCount * setup.prepared.outputs + setup.prepared.outputs
        rowCount = setup.prepared.rowCount
        regularization = setup.regularization
        totalWeight = setup.totalWeight
    }

    /// The float64 loss sum of every shard for parameters on the original scale: command 2 in
    /// the server mode, this rank's share summed in place in the allreduce mode.
    public func exactLossSum(originalParameters parameters: [Double]) throws -> Double? {
        var sums: [Double]
        switch mode {
        case .server:
            var command: [Int64] = [2, 0, 0]
            world.broadcast(&command)
            var shared = parameters
            world.broadcast(&shared)
            sums = [0]
            world.reduceSum(&sums)
        case .allreduce:
            sums = [setup.local?.objective.exactLossSum(parameters).lossSum ?? 0]
            world.allreduceSum(&sums)
        }
        return sums[0]
    }

    public func evaluate(_ parameters: [Double], rows range: Range<Int>) throws -> PartialEvaluation {
        beforeRound?(rounds + 1)
        var sums: [Double]
        let clock = ContinuousClock()
        var start = clock.now
        switch mode {
        case .server:
            var command: [Int64] = [1, Int64(range.lowerBound), Int64(range.upperBound)]
            world.broadcast(&command)
            var shared = parameters
            world.broadcast(&shared)
            sums = [Double](repeating: 0, count: 2 + parameterCount)
            world.reduceSum(&sums)
        case .allreduce:
            sums = try MPITraining.share(of: setup.local, total: rowCount, parameters: parameters, range: range,
                                         count: parameterCount)
            start = clock.now
            world.allreduceSum(&sums)
        }
        rounds += 1
        collectiveSeconds += (clock.now - start).seconds
        return MPITraining.evaluation(from: sums)
    }

    /// Server mode: tells the workers that training is over.
    public func finish() {
        guard mode == .server else { return }
        var command: [Int64] = [0, 0, 0]
        world.broadcast(&command)
    }

    /// A worker rank's loop in the server mode: answer evaluations until rank 0 says stop.
    public static func serve(world: MPIWorld, setup: MPITraining.Setup) throws {
        let count = setup.prepared.featureCount * setup.prepared.outputs + setup.prepared.outputs
        while true {
            var command: [Int64] = [0, 0, 0]
            world.broadcast(&command)
            guard command[0] == 1 || command[0] == 2 else { return }
            var parameters = [Double](repeating: 0, count: count)
            world.broadcast(&parameters)
            if command[0] == 2 {
                var loss = [setup.local?.objective.exactLossSum(parameters).lossSum ?? 0]
                world.reduceSum(&loss)
                continue
            }
            var share = try MPITraining.share(of: setup.local, total: setup.prepared.rowCount, parameters: parameters,
                                              range: Int(command[1]) ..< Int(command[2]), count: count)
            world.reduceSum(&share)
        }
    }
}
#endif
