import Foundation
import Logging

/// Fits linear models: configuration in, fitted ``LinearModel`` out.
///
/// `fit` encodes the labels, standardizes dense features (by default), builds the objective
/// `Σ sᵢ·ℓ + (λ/2)‖w‖² + μ‖w‖₁` with the penalty on the coefficients as reported (see
/// ``Regularization``), minimizes it from zero with the configured optimizer, folds the
/// standardization back into the coefficients, and reports the objective recomputed in float64
/// on the features as given. Not converging is not an error: the
/// model's ``TrainingSummary`` says so, and a warning is logged.
public struct Trainer: Sendable {
    /// The validated configuration.
    public let configuration: TrainingConfiguration
    private let logger = Logger(label: "shardtrain.trainer")

    /// Creates a trainer after validating `configuration`.
    public init(_ configuration: TrainingConfiguration) throws(TrainingError) {
        try configuration.validate()
        self.configuration = configuration
    }

    /// Trains on `dataset`.
    /// - Parameter observer: called after every iteration (epoch), on the calling thread.
    public func fit(_ dataset: Dataset, observer: (IterationReport) -> Void = { _ in }) throws(TrainingError) -> LinearModel {
        let prepared = try prepare(dataset)
        let problem = try makeLocalProblem(prepared)
        return try fit(problem, prepared: prepared, observer: observer)
    }

    /// Trains on a prepared problem: the entry point for problems evaluated elsewhere (workers).
    /// - Parameters:
    ///   - checkpoints: save the optimizer's state every few iterations (epochs for SGD and Adam).
    ///   - resume: continue a run from a saved state of the same optimizer.
    public func fit(_ problem: some TrainingProblem, prepared: PreparedTraining, workers: Int = 1,
                    checkpoints: CheckpointPolicy? = nil, resume: OptimizerCheckpoint? = nil,
                    observer: (IterationReport) -> Void = { _ in }) throws(TrainingError) -> LinearModel {
        if checkpoints != nil || resume != nil {
            guard configuration.supportsCheckpoints else {
                throw TrainingError(.invalidConfiguration, "checkpoints and --resume are available for lbfgs, sgd and adam, not exact")
            }
        }
        let clock = ContinuousClock()
        let started = clock.now
        let hessianProducts = problem is any CurvatureProblem
        let optimizerName = configuration.optimizer == .exact ? "exact"
            : configuration.makeMinimizer(hessianProducts: hessianProducts, classCounts: prepared.classCounts).name
        let result: MinimizationResult
        do {
            if configuration.optimizer == .exact {
                guard let objective = prepared.objective else {
                    throw TrainingError(.invalidConfiguration, "--optimizer exact needs the data in this process; use lbfgs with workers")
                }
                result = try exactSolution(objective, problem: problem)
            } else {
                let start = [Double](repeating: 0, count: problem.parameterCount)
                if configuration.consistency == .synchronous {
                    let minimizer = try configuration.makeMinimizer(checkpoints: checkpoints, resume: resume,
                                                                    hessianProducts: hessianProducts,
                                                                    classCounts: prepared.classCounts)
                    result = try minimizer.minimize(problem, from: start, observer: observer)
                } else {
                    result = try minimizeAsynchronously(problem, from: start, checkpoints: checkpoints, resume: resume,
                                                        observer: observer)
                }
            }
        } catch let error as TrainingError {
            throw error
        } catch {
            throw TrainingError(.evaluationFailed, "training stopped: \(error)")
        }
        // The reported objective: recomputed in float64 on the features as given, from the
        // coefficients as the model (and its file) stores them, when the problem can: one pass.
        var objective = result.objective
        do {
            let stored = prepared.storedParameters(result.parameters)
            if result.objective.isFinite, let lossSum = try problem.exactLossSum(originalParameters: stored) {
                objective = lossSum + prepared.reportedPenalty(configuration).value(stored)
            }
        } catch {
            throw TrainingError(.evaluationFailed, "training stopped: \(error)")
        }
        let seconds = (clock.now - started).seconds
        let summary = TrainingSummary(
            optimizer: optimizerName,
            iterations: result.iterations, passes: result.passes, stopReason: result.stopReason,
            objective: objective, objectiveHistory: result.objectiveHistory,
            gradientNorm: result.gradientNorm, trainSeconds: seconds, workers: workers)
        if !summary.converged {
            logger.warning("training did not converge: \(result.stopReason.rawValue) after \(result.iterations) iterations (objective \(result.objective))")
        }
        return prepared.model(from: result.parameters, summary: summary, configuration: configuration)
    }

