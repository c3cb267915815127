import Foundation
import Testing
@testable import ShardTrain
import TestSupport

/// `--shuffle-shards`: workers read seeded, shuffled chunks of the file instead of consecutive
/// pieces; together they still hold every row exactly once.
@Suite struct ShuffledShardTests {
    /// Each row (label, weight, stored entries) with the number of times it occurs.
    static func multiset(_ data: Dataset) -> [String: Int] {
        var counts: [String: Int] = [:]
        for i in 0 ..< data.rowCount {
            var key = "\(data.labels[i]) \(data.sampleWeights?[i] ?? 1) |"
            switch data.features {
            case .dense(let m):
                for j in 0 ..< m.columns { key += " \(m[i, j])" }
            case .sparse(let m):
                for k in m.rowOffsets[i] ..< m.rowOffsets[i + 1] { key += " \(m.columnIndices[k]):\(m.values[k])" }
            }
            counts[key, default: 0] += 1
        }
        return counts
    }

    static func shards(_ path: String, workers: Int, seed: UInt64?, options: DataLoadOptions) throws -> [Dataset] {
        try (0 ..< workers).map { try DatasetLoader.loadShard(path, shard: DataShard(rank: $0, of: workers, shuffleSeed: seed), options: options) }
    }

    /// The chunks of all ranks tile `0 ..< total` exactly once, 16 chunks per rank (so each rank
    /// holds 16/(16·N) of the total, ±16); the same seed gives the same chunks, another seed others.
    @Test(arguments: [1, 2, 3, 5])
    func chunksTileTheFileOnce(workers: Int) {
        let total = 1_000_003
        let ranges = (0 ..< workers).map { DataShard(rank: $0, of: workers, shuffleSeed: 7).ranges(of: total) }
        let all = ranges.flatMap { $0 }.sorted { $0.lowerBound < $1.lowerBound }
        #expect(all.first?.lowerBound == 0)
        #expect(all.last?.upperBound == total)
        #expect(zip(all, all.dropFirst()).allSatisfy { $0.upperBound == $1.lowerBound })
        #expect(all.reduce(0) { $0 + $1.count } == total)
        for shard in ranges {
            let size = shard.reduce(0) { $0 + $1.count }
            #expect(abs(size - total / workers) <= 16, "\(size) of \(total) for \(workers) workers")
        }
        #expect(DataShard(rank: 0, of: workers, shuffleSeed: 7).ranges(of: total) == ranges[0])
        if workers > 1 {
            #expect(DataShard(rank: 0, of: workers, shuffleSeed: 8).ranges(of: total) != ranges[0])
            #expect(DataShard(rank: 0, of: workers).ranges(of: total) != ranges[0])
        }
    }

    /// a9a over 2 and 3 workers: the shuffled shards hold exactly the file's rows (as a
    /// multiset), each rank's shard differs from its consecutive one, and the shards are
    /// balanced (within 5% of rows/N: the chunks are equal in bytes).
    @Test(arguments: [2, 3])
    func shuffledLIBSVMShardsHoldEveryRowOnce(workers: Int) throws {
        let path = Fixtures.dataset("a9a")
        let options = DataLoadOptions(featureCount: 123)
        let whole = try DatasetLoader.load(path, options: options)
        let shuffled = try Self.shards(path, workers: workers, seed: 7, options: options)
        let plain = try Self.shards(path, workers: workers, seed: nil, options: options)
        #expect(shuffled.reduce(0) { $0 + $1.rowCount } == 32_561)
        #expect(Self.multiset(Dataset(concatenating: shuffled, columns: 123, source: path)) == Self.multiset(whole))
        for rank in 0 ..< workers {
            #expect(shuffled[rank].featureCount == 123)
            #expect(shuffled[rank].features != plain[rank].features, "rank \(rank)")
            let expected = Double(whole.rowCount) / Double(workers)
            #expect(abs(Double(shuffled[rank].rowCount) - expected) <= 0.05 * expected)
        }
    }

    /// The same seed reads the same shard twice; another seed reads another.
    @Test func theSeedDecidesTheShards() throws {
        let path = Fixtures.dataset("dna.scale")
        let options = DataLoadOptions(featureCount: 180)
        let first = try Self.shards(path, workers: 2, seed: 11, options: options)
        let again = try Self.shards(path, workers: 2, seed: 11, options: options)
        let other = try Self.shards(path, workers: 2, seed: 12, options: options)
        #expect(first.map(\.features) == again.map(\.features))
        #expect(first.map(\.labels) == again.map(\.labels))
        #expect(first[0].labels != other[0].labels)
    }

