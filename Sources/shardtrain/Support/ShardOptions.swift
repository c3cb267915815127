import ArgumentParser
import ShardTrain

/// `--shuffle-shards SEED`: how a distributed run deals the data file out to its workers.
/// Shared by `train` (which passes it to the workers it starts) and `worker`.
struct ShardOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "Deal the data to workers in shuffled chunks: the file is cut into 16 × workers chunks (line-aligned byte ranges; row ranges for NPY and CSV), permuted with SEED, and each worker reads 16 of them. Every worker of a run must use the same SEED.",
        valueName: "seed"))
    var shuffleShards: UInt64?

    /// The shard of worker `rank` of `count`.
    func shard(rank: Int, of count: Int) -> DataShard {
        DataShard(rank: rank, of: count, shuffleSeed: shuffleShards)
    }

    /// The same option as command-line arguments, for starting workers.
    var arguments: [String] {
        shuffleShards.map { ["--shuffle-shards", String($0)] } ?? []
    }
}
