import Foundation
import Testing
import TestSupport
@testable import ShardTrain

@Suite struct ModelFileRoundTripTests {
    static let models: [(String, LinearModel)] = [
        ("linear", ModelFileSamples.linear()),
        ("linear standardized", ModelFileSamples.linear(standardized: true)),
        ("logistic", ModelFileSamples.logistic()),
        ("logistic standardized with metadata", ModelFileSamples.logistic(standardized: true, metadata: ModelFileSamples.metadata)),
        ("softmax", ModelFileSamples.softmax(metadata: ModelFileSamples.metadata)),
        ("softmax standardized", ModelFileSamples.softmax(standardized: true)),
    ]

    @Test(arguments: 0 ..< models.count)
    func roundTripInMemory(index: Int) throws {
        let (label, model) = Self.models[index]
        let loaded = try ModelFile.decode(ModelFile.encode(model), source: label)
        expectSameModel(loaded, model)
    }

    @Test(arguments: 0 ..< models.count)
    func roundTripThroughFile(index: Int) throws {
        let (_, model) = Self.models[index]
        let path = Fixtures.scratchDirectory("modelfile") + "/model.safetensors"
        try ModelFile.write(model, to: path)
        expectSameModel(try ModelFile.read(from: path), model)
        expectSameModel(try ModelFile.read(from: path, expecting: model.kind), model)
    }

    @Test func encodingIsDeterministic() throws {
        let model = ModelFileSamples.softmax(standardized: true, metadata: ModelFileSamples.metadata)
        #expect(try ModelFile.encode(model) == ModelFile.encode(model))
    }

    @Test func fileLayoutAndMetadataEntries() throws {
        let model = ModelFileSamples.softmax(standardized: true, metadata: ModelFileSamples.metadata)
        let file = try SafeTensorsFile(decoding: ModelFile.encode(model), source: "softmax")
        #expect(file["weight"]?.dtype == .float32)
        #expect(file["weight"]?.shape == [3, 4])
        #expect(file["bias"]?.dtype == .float32)
        #expect(file["bias"]?.shape == [3])
        #expect(file["feature_mean"]?.dtype == .float64)
        #expect(file["feature_scale"]?.shape == [4])
        #expect(try file["weight"]?.floats() == model.weights.map(Float.init))

        let metadata = file.metadata
        #expect(metadata["format"] == "shardtrain-model")
        #expect(metadata["format_version"] == "1")
        #expect(metadata["model_kind"] == "softmax")
        #expect(metadata["feature_count"] == "4")
        #expect(metadata["outputs"] == "3")
        #expect(metadata["classes"] == "[0,1,2.5]")
        #expect(metadata["created_by"] == "shardtrain")
        #expect(metadata["metrics"] == ModelFileSamples.metadata["metrics"])
        #expect(metadata["data_fingerprint"] == "sha256:abc123")
        #expect(metadata["user.format"] == "user value that must not clash")
        #expect(metadata["user.user.nested"] == "kept")
        #expect(metadata["user.l2"] == "1.0")
        let summary = try #require(metadata["training_summary"])
        #expect(summary.contains(#""stop_reason":"gradient-tolerance""#))
        #expect(summary.contains(#""objective_history":[100,60.5,41.25]"#))
    }

    @Test func metricsThatAreNotAJSONObjectAreKeptVerbatim() throws {
        let model = ModelFileSamples.linear(metadata: ["metrics": "rmse=0.3"])
        let file = try SafeTensorsFile(decoding: ModelFile.encode(model), source: "linear")
        #expect(file.metadata["metrics"] == nil)
        #expect(file.metadata["user.metrics"] == "rmse=0.3")
        #expect(try ModelFile.decode(ModelFile.encode(model), source: "linear").metadata == ["metrics": "rmse=0.3"])
    }

    @Test func failedTrainingSummaryWithNaNRoundTrips() throws {
        var summary = ModelFileSamples.summary
        summary.stopReason = .numericalFailure
        summary.objective = .nan
        summary.objectiveHistory = [10, .infinity]
        let model = LinearModel(kind: .linear, featureCount: 1, weights: [1], intercepts: [0], classes: [],
                                standardization: nil, summary: summary)
        let loaded = try ModelFile.decode(ModelFile.encode(model), source: "nan")
        #expect(loaded.summary.objective.isNaN)
        #expect(loaded.summary.objectiveHistory == [10, .infinity])
        #expect(loaded.summary.stopReason == .numericalFailure)
    }

    @Test func weightsAreStoredAsFloat() throws {
        let model = LinearModel(kind: .linear, featureCount: 2, weights: [0.1, 1.0 / 3], intercepts: [1e-10],
                                classes: [], standardization: nil, summary: ModelFileSamples.summary)
        let loaded = try ModelFile.decode(ModelFile.encode(model), source: "float")
        for (stored, original) in zip(loaded.weights + loaded.intercepts, model.weights + model.intercepts) {
            #expect(abs(stored - original) <= abs(original) * 0x1p-24)
        }
    }

    @Test func readerAcceptsDoublePrecisionWeights() throws {
        let model = ModelFileSamples.logistic()
        let bytes = try ModelFileSamples.tampered(model, tensors: [
            "weight": SafeTensorsFile.Tensor(doubles: model.weights, shape: [1, 4]),
            "bias": SafeTensorsFile.Tensor(doubles: model.intercepts),
        ])
        let loaded = try ModelFile.decode(bytes, source: "f64")
        #expect(loaded.weights == model.weights)
        #expect(loaded.intercepts == model.intercepts)
    }
}
