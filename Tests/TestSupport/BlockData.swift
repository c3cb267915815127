import Foundation
import ShardTrain

extension Datasets {
    /// `blocks` × `rows` rows over `blocks` × 5,000 features plus 20 shared ones: the rows of
    /// block `b` store 8 features of their own block and 2 shared ones, so a shard of one block
    /// touches about a quarter of the parameters.
    public static func blocks(blocks: Int = 4, rows: Int = 500, seed: UInt64 = 9) throws -> Dataset {
        let width = 5_000, shared = 20, features = blocks * width + shared
        var generator = SeededGenerator(seed: seed)
        var offsets = [0], indices: [Int32] = [], values: [Float] = [], labels: [Double] = []
        for b in 0 ..< blocks {
            for _ in 0 ..< rows {
                var picks = Set((0 ..< 2).map { _ in Int(generator.next(upperBound: UInt64(shared))) })
                while picks.count < 10 { picks.insert(shared + b * width + Int(generator.next(upperBound: UInt64(width)))) }
                var score = 0.0
                for j in picks.sorted() {
                    let v = Float(generator.nextGaussian())
                    indices.append(Int32(j))
                    values.append(v)
                    score += Double(v) * (j < shared ? 1 : (j % 3 == 0 ? 2 : -1))
                }
                offsets.append(indices.count)
                labels.append(generator.nextUnit() < 1 / (1 + exp(-score)) ? 1 : -1)
            }
        }
        let matrix = try SparseMatrix(rows: blocks * rows, columns: features, rowOffsets: offsets, columnIndices: indices, values: values)
        return try Dataset(features: .sparse(matrix), labels: labels)
    }
}
