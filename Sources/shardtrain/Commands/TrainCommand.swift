import ArgumentParser
import Foundation
import ShardTrain

/// `shardtrain train`: fit a model on a data file and write a model file.
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a linear, logistic or softmax model and write it to a model file.",
        discussion: """
        Objective: Σ sᵢ·loss(xᵢ, yᵢ) + (λ/2)‖w‖² + μ‖w‖₁ with λ = --l2 and μ = --l1, summed over \
        rows, intercept not regularized, w the coefficients as reported (on the original feature \
        scale, whatever --standardize does): --l2 λ is LIBLINEAR's -c 1/λ and scikit-learn's \
        C = 1/λ. Standardization only conditions the problem; --penalty-convention standardized \
        penalizes the standardized coefficients instead (glmnet, Spark). The reported objective \
        is recomputed in float64 from the written coefficients.
        """
    )

    @Option(help: "Model kind: linear, logistic or softmax.")
    var model: ModelKind

    @Option(help: "Training data file (with --listen: shipped to workers that have no copy of it).")
    var data: String?

    @Option(help: "Run the parameter server on TCP HOST:PORT (or PORT on 127.0.0.1) and wait for workers to join (shardtrain worker --connect).")
    var listen: String?

    @Option(help: "With --listen: how many workers to wait for.")
    var expectWorkers: Int?

    @Option(help: "With --listen: file holding the shared secret (else SHARDTRAIN_SECRET).")
    var secretFile: String?

    @OptionGroup(title: "TLS on the training channel (with --listen)") var transportTLS: TransportTLSOptions

    @Option(help: "Test data file, scored after training.")
    var test: String?

    @Option(help: "Hold out this fraction of the training rows as the test set (instead of --test).")
    var testFraction: Double?

    @Option(help: "How workers are run: socket (worker processes started here, or joining over TCP) or mpi (the ranks of mpirun/srun; needs a build with --traits MPI).")
    var backend: Backend = .socket

    @Option(help: "With --backend mpi: server (rank 0 sums the workers' shares, MPI_Reduce) or allreduce (every rank keeps a replica, MPI_Allreduce).")
    var reduce: MPIReduceMode?

    @Option(help: "Worker processes computing gradients; each reads its own shard of --data.")
    var workers: Int = 1

    @Option(help: "Optimizer: auto (newton, or lbfgs with --l1 or --backend mpi), newton (trust-region Newton-CG, LIBLINEAR's TRON), lbfgs (OWL-QN with --l1), sgd, adam, or exact (closed-form linear regression).")
    var optimizer: TrainingConfiguration.OptimizerChoice = .auto

    @Flag(help: "Bulk-synchronous steps: every step waits for every worker (the default).")
    var sync = false

    @Flag(help: "With workers and sgd/adam: asynchronous steps with bounded staleness (--staleness K).")
    var async = false

    @Option(help: "With --async: no worker runs more than K steps ahead of the slowest (0 is synchronous).")
    var staleness: Int?

    @Option(help: "With workers and sgd/adam: local SGD, each worker takes K steps between model averages.")
    var localSteps: Int?

    @Option(help: "Epoch limit for sgd/adam (default 50).")
    var epochs: Int?

    @Option(help: "Iteration limit for newton and lbfgs (default 500).")
    var maxIterations: Int?

    @Option(help: "Rows per mini-batch (sgd, adam).")
    var batchSize: Int = 256

    @Option(help: "Base learning rate (default: sgd 0.1, adam 0.01).")
    var learningRate: Double?

    @Option(help: "SGD momentum in [0, 1).")
    var momentum: Double = 0.9

    @Option(help: "L2 strength λ (default: 1 for logistic and softmax, 0 for linear).")
    var l2: Double?

    @Option(help: "L1 strength μ (uses OWL-QN with lbfgs; proximal steps with sgd/adam).")
    var l1: Double = 0

    @Option(help: "Stop when the gradient norm falls to this share of its start (newton, lbfgs). Default: newton on classifiers 0.01·(smallest class share), LIBLINEAR's rule; otherwise 1e-6.")
    var tolerance: Double?

    @Option(help: "Relative objective-change tolerance (default: lbfgs 1e-10, sgd/adam 1e-4).")
    var objectiveTolerance: Double?

    @Option(help: "Standardize features: auto (dense data only), on or off.")
    var standardize: TrainingConfiguration.StandardizationChoice = .auto

    @Option(help: "Which coefficients the penalty measures: original (as reported; LIBLINEAR, scikit-learn) or standardized (glmnet, Spark).")
    var penaltyConvention: TrainingConfiguration.PenaltyConvention = .original

    @Flag(help: "Fit without an intercept (dense features are then scaled, never centred).")
    var noIntercept = false

    @Option(help: "Seed for shuffles, batch order and --test-fraction.")
    var seed: UInt64 = 1

    @OptionGroup var dataOptions: DataOptions

    @OptionGroup var sharding: ShardOptions

    @Option(help: "Write one JSON line per reduce round (per-worker compute and reply times, bytes) to this file.")
    var metricsOut: String?

    @Option(help: "Write one JSON line per iteration (epoch) to this file: seconds of training so far, passes, objective and, with --test, the test metrics (the time scoring takes is left out of its seconds and of the run's train time).")
    var trace: String?

    @Flag(help: "Do not store the training data's reference profile (for drift monitoring by serve) in the model file.")
    var noProfile = false

    @Option(help: "The reference profile covers every feature up to this many, else the this many non-zero in the most rows (wide data).")
    var profileFeatures: Int = ReferenceProfile.defaultFeatureCap

    @Option(help: "Save the optimizer's state in this folder every --checkpoint-every iterations (epochs for sgd/adam).")
    var checkpointDir: String?

    @Option(help: "Iterations (lbfgs) or epochs (sgd, adam) between checkpoints.")
    var checkpointEvery: Int = 10

    @Flag(help: "Continue the run saved in --checkpoint-dir (after a crash of this process).")
    var resume = false

    @Option(help: ArgumentHelp("Fault drill: kill -9 this coordinator before reduce round N.", visibility: .hidden))
    var killCoordinator: Int?

    @Option(help: "Seconds to wait for a worker's answer before replacing it as hung.")
    var workerTimeout: Double = 600

    @Option(help: ArgumentHelp("Fault drill: kill -9 worker R before reduce round N, as R@N.", visibility: .hidden))
    var killWorker: String?

    @Option(help: ArgumentHelp("Fault drill: worker R kills itself (SIGKILL) once, while it reads its shard.", visibility: .hidden))
    var killWorkerWhileLoading: Int?

    @Option(help: "Seconds a busy worker may stay silent (workers send heartbeats) before it is replaced as hung.")
    var heartbeatTimeout: Double = 10

    @Option(help: ArgumentHelp("Fault drill: stop worker R (SIGSTOP) before reduce round N, as R@N.", visibility: .hidden))
    var stopWorker: String?

    @Option(help: ArgumentHelp("Straggler drill: worker R sleeps S seconds before each answer, as R:S.", visibility: .hidden))
    var slowWorker: String?

    @Option(help: ArgumentHelp("Straggler drill: every worker sleeps S seconds before a random 10% of its answers, as S.", visibility: .hidden))
    var jitter: Double?

    @Flag(help: "Print one JSON object with the results as the last line of stdout.")
    var json = false

    @Flag(name: .shortAndLong, help: "Say more on stderr (BLAS kernel, data shape).")
    var verbose = false

    @Flag(name: .shortAndLong, help: "No progress output.")
    var quiet = false

    @Option(help: "Where to write the model file.")
    var output: String

    func validate() throws {
        try OutputPath.check(output, against: [("--data", data), ("--test", test), ("--labels", dataOptions.labels)])
        try OutputPath.check(trace, against: [("--data", data), ("--test", test), ("--labels", dataOptions.labels)], outputOption: "--trace")
        guard workers >= 1 else { throw ValidationError("--workers must be ≥ 1, got \(workers)") }
        try validateMPI()
        if metricsOut != nil, workers == 1, listen == nil {
            throw ValidationError("--metrics-out records reduce rounds: use it with --workers N > 1 or --listen")
        }
        if sharding.shuffleShards != nil, workers == 1 {
            throw ValidationError(listen == nil ? "--shuffle-shards deals the data to workers: use it with --workers N > 1"
                : "with --listen, give --shuffle-shards SEED to every shardtrain worker --connect (the same SEED to all)")
        }
        if workers > 1, testFraction != nil {
            throw ValidationError("--test-fraction needs the data in one process; with --workers \(workers) give --test FILE")
        }
        guard workerTimeout > 0, workerTimeout.isFinite else { throw ValidationError("--worker-timeout must be > 0") }
        if staleness != nil, !async { throw ValidationError("--staleness goes with --async") }
        if sync, async || localSteps != nil { throw ValidationError("give one of --sync, --async and --local-steps") }
        if async || localSteps != nil {
            guard !(async && localSteps != nil) else { throw ValidationError("give --async or --local-steps, not both") }
            guard workers > 1 || listen != nil else { throw ValidationError("--async and --local-steps need --workers N > 1 or --listen") }
        }
        guard heartbeatTimeout > 0, heartbeatTimeout.isFinite else { throw ValidationError("--heartbeat-timeout must be > 0") }
        if resume, checkpointDir == nil { throw ValidationError("--resume needs --checkpoint-dir") }
        guard checkpointEvery >= 1 else { throw ValidationError("--checkpoint-every must be ≥ 1") }
        if checkpointDir != nil, !makeConfiguration().supportsCheckpoints {
            throw ValidationError("checkpoints are available for --optimizer newton, lbfgs, sgd and adam, not \(optimizer.rawValue)")
        }
        if backend == .mpi, optimizer == .newton {
            throw ValidationError("--optimizer newton is not available with --backend mpi (no Hessian–vector rounds there yet); use lbfgs or auto")
        }
        if optimizer == .newton, l1 > 0 {
            throw ValidationError("--optimizer newton needs a smooth objective; with --l1 use lbfgs (OWL-QN)")
        }
        try transportTLS.check(tcp: listen != nil, channel: "train --listen")
        guard (1 ... ReferenceProfile.maximumFeatures).contains(profileFeatures) else {
            throw ValidationError("--profile-features takes 1 to \(ReferenceProfile.maximumFeatures), got \(profileFeatures)")
        }
        if listen != nil {
            guard let expectWorkers, expectWorkers >= 1 else { throw ValidationError("--listen needs --expect-workers N (N ≥ 1)") }
            guard workers == 1 else { throw ValidationError("give --listen with --expect-workers, not --workers") }
            guard testFraction == nil, optimizer != .exact else {
                throw ValidationError("--listen keeps the data on the workers: no --test-fraction, no --optimizer exact")
            }
        } else if data == nil {
            throw ValidationError("give --data FILE (or --listen HOST:PORT --expect-workers N)")
        }
        if workers > 1, optimizer == .exact {
            throw ValidationError("--optimizer exact needs the data in one process; use lbfgs with --workers \(workers)")
        }
        if let testFraction, !(testFraction > 0 && testFraction < 1) {
            throw ValidationError("--test-fraction must be in (0, 1), got \(testFraction)")
        }
        if test != nil, testFraction != nil { throw ValidationError("give --test or --test-fraction, not both") }
        if epochs != nil, maxIterations != nil { throw ValidationError("give --epochs (sgd/adam) or --max-iterations (lbfgs), not both") }
    }

    func makeConfiguration() -> TrainingConfiguration {
        var configuration = TrainingConfiguration(kind: model)
        configuration.optimizer = optimizer
        // `--resume` under the default continues with the optimizer that saved the checkpoint.
        if optimizer == .auto, resume, let checkpointDir, let saved = CheckpointFile.savedOptimizer(in: checkpointDir),
           let choice = TrainingConfiguration.OptimizerChoice(rawValue: saved == "owlqn" ? "lbfgs" : saved) {
            configuration.optimizer = choice
        }
        configuration.l2Penalty = l2 ?? (model == .linear ? 0 : 1)
        configuration.l1Penalty = l1
        configuration.fitIntercept = !noIntercept
        configuration.standardization = standardize
        configuration.penaltyConvention = penaltyConvention
        configuration.maxIterations = epochs ?? maxIterations
        configuration.gradientTolerance = tolerance
        configuration.objectiveTolerance = objectiveTolerance
        configuration.batchSize = batchSize
        configuration.learningRate = learningRate
        configuration.momentum = momentum
        configuration.seed = seed
        if async {
            configuration.consistency = .boundedStaleness(staleness ?? 0)
        } else if let localSteps {
            configuration.consistency = .localSteps(localSteps)
        }
        return configuration
    }

    /// What a local or distributed fit hands to the reporting step.
    struct Outcome {
        var model: LinearModel
        /// The training rows, when they are in this process (not with workers).
        var train: Dataset?
        var test: Dataset?
        var rows: Int
        var features: Int
        var loadSeconds: Double
        var distributed: DistributedProblem.Statistics?
        /// Seconds spent scoring the test set for `--trace`, left out of the reported train time.
        var traceScoringSeconds = 0.0
        /// The MPI run's ranks, mode and collectives (`--backend mpi`).
        var mpi: MPIReport?
    }
    func run() throws {
        if verbose { StandardError.line(BLASBootstrap.describe()) }
        let trainer = try report { try Trainer(makeConfiguration()) }
        if backend == .mpi {
            #if MPI
            let world = MPIWorld()
            defer { world.finalize() }
            guard let outcome = try fitWithMPI(trainer, data: data ?? "", world: world) else { return }
            try finish(outcome)
            return
            #else
            throw CLIError("this shardtrain was built without the MPI backend: build it with `swift build -c release --traits MPI` (needs libopenmpi-dev)")
            #endif
        }
        let outcome: Outcome
        if listen != nil {
            outcome = try fitWithRemoteWorkers(trainer)
        } else if workers > 1 {
            outcome = try fitWithWorkers(trainer, data: data ?? "")
        } else {
            outcome = try fitInProcess(trainer, data: data ?? "")
        }
        try finish(outcome)
    }
    func fitInProcess(_ trainer: Trainer, data: String) throws -> Outcome {
        var (train, loadSeconds) = try loadDataset(data, dataOptions.loadOptions())
        var testSet: Dataset?
        if let test {
            let (loaded, seconds) = try loadDataset(test, dataOptions.loadOptions(featureCount: train.featureCount))
            testSet = loaded
            loadSeconds += seconds
        } else if let testFraction {
            (train, testSet) = train.split(testFraction: testFraction, seed: seed)
        }
        if verbose {
            let storage = train.features.isSparse ? "sparse" : "dense"
            StandardError.line("data: \(train.rowCount) rows × \(train.featureCount) features (\(storage)), loaded in \(String(format: "%.3f", loadSeconds)) s")
        }
        let prepared = try report { try trainer.prepare(train) }
        let problem = try report { try trainer.makeLocalProblem(prepared) }
        let (fitted, traceScoring) = try fit(trainer, problem, prepared, workers: 1, test: testSet, train: train)
        return Outcome(model: fitted, train: train, test: testSet, rows: train.rowCount, features: train.featureCount,
                       loadSeconds: loadSeconds, traceScoringSeconds: traceScoring)
    }

    /// Runs the optimizer on `problem`, with progress on stderr (scored on `test`, else
    /// `train`) and the `--trace` learning curve (scored on `test`); returns the model and the
    /// seconds the trace spent scoring.
    func fit(_ trainer: Trainer, _ problem: some TrainingProblem, _ prepared: PreparedTraining, workers: Int,
             test: Dataset?, train: Dataset? = nil) throws -> (LinearModel, traceScoring: Double) {
        let progress = makeProgress(prepared: prepared, trainer: trainer, scoreOn: test ?? train,
                                    distributed: problem as? DistributedProblem)
        let curve = try trace.map { path in
            try LearningCurve(path: path) { report in
                guard let test, !report.parameters.isEmpty else { return nil }
                return try? prepared.model(from: report.parameters, summary: .placeholder, configuration: trainer.configuration)
                    .evaluate(test)
            }
        }
        defer { curve?.close() }
        var last: IterationReport?
        let (checkpoints, resumeFrom) = try checkpointing(trainer, prepared: prepared)
        let fitted = try report {
            try trainer.fit(problem, prepared: prepared, workers: workers, checkpoints: checkpoints,
                            resume: resumeFrom) { iteration in
                last = iteration
                curve?.record(iteration)
                progress.update(iteration)
            }
        }
        progress.finish(last)
        return (fitted, curve?.scoringTime ?? 0)
    }
    func makeProgress(prepared: PreparedTraining, trainer: Trainer, scoreOn scoring: Dataset?,
                      distributed: DistributedProblem? = nil) -> ProgressReporter {
        let limit = trainer.configuration.maxIterations ?? (optimizer == .sgd || optimizer == .adam ? 50 : 500)
        let name = model == .linear ? "r2" : "accuracy"
        return ProgressReporter(quiet: quiet, maxIterations: limit, scoreName: name, cluster: distributed.map { problem in
            { [problem] in
                let stats = problem.statistics
                let total = max(stats.waitSeconds + stats.reduceSeconds, 1e-9)
                return String(format: "rounds %d  waiting %.1f s  reduce %.2f%%  %.1f MB moved", stats.rounds, stats.waitSeconds,
                              100 * stats.reduceSeconds / total, Double(stats.bytesSent + stats.bytesReceived) / 1e6)
            }
        }) { report in
            guard !report.parameters.isEmpty, let scoring else { return nil }
            let candidate = prepared.model(from: report.parameters, summary: .placeholder, configuration: trainer.configuration)
            guard let evaluation = try? candidate.evaluate(scoring) else { return nil }
            return evaluation.values.first { $0.name == name }?.value
        }
    }

    /// Loads `--test` (if given) with the model's feature count; returns it and its load time.
    func loadTestSet(featureCount: Int) throws -> (Dataset?, seconds: Double) {
        guard let test else { return (nil, 0) }
        let (loaded, seconds) = try loadDataset(test, dataOptions.loadOptions(featureCount: featureCount))
        return (loaded, seconds)
    }

    /// Records every round of `problem` in `--metrics-out` and as straggler warnings.
    func attachRoundLog(to problem: DistributedProblem) throws -> RoundLog {
        let rounds = try RoundLog(path: metricsOut)
        problem.afterRound = { rounds.record($0) }
        return rounds
    }
}

extension TrainingSummary {
    /// A summary for a model built from an iterate mid-run, to score it.
    static let placeholder = TrainingSummary(optimizer: "", iterations: 0, passes: 0, stopReason: .maxIterations,
                                             objective: 0, objectiveHistory: [], gradientNorm: 0, trainSeconds: 0)
}

func describe(_ report: EvaluationReport) -> String {
    report.values.map { "\($0.name) \(String(format: "%.6g", $0.value))" }.joined(separator: "  ")
}

extension ModelKind: ExpressibleByArgument {}
extension TrainingConfiguration.OptimizerChoice: ExpressibleByArgument {}
extension MPIReduceMode: ExpressibleByArgument {}
extension TrainingConfiguration.StandardizationChoice: ExpressibleByArgument {}
extension TrainingConfiguration.PenaltyConvention: ExpressibleByArgument {}
