import Foundation
import Testing
import TestSupport
@testable import ShardTrain

/// Quantized models in the model file (format version 3): round trips, layout, and how
/// broken files are reported.
@Suite struct QuantizedModelFileTests {
    /// The sample softmax model (3 × 4), per-channel int8 with int8 inputs.
    private static func quantizedSoftmax() throws -> LinearModel {
        let features = FeatureMatrix.dense(try DenseMatrix(rows: 2, columns: 4, values: [-1, 0, 2, 3, 0.5, 1, 0, -0.25]))
        return try Quantization(granularity: .perChannel, inputCalibration: .minMax)
            .apply(to: ModelFileSamples.softmax(standardized: true, metadata: ModelFileSamples.metadata), calibration: features)
    }

    private func decode(_ bytes: [UInt8]) throws(ModelFileError) -> LinearModel {
        try ModelFile.decode(bytes, source: "int8.safetensors")
    }

    @Test func roundTripKeepsLevelsScalesAndInputQuantization() throws {
        let model = try Self.quantizedSoftmax()
        let bytes = try ModelFile.encode(model)
        let file = try SafeTensorsFile(decoding: bytes, source: "m")
        #expect(file.metadata["format_version"] == "3")
        #expect(file.metadata["weight_dtype"] == "I8")
        #expect(file["weight"]?.dtype == .int8 && file["weight"]?.shape == [3, 4])
        #expect(file["weight_scale"]?.shape == [3])
        #expect(file["input_scale"]?.shape == [] && file["input_zero_point"]?.dtype == .int8)
        // The sample is standardized: levels and inputs are in that space, which costs no tensor.
        #expect(file.metadata["weight_space"] == "standardized")
        #expect(model.quantization?.standardization == model.standardization && model.quantization?.input?.standardization != nil)
        let loaded = try decode(bytes)
        #expect(loaded.quantization == model.quantization)
        #expect(loaded.weights == model.weights)
        #expect(loaded.metadata == model.metadata)
        #expect(try ModelFile.encode(loaded) == bytes)
        // Per-tensor, weight only: a scalar scale and no input tensors.
        let perTensor = try Quantization().apply(to: ModelFileSamples.logistic())
        let plain = try SafeTensorsFile(decoding: ModelFile.encode(perTensor), source: "m")
        #expect(plain["weight_scale"]?.shape == [])
        #expect(plain["input_scale"] == nil)
        #expect(plain.metadata["weight_space"] == nil)
        #expect(try decode(ModelFile.encode(perTensor)).quantization == perTensor.quantization)
    }

    @Test func sparseInt8WhenSmaller() throws {
        // 200 weights, 10 non-zero: 10 × (2 + 1) bytes against 200.
        let weights = (0 ..< 200).map { $0 % 20 == 3 ? Double($0) / 50 - 2 : 0 }
        let model = try Quantization().apply(to: LinearModel(kind: .linear, featureCount: 200, weights: weights, intercepts: [1],
                                                             classes: [], standardization: nil, summary: ModelFileSamples.summary))
        let file = try ModelFile.container(for: model)
        #expect(file.metadata["weight_storage"] == "sparse" && file.metadata["format_version"] == "3")
        #expect(file["weight_indices"]?.dtype == .uint16 && file["weight_values"]?.dtype == .int8)
        #expect(file["weight_values"]?.shape == [10])
        let loaded = try decode(try ModelFile.encode(model))
        #expect(loaded.quantization == model.quantization)
        #expect(loaded.weights == model.weights)
    }

    private func tampered(metadata: [String: String?] = [:], tensors: [String: SafeTensorsFile.Tensor?] = [:]) throws -> [UInt8] {
        try ModelFileSamples.tampered(Self.quantizedSoftmax(), metadata: metadata, tensors: tensors)
    }

    @Test func badWeightSpaceIsReported() throws {
        let bogus = try tampered(metadata: ["weight_space": "logarithmic"])
        expectModelFileError(.badMetadata, "weight_space is \"logarithmic\", expected original or standardized") { () throws(ModelFileError) in
            _ = try decode(bogus)
        }
        let noStandardization = try tampered(tensors: ["feature_mean": nil, "feature_scale": nil])
        expectModelFileError(.inconsistent, "weight_space is \"standardized\" but the file has no feature_mean and feature_scale") {
            () throws(ModelFileError) in _ = try decode(noStandardization)
        }
        let float = try ModelFileSamples.tampered(ModelFileSamples.softmax(standardized: true), metadata: ["weight_space": "standardized"])
        expectModelFileError(.inconsistent, "weight_space is \"standardized\" but weight_dtype is not I8") { () throws(ModelFileError) in
            _ = try decode(float)
        }
        // Levels in the original space of a standardized model read back as such.
        let original = try Quantization(space: .original).apply(to: ModelFileSamples.softmax(standardized: true))
        #expect(try decode(ModelFile.encode(original)).quantization == original.quantization)
        #expect(original.quantization?.standardization == nil)
    }

