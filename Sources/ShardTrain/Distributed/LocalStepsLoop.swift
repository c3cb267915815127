import Foundation

/// Local SGD (`--local-steps K`): every worker takes `K` optimizer steps on its own shares of
/// `K` consecutive mini-batches, starting from the server's parameters; the server then
/// averages the workers' parameters, weighted by the rows each one used. One round replaces
/// `K` synchronous rounds, so communication falls by `K`; the price is that the workers'
/// models drift apart between averages. Each worker keeps its optimizer state (velocity,
/// moments) from round to round. With `K = 1` and plain SGD a round is exactly a synchronous
/// step on the union of the batches.
struct LocalStepsLoop {
    var steps: Int
    var rule: LocalStepPlan.Rule
    /// Without checkpoints: the optimizer's state lives on the workers.
    var loop: MiniBatchLoop

    func run(_ problem: DistributedProblem, from start: [Double], observer: (IterationReport) -> Void) throws -> MinimizationResult {
        let workers = problem.workerCount
        // The steps' state is on the workers; the server's step rule stays unused.
        var unused = SGD.Momentum(beta: 0, velocity: [])
        return try loop.run(problem, from: start, update: &unused, observer: observer) { batches, rate, x, _ in
            let clock = ContinuousClock()
            for first in stride(from: 0, to: batches.count, by: max(1, steps)) {
                let round = batches[first ..< min(first + max(1, steps), batches.count)]
                let version = problem.nextVersion()
                let published = x.map(Float.init)
                let waitStart = clock.now
                for rank in 0 ..< workers {
                    let local = round.map { problem.localRows(rank, $0) }
                    guard local.contains(where: { !$0.isEmpty }) else { continue }
                    let message = Message.localSteps(LocalStepPlan(version: version, batches: local, rate: rate, rule: rule,
                                                                   parameters: published))
                    try problem.post(message, to: rank, version: version)
                }
                var replies: [DistributedProblem.Reply] = []
                while !problem.pending.isEmpty { replies.append(try problem.nextReply()) }
                replies.sort { $0.rank < $1.rank }
                let waited = (clock.now - waitStart).seconds
                let reduceStart = clock.now
                let weight = replies.reduce(0) { $0 + $1.part.weightSum }
                if weight > 0 {
                    var average = [Double](repeating: 0, count: x.count)
                    for reply in replies where reply.part.weightSum > 0 {
                        let share = reply.part.weightSum / weight
                        for j in average.indices { average[j] += share * reply.part.gradient[j] }
                    }
                    x = average
                }
                problem.record(version: version, rows: round.reduce(0) { $0 + $1.count }, replies: replies,
                               waited: waited, reduced: (clock.now - reduceStart).seconds)
            }
        }
    }
}
