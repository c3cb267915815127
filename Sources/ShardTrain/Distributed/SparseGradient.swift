/// The sparse form of a pushed gradient: only its nonzeros, as (index, value) pairs.
///
/// On sparse data a shard's gradient is zero at every feature its rows never touch, so with
/// many features and few rows per worker most of a dense push is zeros. A pair costs 8 bytes
/// and a dense entry 4, so the sparse form is used when fewer than half the entries are
/// nonzero. Payload: `dimension: UInt64`, `count: UInt64`, `count` indices (`UInt32`, strictly
/// increasing, below `dimension`, itself at most the session's parameter count), then `count`
/// float32 values.
enum SparseGradient {
    /// Whether the sparse form of `gradient` is smaller than the dense one.
    static func isWorthIt(_ gradient: [Float]) -> Bool {
        guard gradient.count >= 64, gradient.count <= Int(UInt32.max) else { return false }
        var nonzeros = 0
        let limit = gradient.count / 2 - 2
        for value in gradient where value != 0 {
            nonzeros += 1
            if nonzeros >= limit { return false }
        }
        return true
    }
}

extension WireWriter {
    mutating func write(sparse values: [Float]) {
        write(UInt64(values.count))
        let nonzeros = values.indices.filter { values[$0] != 0 }
        write(UInt64(nonzeros.count))
        for index in nonzeros { write(UInt32(index)) }
        for index in nonzeros { write(values[index].bitPattern) }
    }
}

extension WireReader {
    /// A sparse vector, expanded to its dense form.
    mutating func readSparse() throws(TransportError) -> [Float] {
        let dimension = try read(UInt64.self)
        let count = try readCount(elementSize: 8)
        guard dimension <= UInt64(vectorLimit) else {
            throw fail("a sparse vector of dimension \(dimension) — this session's vectors have at most \(vectorLimit) entries")
        }
        guard UInt64(count) <= dimension else { throw fail("\(count) nonzeros in a vector of \(dimension)") }
        var indices = [Int]()
        indices.reserveCapacity(count)
        for _ in 0 ..< count {
            let index = Int(try read(UInt32.self))
            guard UInt64(index) < dimension, index > (indices.last ?? -1) else {
                throw TransportError(.badMessage, peer: peer,
                                     "\(context): sparse index \(index) out of order or not below \(dimension)")
            }
            indices.append(index)
        }
        var values = [Float](repeating: 0, count: Int(dimension))
        for index in indices { values[index] = Float(bitPattern: try read(UInt32.self)) }
        return values
    }
}