    /// A file sorted by label: consecutive shards of 2 workers see very different label mixes
    /// (one nearly all negative); shuffled shards each see about the file's mix (a9a: 24.1%
    /// positive), within 5 points.
    @Test func shuffledShardsOfASortedFileHaveTheFilesLabelMix() throws {
        let whole = try Datasets.a9a().train
        let order = whole.labels.indices.sorted { (whole.labels[$0], $0) < (whole.labels[$1], $1) }
        let path = Fixtures.scratchDirectory("sorted") + "/a9a-sorted.svm"
        try LIBSVMWriter.write(whole.rows(at: order), to: path)
        let options = DataLoadOptions(featureCount: 123)
        func positiveShare(_ data: Dataset) -> Double { Double(data.labels.filter { $0 > 0 }.count) / Double(data.rowCount) }
        let overall = positiveShare(whole)
        #expect(abs(overall - 0.2408) < 1e-3)
        let plain = try Self.shards(path, workers: 2, seed: nil, options: options)
        #expect(positiveShare(plain[0]) < 0.01)
        for shard in try Self.shards(path, workers: 2, seed: 7, options: options) {
            #expect(abs(positiveShare(shard) - overall) < 0.05, "\(positiveShare(shard)) vs \(overall)")
        }
    }

    /// NPY (rows read per chunk) and CSV (read whole, then cut) give the same shuffled shards
    /// of cal_housing, and together exactly its rows.
    @Test func shuffledNPYAndCSVShardsHoldEveryRowOnce() throws {
        let whole = try Datasets.calHousing()
        guard case .dense(let matrix) = whole.features else { Issue.record("cal_housing should be dense"); return }
        let folder = Fixtures.scratchDirectory("npy-shards")
        try NPYWriter.write(matrix, to: folder + "/x.npy")
        try NPYWriter.write(whole.labels, to: folder + "/y.npy")
        let npy = try Self.shards(folder + "/x.npy", workers: 3, seed: 5, options: DataLoadOptions(labelsPath: folder + "/y.npy"))
        let csv = try Self.shards(Fixtures.dataset("cal_housing.data"), workers: 3, seed: 5,
                                  options: DataLoadOptions(format: .csv, hasHeader: false))
        #expect(npy.map(\.features) == csv.map(\.features))
        #expect(npy.map(\.labels) == csv.map(\.labels))
        #expect(npy.reduce(0) { $0 + $1.rowCount } == 20_640)
        #expect(Self.multiset(Dataset(concatenating: npy, source: "npy")) == Self.multiset(whole))
        let plain = try DatasetLoader.loadShard(folder + "/x.npy", rank: 0, of: 3, options: DataLoadOptions(labelsPath: folder + "/y.npy"))
        #expect(plain.labels != npy[0].labels)
    }
}

/// Concatenating row ranges of a dataset gives the dataset back, dense or sparse, with weights.
@Suite struct DatasetConcatenationTests {
    static func pieces(of data: Dataset, cuts: [Int]) -> [Dataset] {
        let bounds = [0] + cuts + [data.rowCount]
        return zip(bounds, bounds.dropFirst()).map { data.rows(at: Array($0 ..< $1)) }
    }

    @Test func sparseRowsConcatenateToTheWhole() throws {
        let whole = try Datasets.a9a().train
        let joined = Dataset(concatenating: Self.pieces(of: whole, cuts: [0, 1, 100, 100, 20_000]), columns: 123, source: "a9a")
        #expect(joined.features == whole.features)
        #expect(joined.labels == whole.labels)
        #expect(joined.sampleWeights == nil)
    }

    @Test func denseRowsAndWeightsConcatenateToTheWhole() throws {
        var whole = try Datasets.calHousing()
        whole.sampleWeights = whole.labels.indices.map { Double($0 % 3) + 0.5 }
        var parts = Self.pieces(of: whole, cuts: [7, 7, 10_000])
        let joined = Dataset(concatenating: parts, source: "cal")
        #expect(joined.features == whole.features)
        #expect(joined.labels == whole.labels)
        #expect(joined.sampleWeights == whole.sampleWeights)
        parts[0].sampleWeights = nil
        let mixed = Dataset(concatenating: parts, source: "cal")
        #expect(mixed.sampleWeights?.prefix(7).allSatisfy { $0 == 1 } == true)
        #expect(mixed.sampleWeights?.dropFirst(7) == whole.sampleWeights?.dropFirst(7))
    }
}
