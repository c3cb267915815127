/// How shards agree on one model setup: each worker summarizes its shard, the server combines
/// the summaries into a ``ShardSetup``, and each worker applies it to build its objective.
/// The result equals what ``Trainer/prepare(_:)`` does to the whole dataset in one process.
extension ShardSummary {
    /// The summary of a worker's shard.
    public init(of dataset: Dataset) {
        rows = dataset.rowCount
        columns = dataset.featureCount
        isSparse = dataset.features.isSparse
        let distinct = Set(dataset.labels.prefix(1_000_000))
        tooManyLabels = distinct.count > Self.labelLimit
        if tooManyLabels {
            labels = []
        } else {
            var counts: [Double: Int] = [:]
            for label in dataset.labels { counts[label, default: 0] += 1 }
            labels = counts.keys.sorted()
            labelCounts = labels.map { counts[$0] ?? 0 }
        }
        if case .dense(let matrix) = dataset.features {
            let statistics = Standardization.statistics(of: matrix, sampleWeights: dataset.sampleWeights)
            featureSums = statistics.sums
            featureSquareSums = statistics.squareSums
        } else {
            featureSums = []
            featureSquareSums = []
        }
        weightSum = dataset.totalWeight
        fingerprint = DatasetFingerprint.of(dataset)
    }
}

extension ShardSetup {
    /// Combines the shards' summaries (in rank order) under `configuration`.
    /// - Parameter featureCount: the feature count the user fixed, if any.
    /// - Returns: the setup to send to every worker, and the description of the training for
    ///   turning parameters into a model.
    public static func combining(_ summaries: [ShardSummary], configuration: TrainingConfiguration,
                                 featureCount: Int?, source: String) throws(TrainingError) -> (ShardSetup, PreparedTraining) {
        let rows = summaries.reduce(0) { $0 + $1.rows }
        let totalWeight = summaries.reduce(0) { $0 + $1.weightSum }
        guard rows > 0 else { throw TrainingError(.badData, "the training data has no rows") }
        let columns = featureCount ?? summaries.map(\.columns).max() ?? 0
        guard columns > 0 else { throw TrainingError(.badData, "the training data has no features") }
        for (rank, summary) in summaries.enumerated() where !summary.isSparse && summary.rows > 0 {
            guard summary.featureSums.count == summary.columns, summary.featureSquareSums.count == summary.columns else {
                throw TrainingError(.badData, "worker \(rank) summarized \(summary.featureSums.count) feature sums for \(summary.columns) columns")
            }
        }
        let sparse = summaries.contains { $0.isSparse && $0.rows > 0 }
        if !sparse, summaries.contains(where: { $0.rows > 0 && $0.columns != columns }) {
            throw TrainingError(.badData, "shards disagree on the number of features (\(summaries.map(\.columns)))")
        }
        var classes: [Double] = []
        if configuration.kind.isClassifier {
            guard !summaries.contains(where: \.tooManyLabels) else {
                throw TrainingError(.badLabels, "more than \(ShardSummary.labelLimit) distinct labels: not a classification dataset")
            }
            classes = try LabelEncoding(kind: configuration.kind, labels: summaries.flatMap(\.labels)).classes
        }
        var standardization: Standardization?
        switch (configuration.standardization, sparse) {
        case (.on, true):
            throw TrainingError(.badData, "standardizing sparse data would make it dense; use --standardize off or auto")
        case (.on, false), (.auto, false):
            var sums = [Double](repeating: 0, count: columns), squares = sums
            for summary in summaries where summary.rows > 0 {
                for j in 0 ..< columns {
                    sums[j] += summary.featureSums[j]
                    squares[j] += summary.featureSquareSums[j]
                }
            }
            standardization = Standardization(sums: sums, squareSums: squares, total: totalWeight,
                                              centred: configuration.fitIntercept)
        default:
            break
        }
        let outputs = configuration.kind == .softmax ? classes.count : 1
        try Trainer.checkParameterCount(features: columns, outputs: outputs)
        let (parameters, overflow) = (columns + 1).multipliedReportingOverflow(by: outputs)
        guard !overflow, parameters <= ShardSetup.largestParameterCount else {
            throw TrainingError(.badData, "\(columns) features × \(outputs) outputs is more parameters than a gradient frame holds (\(ShardSetup.largestParameterCount))")
        }
        let setup = ShardSetup(kind: configuration.kind, featureCount: columns, classes: classes,
                               means: standardization?.means ?? [], scales: standardization?.scales ?? [],
                               fitIntercept: configuration.fitIntercept,
                               shuffleSeed: configuration.optimizer.isMiniBatch ? configuration.seed : nil,
                               totalWeight: totalWeight,
                               keepsCurvature: configuration.resolvedOptimizer(hessianProducts: true) == .newton)
        let fingerprint = summaries.count == 1 ? summaries[0].fingerprint
            : "shards:" + summaries.map(\.fingerprint).joined(separator: ",")
        var prepared = PreparedTraining(kind: configuration.kind, featureCount: columns, rowCount: rows, classes: classes,
                                        standardization: standardization, fingerprint: fingerprint, source: source)
        prepared.classCounts = classCounts(summaries, classes: classes)
        return (setup, prepared)
    }

    /// Rows of each class over every shard (empty for regression or when a shard did not count).
    private static func classCounts(_ summaries: [ShardSummary], classes: [Double]) -> [Int] {
        guard !classes.isEmpty else { return [] }
        var counts = [Int](repeating: 0, count: classes.count)
        for summary in summaries where summary.rows > 0 {
            guard summary.labelCounts.count == summary.labels.count else { return [] }
            for (label, count) in zip(summary.labels, summary.labelCounts) {
                guard let index = classes.firstIndex(of: label) else { return [] }
                counts[index] += count
            }
        }
        return counts
    }

    /// The objective of a worker's shard under this setup.
    public func objective(for shard: Dataset) throws(TrainingError) -> Objective {
        var features = shard.features
        switch features {
        case .sparse(let m):
            guard m.columns <= featureCount else {
                throw TrainingError(.badData, "the shard has \(m.columns) features, the setup \(featureCount)")
            }
            features = .sparse(SparseMatrix(uncheckedRows: m.rows, columns: featureCount, rowOffsets: m.rowOffsets,
                                            columnIndices: m.columnIndices, values: m.values))
        case .dense(var m):
            guard m.columns == featureCount else {
                throw TrainingError(.badData, "the shard has \(m.columns) features, the setup \(featureCount)")
            }
            if !means.isEmpty {
                guard means.count == featureCount, scales.count == featureCount else {
                    throw TrainingError(.badData, "the setup's standardization is for \(means.count) features, not \(featureCount)")
                }
                Standardization(means: means, scales: scales).apply(to: &m)
            }
            features = .dense(m)
        }
        let targets = try LabelEncoding(classes: classes).encode(shard.labels)
        return Objective(unchecked: kind.makeLoss(classes: classes.count), features: features, targets: targets,
                         sampleWeights: shard.sampleWeights, fitIntercept: fitIntercept,
                         originalFeatures: means.isEmpty ? nil : shard.features)
    }
}
