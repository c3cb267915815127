/// A worker's side of local SGD: runs the steps of a ``LocalStepPlan`` on its shard and keeps
/// the optimizer's state (SGD velocity, Adam moments) from one round to the next.
struct LocalStepRunner {
    private var update: (any MiniBatchUpdate)?

    /// Runs `plan` on `objective`: the new parameters, and the loss and weight sums of the
    /// batches (each at the parameters its step started from).
    mutating func run(_ plan: LocalStepPlan, on objective: Objective,
                      workspace: inout KernelWorkspace) -> (parameters: [Float], lossSum: Double, weightSum: Double) {
        let rule = plan.rule
        var x = plan.parameters.map(Double.init)
        var state = update ?? Self.makeUpdate(rule, count: x.count)
        var lossSum = 0.0, weightSum = 0.0
        for rows in plan.batches where !rows.isEmpty {
            let evaluation = objective.evaluate(x, rows: rows, workspace: &workspace)
            lossSum += evaluation.lossSum
            weightSum += evaluation.weightSum
            MiniBatchStep.take(evaluation, at: &x, rate: plan.rate, penalty: rule.regularization, scale: rule.penaltyScale,
                               update: &state)
        }
        update = state
        return (x.map(Float.init), lossSum, weightSum)
    }

    private static func makeUpdate(_ rule: LocalStepPlan.Rule, count: Int) -> any MiniBatchUpdate {
        let zeros = [Double](repeating: 0, count: count)
        switch rule.kind {
        case .sgd: return SGD.Momentum(beta: rule.momentum, velocity: zeros)
        case .adam: return Adam.Moments(beta1: rule.beta1, beta2: rule.beta2, epsilon: rule.epsilon, first: zeros, second: zeros)
        }
    }
}
