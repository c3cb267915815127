import ArgumentParser
import BenchmarkKit
import Foundation
import ShardTrain

/// `shardtrain bench scaling`: the same training with 1, 2, 4 … worker processes.
struct ScalingBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scaling",
        abstract: "Train the same model with each worker count; report time per pass, speed-up, efficiency and where the time goes.",
        discussion: """
        Every run trains the same model from zero for the same number of iterations on the same \
        data (--data FILE, or --synth ROWSxFEATURES[:NNZ] generated on the fly), each worker a \
        process reading its shard. Reported per worker count: seconds per pass, speed-up and \
        efficiency against the first count, seconds to reach the target objective (default: the \
        first run's final objective plus 0.01 %), the split of a pass into worker compute, \
        communication, reduce and the parameter server's own work, bytes moved, and the \
        memory-bandwidth floor (stream-reading the features once with min(workers, cores) \
        threads) measured in the same run. Counts above the core count run, labelled \
        oversubscribed.
        """
    )

    @Option(help: "Training data file (each worker reads its shard).")
    var data: String?

    @Option(help: "Synthetic data instead: ROWSxFEATURES, or ROWSxFEATURES:NNZ for sparse rows.")
    var synth: String?

    @Option(help: "Worker counts, comma-separated.")
    var workers: String = "1,2,4,8"

    @Option(help: "Model: linear, logistic or softmax.")
    var model: ModelKind = .logistic

    @Option(help: "Optimizer: lbfgs, sgd or adam.")
    var optimizer: TrainingConfiguration.OptimizerChoice = .lbfgs

    @Option(help: "Iterations (epochs for sgd and adam) of every run.")
    var maxIterations: Int = 30

    @Option(help: "Mini-batch size for sgd and adam.")
    var batchSize: Int = 4096

    @Option(help: "The objective 'time to target' aims for (default: the first run's final objective + 0.01 %).")
    var targetObjective: Double?

    @Option(name: .customLong("report"), help: "Write the report as Markdown to this file.")
    var reportFile: String?

    @Option(help: "Write the plot (speed-up and time breakdown) as SVG to this file.")
    var plot: String?

    @OptionGroup var dataOptions: DataOptions

    @Flag(help: "Print one JSON object as the last line of stdout.")
    var json = false

    func validate() throws {
        guard (data == nil) != (synth == nil) else { throw ValidationError("give --data FILE or --synth ROWSxFEATURES[:NNZ]") }
        _ = try workerCounts()
        if let synth { _ = try SyntheticShape(synth) }
        guard maxIterations >= 1 else { throw ValidationError("--max-iterations must be ≥ 1") }
        guard optimizer != .exact else { throw ValidationError("--optimizer exact solves in one process; use lbfgs, sgd or adam") }
    }

    func workerCounts() throws -> [Int] {
        let counts = workers.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !counts.isEmpty, counts.allSatisfy({ ($0 ?? 0) >= 1 && ($0 ?? 0) <= 256 }) else {
            throw ValidationError("--workers takes counts from 1 to 256 separated by commas, got \(workers)")
        }
        return counts.compactMap { $0 }
    }

    func run() throws {
        StandardError.line(BLASBootstrap.describe())
        let counts = try workerCounts()
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("shardtrain-scaling-\(UUID().uuidString.prefix(8))").path
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let (path, description, options) = try prepareData(scratch: scratch)
        let (dataset, _) = try loadDataset(path, options.loadOptions())
        let featureBytes: [Float] = switch dataset.features {
        case .dense(let m): m.values
        case .sparse(let m): [Float](repeating: 1, count: max(1, m.storageBytes / 4))
        }
        let cores = ProcessInfo.processInfo.activeProcessorCount
        var configuration = TrainingConfiguration(kind: model)
        configuration.optimizer = optimizer
        configuration.l2Penalty = 1
        configuration.maxIterations = maxIterations
        configuration.gradientTolerance = 1e-300
        configuration.objectiveTolerance = 1e-300
        configuration.batchSize = batchSize
        let trainer = try report { try Trainer(configuration) }
        var measurements: [ScalingMeasurement] = []
        var traces: [[(seconds: Double, objective: Double)]] = []
        for count in counts {
            let floor = featureBytes.withUnsafeBufferPointer { values in
                Timing.measure(runs: 3) { blackHole(StreamRead.parallelSum(values, threads: min(count, cores))) }.best
            }
            let (m, trace) = try ScalingRun(workers: count, path: path, options: options, trainer: trainer).measure(cores: cores, floor: floor)
            measurements.append(m)
            traces.append(trace)
            StandardError.line(String(format: "%d worker(s)%@: %.4f s per pass, %.0f passes", count,
                                      m.oversubscribed ? " (oversubscribed)" : "", m.secondsPerPass, m.passes))
        }
        let first = measurements[0].objective
        let target = targetObjective ?? first + 1e-4 * abs(first)
        for index in measurements.indices {
            measurements[index].secondsToTarget = traces[index].first { $0.objective <= target }?.seconds
        }
        let training = "\(model.rawValue), \(optimizer.rawValue), \(maxIterations) iterations from zero"
        let result = ScalingReport(dataset: "\(description), \(dataset.rowCount) rows × \(dataset.featureCount) features",
                                   training: training, targetObjective: target, cores: cores, measurements: measurements)
        if let reportFile { try write(result.markdown(), to: reportFile) }
        if let plot { try write(result.svg(), to: plot) }
        print(result.markdown(), terminator: "")
        if json { print(ScalingJSON.line(result)) }
    }

    /// The data file to train on (generated for --synth), its description and how to read it.
    private func prepareData(scratch: String) throws -> (String, String, DataOptions) {
        guard let synth else { return (data ?? "", data ?? "", dataOptions) }
        let shape = try SyntheticShape(synth)
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        let generated = SyntheticData.generate(kind: model, rows: shape.rows, features: shape.features,
                                               nonzerosPerRow: shape.nonzeros, classes: 3, noise: 0.5, seed: 1)
        var options = dataOptions
        let path: String
        if shape.nonzeros == nil, case .dense(let matrix) = generated.features {
            path = scratch + "/synthetic.npy"
            try report {
                try NPYWriter.write(matrix, to: path)
                try NPYWriter.write(generated.labels, to: scratch + "/synthetic.labels.npy")
            }
            options.labels = scratch + "/synthetic.labels.npy"
        } else {
            path = scratch + "/synthetic.svm"
            try report { try LIBSVMWriter.write(generated, to: path) }
            options.features = shape.features
        }
        return (path, "synthetic \(synth)", options)
    }

    private func write(_ text: String, to path: String) throws {
        try report { try AtomicFile.write(Array(text.utf8), to: path) }
    }
}

/// `ROWSxFEATURES[:NNZ]`.
struct SyntheticShape {
    var rows: Int
    var features: Int
    var nonzeros: Int?

    init(_ text: String) throws {
        let parts = text.split(separator: ":")
        let size = parts.first?.lowercased().split(separator: "x") ?? []
        guard parts.count <= 2, size.count == 2, let rows = Int(size[0]), let features = Int(size[1]), rows >= 1, features >= 1 else {
            throw ValidationError("--synth takes ROWSxFEATURES or ROWSxFEATURES:NNZ (e.g. 200000x100 or 100000x10000:40), got \(text)")
        }
        self.rows = rows
        self.features = features
        if parts.count == 2 {
            guard let nonzeros = Int(parts[1]), (1 ... features).contains(nonzeros) else {
                throw ValidationError("--synth: the nonzeros per row must be in 1…\(features), got \(parts[1])")
            }
            self.nonzeros = nonzeros
        }
    }
}
