/// Which parameters a shard's rows can move: the keys of the Parameter Server's sparse push and
/// pull. A feature with no stored entry in any row contributes nothing to the loss, the
/// gradient or a Hessian product, so its weights need not travel either way.
extension Objective {
    /// The parameters the rows touch, ascending: the `K` weights of every feature stored in some
    /// row, then the `K` intercepts; empty (pull everything) for dense storage, or when the rows
    /// touch half the parameters or more, where keys would cost more than they save.
    public func touchedParameters() -> [Int] {
        guard case .sparse(let m) = features else { return [] }
        let k = outputs, d = m.columns
        var touched = [Bool](repeating: false, count: d)
        var count = 0
        m.columnIndices.withUnsafeBufferPointer { cols in
            for j in cols where !touched[Int(j)] {
                touched[Int(j)] = true
                count += 1
            }
        }
        guard 2 * (count + 1) * k < parameterCount else { return [] }
        var keys: [Int] = []
        keys.reserveCapacity((count + 1) * k)
        for j in 0 ..< d where touched[j] {
            for c in 0 ..< k { keys.append(j * k + c) }
        }
        for c in 0 ..< k { keys.append(d * k + c) }
        return keys
    }
}

/// A vector between its full length and the entries at a shard's keys.
enum KeyedVector {
    /// The entries of `full` at `keys` (all of `full` when `keys` is empty).
    static func gather<T>(_ full: [T], at keys: [Int]) -> [T] {
        keys.isEmpty ? full : keys.map { full[$0] }
    }

    /// A vector of `count` entries holding `values` at `keys` and zeros elsewhere.
    static func scatter(_ values: [Float], at keys: [Int], count: Int) -> [Double] {
        var full = [Double](repeating: 0, count: count)
        for (key, value) in zip(keys, values) { full[key] = Double(value) }
        return full
    }
}
