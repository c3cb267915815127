// Microbenchmarks of ShardTrain's hot loops, each next to a stream read of the same number of
// bytes measured in the same run: "X / stream read" says how far a kernel is from the machine's
// memory bandwidth. Thresholds in ../../Thresholds catch regressions:
//   swift package benchmark thresholds check
import Benchmark
import BenchmarkKit
import ShardTrain

/// A float array of `bytes` bytes to stream-read.
private func streamBytes(_ bytes: Int) -> [Float] { [Float](repeating: 1, count: max(1, bytes / 4)) }

private func streamRead(_ values: [Float]) {
    values.withUnsafeBufferPointer { BenchmarkKit.blackHole(StreamRead.sum($0)) }
}

/// A full logistic gradient over `data`, and a stream read of the same number of bytes.
private func gradientPair(_ name: String, _ data: Dataset) {
    let objective = try! Objective(loss: LogisticLoss(), features: data.features, targets: data.labels.map { $0 > 0 ? 1 : 0 })
    let parameters = [Double](repeating: 0.01, count: objective.parameterCount)
    let stream = streamBytes(data.features.storageBytes)
    Benchmark(name) { benchmark in
        var workspace = objective.makeWorkspace()
        for _ in benchmark.scaledIterations {
            BenchmarkKit.blackHole(objective.evaluate(parameters, rows: 0 ..< data.rowCount, workspace: &workspace).lossSum)
        }
    }
    Benchmark("\(name)_stream_read") { benchmark in
        for _ in benchmark.scaledIterations { streamRead(stream) }
    }
}

let benchmarks: @Sendable () -> Void = {
    BLASRuntime.setThreadCount(1)
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput],
        warmupIterations: 2,
        maxDuration: .seconds(2),
        maxIterations: 200,
        // Wall-clock on shared machines varies by ±20 %: flag a p90 40 % above the recorded one.
        // Names use only letters, digits and underscores: they are threshold file names.
        thresholds: [.wallClock: .init(relative: [.p90: 40.0])]
    )

    // Fused logistic gradients: dense 200,000 × 100 float32 (80 MB), and sparse 200,000 ×
    // 10,000 with 20 nonzeros a row (CSR).
    gradientPair("dense_gradient_200k_x_100", SyntheticData.generate(kind: .logistic, rows: 200_000, features: 100, noise: 0, seed: 1))
    gradientPair("sparse_gradient_200k_x_10k_20_per_row",
                 SyntheticData.generate(kind: .logistic, rows: 200_000, features: 10_000, nonzerosPerRow: 20, noise: 0, seed: 2))

    // The reduce: four workers' contributions of 1,000,000 parameters summed in rank order.
    let parts = (0 ..< 4).map { rank in
        PartialEvaluation(lossSum: Double(rank), gradient: [Double](repeating: Double(rank) + 0.5, count: 1_000_000), weightSum: 1)
    }
    let reduceStream = streamBytes(4 * 1_000_000 * 8)
    Benchmark("reduce_4_x_1M_gradients") { benchmark in
        for _ in benchmark.scaledIterations { BenchmarkKit.blackHole(AggregationRule.sumInRankOrder.combine(parts).lossSum) }
    }
    Benchmark("reduce_4_x_1M_gradients_stream_read") { benchmark in
        for _ in benchmark.scaledIterations { streamRead(reduceStream) }
    }

    // Parsing LIBSVM text: 50,000 rows of 30 features out of 1,000.
    let textRows = SyntheticData.generate(kind: .logistic, rows: 50_000, features: 1_000, nonzerosPerRow: 30, noise: 0, seed: 3)
    let text = String(decoding: LIBSVMWriter.encode(textRows), as: UTF8.self)
    let textStream = streamBytes(text.utf8.count)
    Benchmark("parse_libsvm_50k_rows") { benchmark in
        for _ in benchmark.scaledIterations {
            BenchmarkKit.blackHole(try LIBSVMReader(featureCount: 1_000).parse(text: text).rowCount)
        }
    }
    Benchmark("parse_libsvm_50k_rows_stream_read") { benchmark in
        for _ in benchmark.scaledIterations { streamRead(textStream) }
    }

    // Int8 inference: 20,000 × 1,000 pre-quantized rows (20 MB) against a 1,000-weight model.
    let batch = SyntheticData.generate(kind: .logistic, rows: 20_000, features: 1_000, noise: 0, seed: 4)
    let model = LinearModel(kind: .logistic, featureCount: 1_000, weights: (0 ..< 1_000).map { Double($0 % 7) - 3 },
                            intercepts: [0.5], classes: [-1, 1], standardization: nil,
                            summary: TrainingSummary(optimizer: "none", iterations: 0, passes: 0, stopReason: .maxIterations,
                                                     objective: 0, objectiveHistory: [], gradientNorm: 0, trainSeconds: 0))
    if let int8 = try? Quantization(inputCalibration: .minMax).apply(to: model, calibration: batch.features),
       let input = int8.quantization?.input, case .dense(let matrix) = batch.features {
        let quantized = QuantizedMatrix(quantizing: matrix, with: input)
        let int8Stream = streamBytes(quantized.storageBytes)
        Benchmark("int8_margins_20k_x_1k") { benchmark in
            for _ in benchmark.scaledIterations { BenchmarkKit.blackHole(try int8.margins(quantized: quantized).count) }
        }
        Benchmark("int8_margins_20k_x_1k_stream_read") { benchmark in
            for _ in benchmark.scaledIterations { streamRead(int8Stream) }
        }
    }
}
