import ShardTrain

/// Int8 against float32 inference on one dense batch, measured alternately in the same run.
///
/// The model is a logistic model fitted on a sample of the batch, then quantized (per-tensor
/// int8 weights, int8 inputs calibrated min-max on the batch). Three timings:
/// - float32: ``LinearModel/margins(_:)`` of the float model on the float batch (BLAS `sgemv`);
/// - int8: ``LinearModel/margins(quantized:)`` on the batch already quantized (a quarter of the
///   bytes), int8 × int8 → int32 dot products;
/// - int8 end to end: ``LinearModel/margins(_:)`` of the quantized model on the float batch,
///   which quantizes every row before scoring it.
public struct Int8InferenceBenchmark: Sendable {
    /// The timings of one run.
    public struct Result: Sendable {
        public var float32: Timing
        public var int8: Timing
        public var int8EndToEnd: Timing
        /// Largest |Δ margin| between the int8 and float32 models on the batch.
        public var largestMarginChange: Double
        /// int8 best time over float32 best time (below 1: int8 is faster).
        public var ratio: Double { int8.best / float32.best }
        /// int8 end-to-end best time over float32 best time.
        public var endToEndRatio: Double { int8EndToEnd.best / float32.best }
    }

    public var rows: Int
    public var features: Int
    public var runs: Int
    public var seed: UInt64

    public init(rows: Int = 100_000, features: Int = 1_000, runs: Int = 5, seed: UInt64 = 1) {
        self.rows = rows
        self.features = features
        self.runs = runs
        self.seed = seed
    }

    /// Generates the batch, fits and quantizes the model, and times the three paths.
    public func run() throws -> Result {
        let data = SyntheticData.generate(kind: .logistic, rows: rows, features: features, noise: 0, seed: seed)
        let sample = Dataset(uncheckedFeatures: data.features.rows(at: Array(0 ..< min(rows, 5_000))),
                             labels: Array(data.labels.prefix(5_000)))
        var configuration = TrainingConfiguration(kind: .logistic)
        configuration.maxIterations = 20
        let model = try Trainer(configuration).fit(sample)
        let quantized = try Quantization(inputCalibration: .minMax).apply(to: model, calibration: data.features)
        guard case .dense(let matrix) = data.features, let input = quantized.quantization?.input else {
            throw TrainingError(.badData, "the benchmark needs a dense batch")
        }
        let batch = QuantizedMatrix(quantizing: matrix, with: input)
        var floatMargins: [Double] = [], int8Margins: [Double] = []
        let (float32, int8) = Timing.measurePair(runs: runs, baseline: {
            floatMargins = (try? model.margins(data.features)) ?? []
        }, subject: {
            int8Margins = (try? quantized.margins(quantized: batch)) ?? []
        })
        let endToEnd = Timing.measure(runs: runs) { blackHole(try? quantized.margins(data.features)) }
        let change = zip(floatMargins, int8Margins).map { abs($0 - $1) }.max() ?? .nan
        return Result(float32: float32, int8: int8, int8EndToEnd: endToEnd, largestMarginChange: change)
    }
}