    @Test func badScalesAreReported() throws {
        let cases: [(SafeTensorsFile.Tensor, ModelFileError.Code, String)] = [
            (.init(floats: [0.1, 0.2]), .inconsistent, "weight_scale\" has shape [2] (2 scales), expected [] or [3]"),
            (.init(floats: [0.1, 0, 0.2]), .inconsistent, "weight_scale holds 0.0 at index 1, expected positive scales"),
            (.init(floats: [0.1, 0.2, -1]), .inconsistent, "weight_scale holds -1.0 at index 2, expected positive scales"),
            (.init(floats: [.nan, 0.2, 0.3]), .nonFinite, "weight_scale holds nan at index 0"),
            (.init(doubles: [0.1, 0.2, 0.3]), .badTensor, "found dtype F64, expected F32"),
        ]
        for (tensor, code, phrase) in cases {
            let bytes = try tampered(tensors: ["weight_scale": tensor])
            expectModelFileError(code, phrase) { () throws(ModelFileError) in _ = try decode(bytes) }
        }
        let missing = try tampered(tensors: ["weight_scale": nil])
        expectModelFileError(.badTensor, "missing tensor \"weight_scale\"") { () throws(ModelFileError) in _ = try decode(missing) }
        let zeroInput = try tampered(tensors: ["input_scale": .init(floats: [0], shape: [])])
        expectModelFileError(.inconsistent, "input_scale holds 0.0") { () throws(ModelFileError) in _ = try decode(zeroInput) }
        let onlyScale = try tampered(tensors: ["input_zero_point": nil])
        expectModelFileError(.inconsistent, "found only one of input_scale and input_zero_point") { () throws(ModelFileError) in
            _ = try decode(onlyScale)
        }
    }

    @Test func badWeightTensorsAreReported() throws {
        let wrongShape = try tampered(tensors: ["weight": .init(int8s: [Int8](repeating: 1, count: 9), shape: [3, 3])])
        expectModelFileError(.inconsistent, "tensor \"weight\" has shape [3, 3], expected [3, 4]") { () throws(ModelFileError) in
            _ = try decode(wrongShape)
        }
        let floatWeights = try tampered(tensors: ["weight": .init(floats: [Float](repeating: 1, count: 12), shape: [3, 4])])
        expectModelFileError(.badTensor, "found dtype F32, expected I8") { () throws(ModelFileError) in _ = try decode(floatWeights) }
        let oldVersion = try tampered(metadata: ["format_version": "2"])
        expectModelFileError(.badTensor, "unexpected tensor \"input_scale\" in a format_version 2 file") { () throws(ModelFileError) in
            _ = try decode(oldVersion)
        }
        let unknownDType = try tampered(metadata: ["weight_dtype": "I4"])
        expectModelFileError(.badMetadata, "weight_dtype is \"I4\", expected F32 or I8") { () throws(ModelFileError) in
            _ = try decode(unknownDType)
        }
        // A float file that carries a scale, and a quantized file written as version 4.
        let floatWithScale = try ModelFileSamples.tampered(ModelFileSamples.softmax(), metadata: ["format_version": "3"],
                                                           tensors: ["weight_scale": .init(floats: [1], shape: [])])
        expectModelFileError(.inconsistent, "holds \"weight_scale\" but weight_dtype is not I8") { () throws(ModelFileError) in
            _ = try decode(floatWithScale)
        }
        let future = try tampered(metadata: ["format_version": "4"])
        expectModelFileError(.unsupportedVersion, "this reader supports version 1, 2, 3") { () throws(ModelFileError) in
            _ = try decode(future)
        }
    }

    @Test func truncatedQuantizedFilesAreReported() throws {
        let bytes = try ModelFile.encode(try Self.quantizedSoftmax())
        let cases = [(4, "a safetensors file starts with an 8-byte header length"), (20, "but only 12 bytes follow"),
                     (bytes.count - 1, "but the buffer has only")]
        for (length, phrase) in cases {
            expectModelFileError(.truncated, phrase) { () throws(ModelFileError) in _ = try decode(Array(bytes.prefix(length))) }
        }
    }

    @Test func wrongKindIsReported() throws {
        let path = Fixtures.scratchDirectory("int8-kind") + "/m.safetensors"
        try ModelFile.write(try Self.quantizedSoftmax(), to: path)
        expectModelFileError(.wrongKind, "model_kind is softmax, expected logistic") { () throws(ModelFileError) in
            _ = try ModelFile.read(from: path, expecting: .logistic)
        }
    }
}
