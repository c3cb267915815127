import ShardTrain

/// The single-core gradient benchmark: one full logistic gradient over a dense matrix, against
/// the time to stream-read the same bytes.
public struct KernelBenchmark: Sendable {
    /// One result row.
    public struct Result: Sendable {
        public var name: String
        public var bytes: Int
        public var baseline: Timing
        public var kernel: Timing
        /// One BLAS matrix–vector product over the whole matrix (margins only, no loss, no
        /// gradient): what the BLAS alone needs for one read of the data. `nil` for sparse data.
        public var blasOnly: Timing?
        /// Kernel best time over baseline best time (1.0 = at the memory-bandwidth floor).
        public var ratio: Double { kernel.best / baseline.best }
        /// Bandwidth of the baseline, GB/s.
        public var baselineGBps: Double { Double(bytes) / baseline.best / 1e9 }
        /// Effective bandwidth of the kernel, GB/s.
        public var kernelGBps: Double { Double(bytes) / kernel.best / 1e9 }
    }

    public var rows: Int
    public var features: Int
    public var runs: Int
    public var seed: UInt64
    /// Rows per kernel block; `nil` for the library's default.
    public var blockRows: Int?

    public init(rows: Int = 1_000_000, features: Int = 100, runs: Int = 5, seed: UInt64 = 1, blockRows: Int? = nil) {
        self.blockRows = blockRows
        self.rows = rows
        self.features = features
        self.runs = runs
        self.seed = seed
    }

    /// Dense logistic gradient (fused kernel) vs stream read.
    public func runDense() -> Result {
        let dataset = SyntheticData.generate(kind: .logistic, rows: rows, features: features, noise: 0, seed: seed)
        return measure(name: "dense logistic gradient \(rows)×\(features)", dataset: dataset) { matrix in
            guard case .dense(let dense) = matrix else { return [] }
            return dense.values
        }
    }

    /// Sparse logistic gradient vs stream read of the CSR arrays' bytes.
    public func runSparse(nonzerosPerRow: Int) -> Result {
        let dataset = SyntheticData.generate(kind: .logistic, rows: rows, features: features,
                                             nonzerosPerRow: nonzerosPerRow, noise: 0, seed: seed)
        return measure(name: "sparse logistic gradient \(rows)×\(features), \(nonzerosPerRow)/row", dataset: dataset) { matrix in
            guard case .sparse(let sparse) = matrix else { return [] }
            // Same byte count as indices + values + offsets, read as floats.
            return [Float](repeating: 1, count: sparse.storageBytes / 4)
        }
    }

    private func measure(name: String, dataset: Dataset, bytesOf: (FeatureMatrix) -> [Float]) -> Result {
        let targets = dataset.labels.map { $0 > 0 ? 1.0 : 0.0 }
        let objective = Objective(unchecked: LogisticLoss(), features: dataset.features, targets: targets)
        var generator = SeededGenerator(seed: seed &+ 1)
        let parameters = (0 ..< objective.parameterCount).map { _ in generator.nextGaussian() * 0.1 }
        var workspace = KernelWorkspace(features: objective.features.columns, outputs: objective.outputs, blockRows: blockRows)
        let stream = bytesOf(dataset.features)
        let (baseline, kernel) = Timing.measurePair(runs: runs, baseline: {
            stream.withUnsafeBufferPointer { blackHole(StreamRead.sum($0)) }
        }, subject: {
            blackHole(objective.evaluate(parameters, rows: 0 ..< dataset.rowCount, workspace: &workspace).lossSum)
        })
        var blasOnly: Timing?
        if case .dense(let matrix) = dataset.features {
            let w = (0 ..< matrix.columns).map { _ in Float(generator.nextGaussian() * 0.1) }
            var out = [Float](repeating: 0, count: matrix.rows)
            blasOnly = Timing.measurePair(runs: runs, baseline: {
                stream.withUnsafeBufferPointer { blackHole(StreamRead.sum($0)) }
            }, subject: {
                matrix.values.withUnsafeBufferPointer { x in
                    out.withUnsafeMutableBufferPointer { y in
                        BLAS.multiply(x.baseAddress!, rows: matrix.rows, columns: matrix.columns, w, into: y.baseAddress!)
                    }
                }
                blackHole(out[0])
            }).subject
        }
        return Result(name: name, bytes: stream.count * 4, baseline: baseline, kernel: kernel, blasOnly: blasOnly)
    }
}
