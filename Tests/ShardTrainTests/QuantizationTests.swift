import Foundation
import Testing
import TestSupport
@testable import ShardTrain

/// Int8 quantization: levels and scales, input calibration, the int8 kernel against a scalar
/// reference, and composition with pruning.
@Suite struct QuantizationTests {
    @Test func perTensorLevelsAndScale() {
        let q = QuantizedWeights(quantizing: [0.5, -1.27, 0, 0.254], outputs: 1, granularity: .perTensor)
        #expect(q.scales == [Float(1.27 / 127)])
        #expect(q.values == [50, -127, 0, 25])
        #expect(q.dequantized(featureCount: 4) == [50, -127, 0, 25].map { Double(Float(1.27 / 127)) * $0 })
    }

    @Test func perChannelLevelsAndScales() {
        let q = QuantizedWeights(quantizing: [1, -0.25, 0.02, 0.005], outputs: 2, granularity: .perChannel)
        #expect(q.scales == [Float(1.0 / 127), Float(0.02 / 127)])
        #expect(q.values == [127, -32, 127, 32])
        #expect(q.granularity == .perChannel)
        // A row of zeros gets scale 1 (a scale must be positive) and zero levels.
        let zeros = QuantizedWeights(quantizing: [0, 0, 3, -3], outputs: 2, granularity: .perChannel)
        #expect(zeros.scales == [1, Float(3.0 / 127)])
        #expect(zeros.values == [0, 0, 127, -127])
    }

