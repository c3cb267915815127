/// Re-fits the surviving weights of a pruned ``LinearModel`` with the objective it was trained
/// with; the zero weights stay exactly zero.
///
/// The objective is the model's: its kind's loss, and the penalties and intercept choice its
/// metadata records (`l2_penalty`, `l1_penalty`, `fit_intercept`, written by ``Trainer``;
/// when absent, the ``TrainingConfiguration`` defaults λ = 1, μ = 0, with intercepts). It is
/// minimized with L-BFGS (OWL-QN when μ > 0) from the model's own coefficients, through a
/// ``MaskedProblem`` that freezes every zero weight.
///
/// The fit runs on the **original feature scale**, without standardization: a stored model's
/// coefficients are on that scale, and a zero stays a zero under no transform. For a model
/// trained on standardized dense data, the L2 penalty then applies to the unstandardized
/// coefficients, a slightly different objective from the one it was trained with (identical
/// for sparse data, which is never standardized). The stored `feature_mean` and
/// `feature_scale` are kept unchanged (they are informative). A quantized model comes back in
/// float (the re-fitted weights are off the int8 grid): quantize it again.
public struct FineTuning: Sendable, Equatable {
    /// The iteration limit of the re-fit.
    public var maxIterations: Int
    /// The gradient-norm tolerance of the re-fit (relative, as in ``StoppingRule``).
    public var gradientTolerance: Double = 1e-6

    /// Creates a fine-tuning step of at most `maxIterations` iterations.
    /// - Throws: ``TrainingError/Code/invalidConfiguration`` when `maxIterations < 1`.
    public init(maxIterations: Int) throws(TrainingError) {
        guard maxIterations >= 1 else {
            throw TrainingError(.invalidConfiguration, "the number of fine-tuning iterations must be ≥ 1, got \(maxIterations)")
        }
        self.maxIterations = maxIterations
    }

    /// `model` re-fitted on `dataset`: its non-zero weights and its intercepts (when fitted)
    /// move, its zero weights stay zero.
    /// - Throws: ``TrainingError`` when the data does not fit the model (feature count,
    ///   labels) or the objective cannot be evaluated.
    public func refit(_ model: LinearModel, on dataset: Dataset) throws(TrainingError) -> LinearModel {
        guard dataset.rowCount > 0 else { throw TrainingError(.badData, "the fine-tuning data has no rows") }
        guard dataset.featureCount == model.featureCount else {
            throw TrainingError(.badData, "the fine-tuning data has \(dataset.featureCount) features but the model has \(model.featureCount)")
        }
        let fitIntercept = model.metadata["fit_intercept"].flatMap(Bool.init) ?? true
        let objective = try Objective(loss: model.kind.makeLoss(classes: model.classes.count), features: dataset.features,
                                  targets: try LabelEncoding(classes: model.classes).encode(dataset.labels),
                                  sampleWeights: dataset.sampleWeights, fitIntercept: fitIntercept)
        let l2 = model.metadata["l2_penalty"].flatMap(Double.init) ?? 1
        let l1 = model.metadata["l1_penalty"].flatMap(Double.init) ?? 0
        let (d, k) = (model.featureCount, model.outputs)
        var start = [Double](repeating: 0, count: d * k + k)
        var frozen = [Bool](repeating: !fitIntercept, count: d * k + k)
        for c in 0 ..< k {
            for j in 0 ..< d {
                start[j * k + c] = model.weights[c * d + j]
                frozen[j * k + c] = model.weights[c * d + j] == 0
            }
            start[d * k + c] = model.intercepts[c]
        }
        let problem = MaskedProblem(LocalProblem(objective: objective, l2Penalty: l2, l1Penalty: l1), frozen: frozen)
        let stopping = StoppingRule(gradientTolerance: gradientTolerance, objectiveTolerance: 1e-10, maxIterations: maxIterations)
        let minimizer: any Minimizer = l1 > 0 ? OWLQN(stopping: stopping) : LBFGS(stopping: stopping)
        let clock = ContinuousClock()
        let started = clock.now
        let result: MinimizationResult
        do {
            result = try minimizer.minimize(problem, from: start, observer: { _ in })
        } catch {
            throw TrainingError(.evaluationFailed, "fine-tuning stopped: \(error)")
        }
        var weights = model.weights
        for c in 0 ..< k { for j in 0 ..< d { weights[c * d + j] = result.parameters[j * k + c] } }
        let summary = TrainingSummary(optimizer: minimizer.name, iterations: result.iterations, passes: result.passes,
                                      stopReason: result.stopReason, objective: result.objective,
                                      objectiveHistory: result.objectiveHistory, gradientNorm: result.gradientNorm,
                                      trainSeconds: (clock.now - started).seconds)
        var metadata = model.metadata
        let number = { (value: Double) in value.isFinite ? JSONText.number(value) : "null" }
        metadata[Self.metadataKey] = "{\"iterations\":\(result.iterations),\"objective_before\":\(number(result.objectiveHistory.first ?? result.objective)),"
            + "\"objective_after\":\(number(result.objective)),\"rows\":\(dataset.rowCount)}"
        return LinearModel(kind: model.kind, featureCount: d, weights: weights, intercepts: Array(result.parameters[(d * k)...]),
                           classes: model.classes, standardization: model.standardization, summary: summary, metadata: metadata)
    }

    /// The ``LinearModel/metadata`` key of the fine-tuning record (a JSON object: iterations,
    /// objective before and after, rows).
    public static let metadataKey = "finetune"
}
