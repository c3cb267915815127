/// Mini-batch training whose workers do not wait for each other at every step: bounded
/// staleness and local SGD, on a ``DistributedProblem``.
extension Trainer {
    /// Minimizes with the configured asynchronous consistency.
    func minimizeAsynchronously(_ problem: some TrainingProblem, from start: [Double],
                                observer: (IterationReport) -> Void) throws -> MinimizationResult {
        guard let distributed = problem as? DistributedProblem else {
            throw TrainingError(.invalidConfiguration, "--async and --local-steps need worker processes (--workers N or --listen)")
        }
        let minimizer = configuration.makeMinimizer()
        let driver: EpochDriver
        let zeros = [Double](repeating: 0, count: start.count)
        let penalty = distributed.regularization
        var rule = LocalStepPlan.Rule(kind: .sgd, l2Penalty: penalty.l2Penalty, l1Penalty: penalty.l1Penalty,
                                      penalizedCount: penalty.penalizedCount,
                                      penaltyScale: 1 / Double(max(distributed.rowCount, 1)))
        var sgd: SGD.Momentum?, adam: Adam.Moments?
        if let chosen = minimizer as? SGD {
            driver = EpochDriver(batchSize: chosen.batchSize, learningRate: chosen.learningRate, schedule: chosen.schedule,
                                 seed: chosen.seed, stopping: chosen.stopping)
            rule.momentum = chosen.momentum
            sgd = SGD.Momentum(beta: chosen.momentum, velocity: zeros)
        } else if let chosen = minimizer as? Adam {
            driver = EpochDriver(batchSize: chosen.batchSize, learningRate: chosen.learningRate, schedule: chosen.schedule,
                                 seed: chosen.seed, stopping: chosen.stopping)
            (rule.kind, rule.beta1, rule.beta2, rule.epsilon) = (.adam, chosen.beta1, chosen.beta2, chosen.epsilon)
            adam = Adam.Moments(beta1: chosen.beta1, beta2: chosen.beta2, epsilon: chosen.epsilon, first: zeros, second: zeros)
        } else {
            throw TrainingError(.invalidConfiguration, "--async and --local-steps need --optimizer sgd or adam")
        }
        switch configuration.consistency {
        case .synchronous:
            return try minimizer.minimize(problem, from: start, observer: observer)
        case .localSteps(let steps):
            return try LocalStepsLoop(steps: steps, rule: rule, driver: driver).run(distributed, from: start, observer: observer)
        case .boundedStaleness(let staleness):
            let loop = BoundedStalenessLoop(staleness: staleness, driver: driver)
            let (result, seen): (MinimizationResult, BoundedStalenessLoop.Staleness)
            if var update = sgd {
                (result, seen) = try loop.run(distributed, from: start, update: &update, observer: observer)
            } else if var update = adam {
                (result, seen) = try loop.run(distributed, from: start, update: &update, observer: observer)
            } else {
                preconditionFailure("an SGD or Adam update was made above")
            }
            distributed.statistics.largestStaleness = seen.largest
            distributed.statistics.meanStaleness = seen.mean
            return result
        }
    }
}