    /// Encodes labels, standardizes and builds the objective, without training.
    public func prepare(_ dataset: Dataset) throws(TrainingError) -> PreparedTraining {
        guard dataset.rowCount > 0 else { throw TrainingError(.badData, "the training data has no rows") }
        guard dataset.featureCount > 0 else { throw TrainingError(.badData, "the training data has no features") }
        var data = dataset
        if configuration.optimizer == .sgd || configuration.optimizer == .adam {
            data = data.shuffled(seed: configuration.seed)
        }
        let encoding = try LabelEncoding(kind: configuration.kind, labels: data.labels)
        let targets = try encoding.encode(data.labels)
        var standardization: Standardization?
        let original = data.features
        switch (configuration.standardization, data.features) {
        case (.on, .sparse):
            throw TrainingError(.badData, "standardizing sparse data would make it dense; use --standardize off or auto")
        case (.on, .dense(var matrix)), (.auto, .dense(var matrix)):
            // Without an intercept nothing can absorb a shift: scale only.
            let fitted = Standardization(fitting: matrix, sampleWeights: data.sampleWeights,
                                         centred: configuration.fitIntercept)
            fitted.apply(to: &matrix)
            data.features = .dense(matrix)
            standardization = fitted
        default:
            break
        }
        try Self.checkParameterCount(features: data.featureCount,
                                     outputs: configuration.kind == .softmax ? encoding.classes.count : 1)
        let loss = configuration.kind.makeLoss(classes: encoding.classes.count)
        let objective = Objective(unchecked: loss, features: data.features, targets: targets,
                                  sampleWeights: data.sampleWeights, fitIntercept: configuration.fitIntercept,
                                  originalFeatures: standardization == nil ? nil : original)
        var classCounts = [Int](repeating: 0, count: configuration.kind.isClassifier ? encoding.classes.count : 0)
        if !classCounts.isEmpty { for target in targets { classCounts[Int(target)] += 1 } }
        return PreparedTraining(objective: objective, kind: configuration.kind, classes: encoding.classes, classCounts: classCounts,
                                standardization: standardization, fingerprint: DatasetFingerprint.of(dataset),
                                source: dataset.source)
    }

    /// Refuses a model with more parameters than ``ResourceLimits/parameters``, saying what it
    /// would cost and how to raise the limit.
    static func checkParameterCount(features: Int, outputs: Int) throws(TrainingError) {
        let (count, overflow) = (features + 1).multipliedReportingOverflow(by: max(outputs, 1))
        guard overflow || count > ResourceLimits.parameters else { return }
        let cost = overflow ? "more parameters than can be counted" : ResourceLimits.cost(of: count)
        throw TrainingError(.invalidConfiguration, "\(features) features × \(outputs) outputs make \(cost); \(ResourceLimits.howToRaise)")
    }

    /// The in-process problem for prepared data.
    public func makeLocalProblem(_ prepared: PreparedTraining) throws(TrainingError) -> LocalProblem {
        guard let objective = prepared.objective else {
            throw TrainingError(.badData, "the training data is not in this process")
        }
        return LocalProblem(objective: objective, regularization: prepared.regularization(configuration))
    }

    private func exactSolution(_ objective: Objective, problem: some TrainingProblem) throws -> MinimizationResult {
        let parameters: [Double]
        do {
            parameters = try ExactLeastSquares().solve(objective, penalty: problem.regularization)
        } catch {
            throw TrainingError(.solverFailed, "the least-squares system is singular (LAPACK: \(error)); add --l2 or drop duplicate features")
        }
        let (value, gradient) = try problem.smoothObjective(parameters)
        return MinimizationResult(parameters: parameters, objective: value, iterations: 0, passes: 2,
                                  stopReason: .exactSolution, objectiveHistory: [value],
                                  gradientNorm: Vector.norm(gradient))
    }
}

extension Duration {
    /// The duration in seconds, as a `Double`.
    public var seconds: Double {
        let (s, attoseconds) = components
        return Double(s) + Double(attoseconds) * 1e-18
    }
}
