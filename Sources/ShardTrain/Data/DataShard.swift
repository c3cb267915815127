/// Which part of a data file one worker of a distributed run holds: shard `rank` of `count`.
///
/// Without a seed, shard `r` is the `r`-th of `count` consecutive, nearly equal pieces of the
/// file, so the shards in rank order are the file's rows in order. A file sorted by label then
/// gives the workers very different data; with `shuffleSeed`, the file is cut instead into
/// `count × chunksPerWorker` consecutive chunks, the chunk numbers are permuted with
/// ``SeededGenerator`` seeded by `shuffleSeed`, and shard `r` holds the chunks at positions
/// `r·chunksPerWorker ..< (r+1)·chunksPerWorker` of the permutation, read in file order
/// (ascending chunk number). Every shard has the same number of chunks; the same seed and
/// count give the same shards on every host, and together the shards hold each row exactly once.
///
/// The pieces are fractions of a total that the reader chooses: bytes for LIBSVM (line-aligned
/// ranges with input-split semantics), rows for NPY and CSV.
public struct DataShard: Sendable, Equatable {
    /// Chunks per worker when shuffling.
    public static let chunksPerWorker = 16

    /// This shard's number, `0 ..< count`.
    public var rank: Int
    /// The number of shards.
    public var count: Int
    /// The seed of the chunk permutation; `nil` for consecutive shards.
    public var shuffleSeed: UInt64?

    public init(rank: Int, of count: Int, shuffleSeed: UInt64? = nil) {
        self.rank = rank
        self.count = count
        self.shuffleSeed = shuffleSeed
    }

    /// The chunks of `0 ..< total` (bytes or rows) this shard holds, ascending, with adjacent
    /// chunks merged.
    /// - Precondition: `0 ≤ rank < count`, `total ≥ 0`.
    public func ranges(of total: Int) -> [Range<Int>] {
        precondition(count >= 1 && (0 ..< count).contains(rank) && total >= 0, "shard \(rank) of \(count) of \(total)")
        guard let shuffleSeed else { return [piece(rank, of: count, total: total)] }
        let chunks = count * Self.chunksPerWorker
        var generator = SeededGenerator(seed: shuffleSeed)
        let order = Array(0 ..< chunks).shuffled(using: &generator)
        let mine = order[rank * Self.chunksPerWorker ..< (rank + 1) * Self.chunksPerWorker].sorted()
        var ranges: [Range<Int>] = []
        for chunk in mine {
            let range = piece(chunk, of: chunks, total: total)
            if let last = ranges.last, last.upperBound == range.lowerBound {
                ranges[ranges.count - 1] = last.lowerBound ..< range.upperBound
            } else {
                ranges.append(range)
            }
        }
        return ranges
    }

    /// Piece `k` of `pieces` consecutive, nearly equal pieces of `0 ..< total`; the same cut
    /// as ``LIBSVMReader/byteRanges(fileSize:count:)``.
    private func piece(_ k: Int, of pieces: Int, total: Int) -> Range<Int> {
        (total * k / pieces) ..< (total * (k + 1) / pieces)
    }
}
