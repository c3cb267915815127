import Foundation
import Testing
import TestSupport
@testable import ShardTrain

/// The acceptance figures of int8 quantization on the bundled datasets (issue #4, item 3).
@Suite struct QuantizationAcceptanceTests {
    /// Measured on a9a.t (16 281 rows): dense 0.849764, per-tensor int8 0.849825 (+0.006 point,
    /// with or without int8 inputs); 90 % pruned with fine-tuning 0.831091, then int8 0.831091
    /// (the pruning drop, −1.87 points, is unchanged by quantization). Checked to ±0.0005.
    /// Weight tensors: 492 bytes dense F32, 127 int8 (0.26×), 40 pruned + int8 (0.081×).
    @Test func a9aPerTensorInt8() throws {
        let (train, test) = try Datasets.a9a()
        let dense = try Trainer(TrainingConfiguration(kind: .logistic)).fit(train)
        let weightOnly = try Quantization().apply(to: dense)
        let withInputs = try Quantization(inputCalibration: .minMax).apply(to: dense, calibration: train.features)
        let pruned = try FineTuning(maxIterations: 100).refit(Pruning(.sparsity(0.9)).apply(to: dense), on: train)
        let prunedInt8 = try Quantization(inputCalibration: .minMax).apply(to: pruned, calibration: train.features)
        let (a, b, c) = (try accuracy(dense, test), try accuracy(weightOnly, test), try accuracy(withInputs, test))
        let (d, e) = (try accuracy(pruned, test), try accuracy(prunedInt8, test))
        #expect(abs(a - 0.849764) < 0.0005, "dense \(a)")
        #expect(abs(b - 0.849825) < 0.0005, "int8 \(b)")
        #expect(abs(c - 0.849825) < 0.0005, "int8 with int8 inputs \(c)")
        #expect(a - b <= 0.001, "per-tensor int8 drops at most 0.1 point")
        #expect(abs(d - 0.831091) < 0.0005, "pruned \(d)")
        #expect(abs(e - 0.831091) < 0.0005, "pruned + int8 \(e)")
        #expect(try weightBytes(dense) == 492)
        #expect(try weightBytes(weightOnly) == 127)
        #expect(try weightBytes(prunedInt8) == 40)
        #expect(prunedInt8.weights.count(where: { $0 == 0 }) == pruned.weights.count(where: { $0 == 0 }))
    }

    /// Measured on dna.scale.t (1 186 rows): dense 0.947723, per-channel int8 0.947723, also
    /// with int8 inputs (the features are 0/1: exact levels). Weight tensors 2 160 → 552 bytes.
    @Test func dnaPerChannelInt8() throws {
        let (train, test) = try Datasets.dna()
        let dense = try Trainer(TrainingConfiguration(kind: .softmax)).fit(train)
        let perChannel = try Quantization(granularity: .perChannel).apply(to: dense)
        let inputs = try Quantization(granularity: .perChannel, inputCalibration: .minMax).apply(to: dense, calibration: train.features)
        let (a, b, c) = (try accuracy(dense, test), try accuracy(perChannel, test), try accuracy(inputs, test))
        #expect(abs(a - 0.947723) < 0.0005, "dense \(a)")
        #expect(abs(b - 0.947723) < 0.0005, "per-channel \(b)")
        #expect(abs(c - 0.947723) < 0.0005, "with inputs \(c)")
        #expect(try weightBytes(dense) == 2160)
        #expect(try weightBytes(perChannel) == 552)
    }

    /// cal_housing (exact least squares, RMSE on the 20 640 training rows): dense 69 513.46,
    /// per-tensor int8 weights 74 326.74 (+6.92 %, the 1 % target is NOT met): the
    /// coefficients on the original scale span 8.2 (total_rooms) to 42 824 (longitude), so the
    /// four smallest round to 0. int8 inputs with one scale for all features (population up to
    /// 35 682 next to incomes of 0.5–15) are unusable: RMSE 2 825 614 (min-max), 269 921
    /// (99.99th percentile). Checked to ±0.1 %.
    @Test func calHousingInt8() throws {
        let data = try Datasets.calHousing()
        var configuration = TrainingConfiguration(kind: .linear)
        configuration.l2Penalty = 0
        configuration.optimizer = .exact
        let dense = try Trainer(configuration).fit(data)
        let int8 = try Quantization().apply(to: dense)
        let inputs = try Quantization(inputCalibration: .minMax).apply(to: dense, calibration: data.features)
        let (a, b, c) = (try rmse(dense, data), try rmse(int8, data), try rmse(inputs, data))
        #expect(abs(a / 69_513.46 - 1) < 1e-3, "dense \(a)")
        #expect(abs(b / 74_326.74 - 1) < 1e-3, "int8 \(b)")
        #expect(abs(c / 2_825_614 - 1) < 1e-3, "int8 inputs \(c)")
        #expect(int8.weights.count(where: { $0 == 0 }) == 4)
    }

    private func weightBytes(_ model: LinearModel) throws -> Int {
        let file = try SafeTensorsFile(decoding: ModelFile.encode(model), source: "memory")
        return file.tensors.filter { $0.key.hasPrefix("weight") }.map(\.value.bytes.count).reduce(0, +)
    }

    private func accuracy(_ model: LinearModel, _ data: Dataset) throws -> Double {
        guard case .classification(let metrics) = try model.evaluate(data) else { return .nan }
        return metrics.accuracy
    }

    private func rmse(_ model: LinearModel, _ data: Dataset) throws -> Double {
        guard case .regression(let metrics) = try model.evaluate(data) else { return .nan }
        return metrics.rmse
    }
}