    /// Coefficients 1000, 1 and 0.01 on features with deviations 0.001, 1 and 100 are all 1 in
    /// the standardized space: one scale fits them there, while on the original scale the two
    /// small ones round to 0.
    @Test func standardizedSpaceKeepsSmallCoefficients() throws {
        let standardization = Standardization(means: [0, 5, -3], scales: [0.001, 1, 100])
        let model = LinearModel(kind: .linear, featureCount: 3, weights: [1000, 1, 0.01], intercepts: [2], classes: [],
                                standardization: standardization, summary: ModelFileSamples.summary)
        let standardized = try Quantization().apply(to: model)
        let q = try #require(standardized.quantization)
        #expect(q.standardization == standardization)
        #expect(q.values == [127, 127, 127] && q.scales == [Float(1.0 / 127)])
        for (got, want) in zip(standardized.weights, model.weights) { #expect(abs(got / want - 1) < 1e-6) }
        let original = try Quantization(space: .original).apply(to: model)
        #expect(original.quantization?.values == [127, 0, 0])
        let plain = LinearModel(kind: .linear, featureCount: 3, weights: [1, 2, 3], intercepts: [0], classes: [],
                                standardization: nil, summary: ModelFileSamples.summary)
        #expect(throws: TrainingError.self) { try Quantization(space: .standardized).apply(to: plain) }
    }

    /// Int8 inputs of a standardized model: each level is that of `(x − m) / σ`, the kernel
    /// folds `Σ W·m` into the intercept, and dense, sparse and pre-quantized rows agree with the
    /// definition.
    @Test func standardizedInt8InputsMatchTheDefinition() throws {
        let (base, matrix) = Self.sample()
        var generator = SeededGenerator(seed: 5)
        let standardization = Standardization(means: (0 ..< 70).map { _ in generator.nextGaussian() },
                                              scales: (0 ..< 70).map { _ in 0.1 + abs(generator.nextGaussian()) * 10 })
        let model = LinearModel(kind: .softmax, featureCount: 70, weights: base.weights, intercepts: base.intercepts,
                                classes: base.classes, standardization: standardization, summary: base.summary)
        let quantized = try Quantization(granularity: .perChannel, inputCalibration: .minMax).apply(to: model, calibration: .dense(matrix))
        let q = try #require(quantized.quantization)
        let input = try #require(q.input)
        #expect(input.standardization == standardization)
        var reference = [Double]()
        for i in 0 ..< 50 {
            for k in 0 ..< 3 {
                var sum = 0.0, shift = 0.0
                for j in 0 ..< 70 {
                    let u = (Double(matrix[i, j]) - standardization.means[j]) / standardization.scales[j]
                    let level = Double(input.quantize(Float(u))) - Double(input.zeroPoint)
                    sum += Double(q.values[k * 70 + j]) * level
                    shift += quantized.weights[k * 70 + j] * standardization.means[j]
                }
                reference.append(Double(q.scales[k]) * Double(input.scale) * sum + model.intercepts[k] + shift)
            }
        }
        let dense = try quantized.margins(.dense(matrix))
        let sparse = try quantized.margins(.sparse(matrix.sparsified()))
        let preQuantized = try quantized.margins(quantized: QuantizedMatrix(quantizing: matrix, with: input))
        var levelsDiffer = 0
        for (index, expected) in reference.enumerated() {
            // The kernel folds (x − m)/σ into one float32 multiply-add per value; where that
            // lands on the other side of a rounding boundary the level differs by one step.
            if abs(dense[index] - expected) > 1e-9 * max(1, abs(expected)) { levelsDiffer += 1 }
            #expect(abs(dense[index] - expected) <= 0.05, "margin \(index): \(dense[index]) vs \(expected)")
        }
        #expect(levelsDiffer <= 3)
        for (a, b) in zip(sparse, dense) { #expect(abs(a - b) <= 1e-9 * max(1, abs(b))) }
        #expect(preQuantized == dense)
        // Against the float model: the worst-case rounding bound of the standardized space,
        // Σⱼ (s_k/2·|uⱼ| + |w′ⱼ|·s_x/2 + s_k·s_x/4) with w′ = W·σ (plus float32 noise).
        let float = try model.margins(.dense(matrix))
        for i in 0 ..< 50 {
            for k in 0 ..< 3 {
                let sk = Double(q.scales[k]), sx = Double(input.scale)
                var bound = 0.0
                for j in 0 ..< 70 {
                    let u: Double = (Double(matrix[i, j]) - standardization.means[j]) / standardization.scales[j]
                    let w: Double = abs(model.weights[k * 70 + j] * standardization.scales[j])
                    bound += sk / 2 * abs(u) + w * sx / 2 + sk * sx / 4
                }
                #expect(abs(float[i * 3 + k] - dense[i * 3 + k]) <= bound + 1e-4, "row \(i) output \(k)")
            }
        }
    }

    @Test func minMaxCalibrationMapsZeroExactly() throws {
        let features = FeatureMatrix.dense(try DenseMatrix(rows: 1, columns: 3, values: [-1, 0, 3]))
        let input = try InputQuantization(calibratingOn: features, method: .minMax)
        #expect(input.scale == Float(4.0 / 255))
        #expect(input.zeroPoint == -64)   // round(−128 + 1 / (4/255)) = round(−64.25)
        #expect(input.quantize(0) == -64)
        #expect(input.quantize(3) == 127)
        #expect(input.quantize(-1) == -128)
        #expect(input.quantize(1000) == 127 && input.quantize(-1000) == -128)
        // Percentile 99 of 0 … 100 is 99; the lower end (1) is widened to 0.
        let ramp = FeatureMatrix.dense(try DenseMatrix(rows: 1, columns: 101, values: (0 ... 100).map(Float.init)))
        let robust = try InputQuantization(calibratingOn: ramp, method: .percentile(99))
        #expect(robust.scale == Float(99.0 / 255))
        #expect(robust.zeroPoint == -128)
        #expect(throws: TrainingError.self) { try InputQuantization(calibratingOn: ramp, method: .percentile(40)) }
    }

    @Test(arguments: [0, 1, 31, 32, 33, 100, 1000, 4099, 200_000])
    func int8DotIsExact(count: Int) {
        var generator = SeededGenerator(seed: UInt64(count + 1))
        var a = (0 ..< count).map { _ in Int8(truncatingIfNeeded: generator.next()) }
        let b = (0 ..< count).map { _ in Int8(truncatingIfNeeded: generator.next()) }
        if count > 0 { a[0] = -128 }
        let reference = zip(a, b).reduce(Int64(0)) { $0 + Int64($1.0) * Int64($1.1) }
        let wide = a.map(Int16.init)
        let dot = wide.withUnsafeBufferPointer { ap in
            b.withUnsafeBufferPointer { bp in Int8Dot.longDot(ap.baseAddress!, bp.baseAddress!, count: count) }
        }
        #expect(dot == reference)
        // All −128: the largest products, still exact.
        let extreme = [Int8](repeating: -128, count: count)
        let extremeWide = extreme.map(Int16.init)
        let extremeDot = extremeWide.withUnsafeBufferPointer { wp in
            extreme.withUnsafeBufferPointer { p in Int8Dot.longDot(wp.baseAddress!, p.baseAddress!, count: count) }
        }
        #expect(extremeDot == Int64(count) * 16_384)
    }

    /// A softmax model of 3 classes × 70 features and 50 rows of values in [−2, 3].
    private static func sample() -> (LinearModel, DenseMatrix) {
        var generator = SeededGenerator(seed: 11)
        let weights = (0 ..< 210).map { _ in generator.nextGaussian() }
        let model = LinearModel(kind: .softmax, featureCount: 70, weights: weights, intercepts: [0.5, -0.25, 0.1],
                                classes: [0, 1, 2], standardization: nil, summary: ModelFileSamples.summary)
        let values = (0 ..< 50 * 70).map { i in i % 5 == 0 ? 0 : Float(Double(generator.next() >> 11) / 0x1p53 * 5 - 2) }
        return (model, try! DenseMatrix(rows: 50, columns: 70, values: values))
    }

    @Test func int8MarginsMatchAScalarReferenceForDenseSparseAndPreQuantizedRows() throws {
        let (model, matrix) = Self.sample()
        let quantized = try Quantization(granularity: .perChannel, inputCalibration: .minMax).apply(to: model, calibration: .dense(matrix))
        let q = try #require(quantized.quantization)
        let input = try #require(q.input)
        var reference = [Double]()
        for i in 0 ..< 50 {
            for k in 0 ..< 3 {
                var sum = 0
                for j in 0 ..< 70 {
                    sum += Int(q.values[k * 70 + j]) * (Int(input.quantize(matrix[i, j])) - Int(input.zeroPoint))
                }
                reference.append(Double(q.scales[k]) * Double(input.scale) * Double(sum) + model.intercepts[k])
            }
        }
        let dense = try quantized.margins(.dense(matrix))
        let sparse = try quantized.margins(.sparse(matrix.sparsified()))
        let preQuantized = try quantized.margins(quantized: QuantizedMatrix(quantizing: matrix, with: input))
        for (index, expected) in reference.enumerated() {
            #expect(abs(dense[index] - expected) <= 1e-12 * max(1, abs(expected)))
        }
        #expect(sparse == dense)
        #expect(preQuantized == dense)
        // Against the float model: each margin moves by at most the worst-case rounding bound
        // Σⱼ (s_k/2·|xⱼ| + |wⱼ|·s_x/2 + s_k·s_x/4) (plus float32 noise).
        let float = try model.margins(.dense(matrix))
        for i in 0 ..< 50 {
            for k in 0 ..< 3 {
                let sk = Double(q.scales[k]), sx = Double(input.scale)
                let bound = (0 ..< 70).map { j in
                    sk / 2 * Double(abs(matrix[i, j])) + abs(model.weights[k * 70 + j]) * sx / 2 + sk * sx / 4
                }.reduce(0, +)
                #expect(abs(float[i * 3 + k] - dense[i * 3 + k]) <= bound + 1e-4, "row \(i) output \(k)")
            }
        }
    }

    @Test func preQuantizedBatchMustUseTheModelsParameters() throws {
        let (model, matrix) = Self.sample()
        let quantized = try Quantization(inputCalibration: .minMax).apply(to: model, calibration: .dense(matrix))
        let other = QuantizedMatrix(quantizing: matrix, with: InputQuantization(scale: 0.5, zeroPoint: 0))
        #expect(throws: TrainingError.self) { try quantized.margins(quantized: other) }
        let weightOnly = try Quantization().apply(to: model)
        #expect(throws: TrainingError.self) { try weightOnly.margins(quantized: other) }
        #expect(throws: TrainingError.self) { try Quantization(inputCalibration: .minMax).apply(to: model) }
    }

    @Test func pruningAndQuantizationComposeInEitherOrder() throws {
        let (model, _) = Self.sample()
        let pruning = try Pruning(.sparsity(0.8))
        let prunedFirst = try Quantization(granularity: .perChannel).apply(to: pruning.apply(to: model))
        let quantizedFirst = pruning.apply(to: try Quantization(granularity: .perChannel).apply(to: model))
        let pruned = pruning.apply(to: model)
        for result in [prunedFirst, quantizedFirst] {
            let q = try #require(result.quantization)
            #expect(result.weights.count(where: { $0 == 0 }) == 168)   // round(0.8 × 210)
            #expect(q.values.count(where: { $0 == 0 }) == 168)
            #expect(zip(q.values, result.weights).allSatisfy { ($0 == 0) == ($1 == 0) })
            #expect(result.weights == q.dequantized(featureCount: 70))
        }
        // Pruning first: the zeros are exactly the pruned positions.
        #expect(zip(pruned.weights, prunedFirst.weights).allSatisfy { ($0 == 0) == ($1 == 0) })
        // Quantizing first keeps the scales (the largest weights survive either way).
        #expect(quantizedFirst.quantization?.scales == prunedFirst.quantization?.scales)
    }

    @Test func recordsTheStepAndTheMetricsAfterIt() throws {
        let (model, matrix) = Self.sample()
        let labels = try model.predict(.dense(matrix))
        let data = try Dataset(features: .dense(matrix), labels: labels)
        let quantized = try Quantization(inputCalibration: .percentile(99.9)).apply(to: model, calibration: .dense(matrix), evaluation: data)
        let record = try #require(quantized.metadata[Quantization.metadataKey])
        let json = try #require(try JSONSerialization.jsonObject(with: Data(record.utf8)) as? [String: Any])
        #expect(json["scheme"] as? String == "symmetric-int8")
        #expect(json["granularity"] as? String == "per-tensor")
        #expect(json["calibration"] as? String == "percentile")
        #expect(json["percentile"] as? Double == 99.9)
        #expect(json["calibration_rows"] as? Int == 50)
        guard case .classification(let metrics) = try quantized.evaluate(data) else { Issue.record("not a classifier"); return }
        let stored = try #require(json["metrics"] as? [String: Any])
        #expect(stored["accuracy"] as? Double == metrics.accuracy)
        let topLevel = try JSONSerialization.jsonObject(with: Data((quantized.metadata["metrics"] ?? "").utf8)) as? [String: Any]
        #expect(topLevel?["accuracy"] as? Double == metrics.accuracy)
    }
}
