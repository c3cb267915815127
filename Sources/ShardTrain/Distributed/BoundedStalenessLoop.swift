import Foundation

/// Asynchronous mini-batch training with bounded staleness (`--async --staleness K`): the
/// stale-synchronous-parallel rule of the Parameter Server (Li et al., OSDI 2014).
///
/// Iteration `t` of an epoch is one global mini-batch, spread over the workers (interleaved
/// rows). Each worker computes its share of iteration after iteration without waiting for the
/// others, on the newest parameters the server has; the server applies iteration `t` — the sum
/// of all its shares, in rank order, one optimizer step — as soon as every share has arrived,
/// in iteration order. A worker may start iteration `t` only once iterations `< t − K` are
/// applied, so no worker runs more than `K` iterations ahead of the slowest, and a gradient is
/// at most `K` updates stale. With `K = 0` every share of iteration `t` is computed on the
/// parameters after `t − 1`: the synchronous run, step for step.
///
/// The objective after each epoch is a synchronous pass (all workers drained first).
struct BoundedStalenessLoop {
    var staleness: Int
    var loop: MiniBatchLoop

    /// What the run saw: how stale the applied gradients were.
    struct Staleness {
        var applied = 0
        var total = 0
        var largest = 0
        var mean: Double { applied == 0 ? 0 : Double(total) / Double(applied) }
    }

    func run(_ problem: DistributedProblem, from start: [Double], update: inout some MiniBatchUpdate,
             observer: (IterationReport) -> Void) throws -> (MinimizationResult, Staleness) {
        let workers = problem.workerCount
        let scale = 1 / max(problem.totalWeight, .leastNonzeroMagnitude)
        var seen = Staleness()
        let result = try loop.run(problem, from: start, update: &update, observer: observer) { batches, rate, x, update in
            let count = batches.count
            var next = [Int](repeating: 0, count: workers)
            var working = [Int?](repeating: nil, count: workers)
            var startedAt = [Int](repeating: 0, count: workers)
            var shares = [[Int: DistributedProblem.Reply]](repeating: [:], count: count)
            var waited = 0.0
            var stalenessOf = [Int](repeating: 0, count: count)
            let expected = batches.map { rows in (0 ..< workers).filter { !problem.localRows($0, rows).isEmpty }.count }
            var applied = 0
            let clock = ContinuousClock()
            var published = x.map(Float.init), publishedAt = -1

            func dispatch(_ rank: Int) throws {
                while working[rank] == nil, next[rank] < count, next[rank] <= applied + staleness {
                    let t = next[rank]
                    next[rank] += 1
                    let rows = problem.localRows(rank, batches[t])
                    guard !rows.isEmpty else { continue }
                    if publishedAt != applied { (published, publishedAt) = (x.map(Float.init), applied) }
                    let version = problem.nextVersion()
                    let message = Message.evaluate(version: version, rows: rows,
                                                   parameters: KeyedVector.gather(published, at: problem.pulledKeys[rank]))
                    try problem.post(message, to: rank, version: version)
                    working[rank] = t
                    startedAt[rank] = applied
                }
            }

            for rank in 0 ..< workers { try dispatch(rank) }
            while applied < count {
                if shares[applied].count < expected[applied] {
                    let waitStart = clock.now
                    let reply = try problem.nextReply()
                    guard let t = working[reply.rank] else { continue }
                    working[reply.rank] = nil
                    shares[t][reply.rank] = reply
                    stalenessOf[t] = max(stalenessOf[t], t - startedAt[reply.rank])
                    waited += (clock.now - waitStart).seconds
                }
                while applied < count, shares[applied].count == expected[applied] {
                    if expected[applied] > 0 {
                        let reduceStart = clock.now
                        let replies = shares[applied].sorted { $0.key < $1.key }.map(\.value)
                        let total = problem.aggregation.combine(replies.map(\.part))
                        MiniBatchStep.take(total, at: &x, rate: rate, penalty: problem.regularization, scale: scale,
                                           update: &update)
                        problem.record(version: UInt64(problem.statistics.rounds + 1), rows: batches[applied].count, replies: replies,
                                       waited: waited, reduced: (clock.now - reduceStart).seconds)
                        waited = 0
                        seen.applied += 1
                        seen.total += stalenessOf[applied]
                        seen.largest = max(seen.largest, stalenessOf[applied])
                    }
                    shares[applied] = [:]
                    applied += 1
                }
                for rank in 0 ..< workers { try dispatch(rank) }
            }
        }
        return (result, seen)
    }
}
