/// Mini-batch training whose workers do not wait for each other at every step: bounded
/// staleness and local SGD, on a ``DistributedProblem``.
extension Trainer {
    /// Minimizes with the configured asynchronous consistency.
    func minimizeAsynchronously(_ problem: some TrainingProblem, from start: [Double], checkpoints: CheckpointPolicy?,
                                resume: OptimizerCheckpoint?, observer: (IterationReport) -> Void) throws -> MinimizationResult {
        guard let distributed = problem as? DistributedProblem else {
            throw TrainingError(.invalidConfiguration, "--async and --local-steps need worker processes (--workers N or --listen)")
        }
        let minimizer = try configuration.makeMinimizer(checkpoints: checkpoints, resume: resume, hessianProducts: false, classCounts: [])
        switch configuration.consistency {
        case .synchronous:
            return try minimizer.minimize(problem, from: start, observer: observer)
        case .localSteps(let steps):
            guard checkpoints == nil, resume == nil else {
                throw TrainingError(.invalidConfiguration, "checkpoints are not available with --local-steps: the workers hold the optimizer state")
            }
            let penalty = distributed.regularization
            var rule = LocalStepPlan.Rule(kind: .sgd, l2Penalty: penalty.l2Penalty, l1Penalty: penalty.l1Penalty,
                                          penalizedCount: penalty.penalizedCount,
                                          penaltyScale: 1 / max(distributed.totalWeight, .leastNonzeroMagnitude),
                                          coefficientFactors: penalty.coefficientFactors)
            let loop: MiniBatchLoop
            if let sgd = minimizer as? SGD {
                (loop, rule.momentum) = (sgd.loop, sgd.momentum)
            } else if let adam = minimizer as? Adam {
                loop = adam.loop
                (rule.kind, rule.beta1, rule.beta2, rule.epsilon) = (.adam, adam.beta1, adam.beta2, adam.epsilon)
            } else {
                throw TrainingError(.invalidConfiguration, "--local-steps needs --optimizer sgd or adam")
            }
            return try LocalStepsLoop(steps: steps, rule: rule, loop: loop).run(distributed, from: start, observer: observer)
        case .boundedStaleness(let staleness):
            let result: MinimizationResult, seen: BoundedStalenessLoop.Staleness
            if let sgd = minimizer as? SGD {
                var update = sgd.makeUpdate(parameterCount: start.count)
                (result, seen) = try BoundedStalenessLoop(staleness: staleness, loop: sgd.loop)
                    .run(distributed, from: start, update: &update, observer: observer)
            } else if let adam = minimizer as? Adam {
                var update = adam.makeUpdate(parameterCount: start.count)
                (result, seen) = try BoundedStalenessLoop(staleness: staleness, loop: adam.loop)
                    .run(distributed, from: start, update: &update, observer: observer)
            } else {
                throw TrainingError(.invalidConfiguration, "--async needs --optimizer sgd or adam")
            }
            distributed.statistics.largestStaleness = seen.largest
            distributed.statistics.meanStaleness = seen.mean
            return result
        }
    }
}
