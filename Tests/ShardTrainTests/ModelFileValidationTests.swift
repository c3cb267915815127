import Foundation
import Testing
import TestSupport
@testable import ShardTrain

@Suite struct ModelFileValidationTests {
    typealias Tensor = SafeTensorsFile.Tensor

    private func decode(_ bytes: [UInt8]) throws(ModelFileError) {
        _ = try ModelFile.decode(bytes, source: "tampered.safetensors")
    }

    @Test func validSafeTensorsWithoutOurMetadata() throws {
        let bytes = try SafeTensorsFile(tensors: ["embedding": Tensor(floats: [1, 2])], metadata: ["pt": "2.1"]).encoded()
        expectModelFileError(.notAShardTrainModel, "not a ShardTrain model") { () throws(ModelFileError) in try decode(bytes) }
        expectModelFileError(.notAShardTrainModel, "\"embedding\"") { () throws(ModelFileError) in try decode(bytes) }
    }

    @Test func foreignFormat() throws {
        let bytes = try ModelFileSamples.tampered(ModelFileSamples.linear(), metadata: ["format": "pt"])
        expectModelFileError(.notAShardTrainModel, "format is \"pt\", expected \"shardtrain-model\"") { () throws(ModelFileError) in
            try decode(bytes)
        }
    }

    @Test(arguments: ["4", "0", "1.0", "v1", "2.0", ""])
    func unsupportedVersions(version: String) throws {
        let bytes = try ModelFileSamples.tampered(ModelFileSamples.linear(), metadata: ["format_version": version])
        expectModelFileError(.unsupportedVersion, "format_version is \"\(version)\"; this reader supports version 1, 2, 3") {
            () throws(ModelFileError) in try decode(bytes)
        }
    }

    @Test func unknownModelKind() throws {
        let bytes = try ModelFileSamples.tampered(ModelFileSamples.linear(), metadata: ["model_kind": "poisson"])
        expectModelFileError(.wrongKind, "\"poisson\", expected one of linear, logistic, softmax") { () throws(ModelFileError) in
            try decode(bytes)
        }
    }

    @Test func kindOtherThanExpected() throws {
        let path = Fixtures.scratchDirectory("modelfile") + "/logistic.safetensors"
        try ModelFile.write(ModelFileSamples.logistic(), to: path)
        expectModelFileError(.wrongKind, "model_kind is logistic, expected softmax") { () throws(ModelFileError) in
            _ = try ModelFile.read(from: path, expecting: .softmax)
        }
    }

    @Test func kindThatDisagreesWithTheShapes() throws {
        // A softmax file relabelled as logistic: 3 outputs and 3 classes.
        let relabelled = try ModelFileSamples.tampered(ModelFileSamples.softmax(), metadata: ["model_kind": "logistic"])
        expectModelFileError(.inconsistent, "a logistic model has 1 output, found 3") { () throws(ModelFileError) in
            try decode(relabelled)
        }
        let linearWithClasses = try ModelFileSamples.tampered(ModelFileSamples.linear(), metadata: ["classes": "[0,1]"])
        expectModelFileError(.inconsistent, "a linear model has no classes, found 2") { () throws(ModelFileError) in
            try decode(linearWithClasses)
        }
        let fewerClasses = try ModelFileSamples.tampered(ModelFileSamples.softmax(), metadata: ["classes": "[0,1]"])
        expectModelFileError(.inconsistent, "3 outputs for 2 classes") { () throws(ModelFileError) in try decode(fewerClasses) }
        let repeated = try ModelFileSamples.tampered(ModelFileSamples.logistic(), metadata: ["classes": "[1,1]"])
        expectModelFileError(.inconsistent, "repeated labels") { () throws(ModelFileError) in try decode(repeated) }
    }

    @Test func tensorShapesThatDisagreeWithTheMetadata() throws {
        let wider = try ModelFileSamples.tampered(ModelFileSamples.linear(), metadata: ["feature_count": "4"])
        expectModelFileError(.inconsistent, "\"weight\" has shape [1, 3], expected [1, 4]") { () throws(ModelFileError) in
            try decode(wider)
        }
        let flatWeight = try ModelFileSamples.tampered(ModelFileSamples.linear(), tensors: ["weight": Tensor(floats: [1, 2, 3])])
        expectModelFileError(.inconsistent, "has shape [3], expected [1, 3]") { () throws(ModelFileError) in try decode(flatWeight) }
        let halfStandardization = try ModelFileSamples.tampered(ModelFileSamples.linear(standardized: true),
                                                                tensors: ["feature_scale": nil])
        expectModelFileError(.inconsistent, "both or neither") { () throws(ModelFileError) in try decode(halfStandardization) }
        let zeroScale = try ModelFileSamples.tampered(ModelFileSamples.linear(standardized: true),
                                                      tensors: ["feature_scale": Tensor(doubles: [1, 0, 1])])
        expectModelFileError(.inconsistent, "expected positive scales") { () throws(ModelFileError) in try decode(zeroScale) }
    }

    @Test func tensorsMissingUnexpectedOrOfTheWrongDType() throws {
        let noBias = try ModelFileSamples.tampered(ModelFileSamples.linear(), tensors: ["bias": nil])
        expectModelFileError(.badTensor, "missing tensor \"bias\"") { () throws(ModelFileError) in try decode(noBias) }
        let quantized = try ModelFileSamples.tampered(ModelFileSamples.linear(), tensors: ["weight_scale": Tensor(floats: [1])])
        expectModelFileError(.badTensor, "unexpected tensor \"weight_scale\" in a format_version 1 file") {
            () throws(ModelFileError) in try decode(quantized)
        }
        let int8Weight = try ModelFileSamples.tampered(ModelFileSamples.linear(), tensors: ["weight": Tensor(int8s: [1, 2, 3], shape: [1, 3])])
        expectModelFileError(.badTensor, "tensor \"weight\": found dtype I8, expected F32 or F64") {
            () throws(ModelFileError) in try decode(int8Weight)
        }
    }

    @Test(arguments: [
        ("feature_count", "abc", "feature_count is \"abc\", expected a non-negative integer"),
        ("feature_count", "-3", "expected a non-negative integer"),
        ("outputs", "01", "expected a non-negative integer"),
        ("classes", "[0, \"one\"]", "expected a JSON array of numbers"),
        ("classes", "0,1", "expected a JSON array of numbers"),
        ("training_summary", "{}", "not a valid training summary"),
        ("training_summary", #"{"optimizer":"sgd"}"#, "missing field"),
        ("metrics", "[1]", "metrics is not a JSON object"),
    ])
    func illTypedMetadata(key: String, value: String, phrase: String) throws {
        let bytes = try ModelFileSamples.tampered(ModelFileSamples.logistic(), metadata: [key: value])
        expectModelFileError(.badMetadata, phrase) { () throws(ModelFileError) in try decode(bytes) }
    }

    @Test(arguments: ["format_version", "model_kind", "feature_count", "outputs", "classes", "created_by", "training_summary"])
    func missingMetadata(key: String) throws {
        let bytes = try ModelFileSamples.tampered(ModelFileSamples.softmax(), metadata: [key: nil])
        expectModelFileError(.badMetadata, "missing metadata entry \"\(key)\"") { () throws(ModelFileError) in try decode(bytes) }
    }

    @Test func nonFiniteValuesInAFile() throws {
        let nanWeight = try ModelFileSamples.tampered(ModelFileSamples.linear(), tensors: ["weight": Tensor(floats: [1, .nan, 3], shape: [1, 3])])
        expectModelFileError(.nonFinite, "weight holds nan at index 1") { () throws(ModelFileError) in try decode(nanWeight) }
        let infiniteMean = try ModelFileSamples.tampered(ModelFileSamples.linear(standardized: true),
                                                         tensors: ["feature_mean": Tensor(doubles: [0, 0, -.infinity])])
        expectModelFileError(.nonFinite, "feature_mean holds -inf") { () throws(ModelFileError) in try decode(infiniteMean) }
        let hugeClass = try ModelFileSamples.tampered(ModelFileSamples.logistic(), metadata: ["classes": "[0, 1e999]"])
        expectModelFileError(.badMetadata, "expected a JSON array of numbers") { () throws(ModelFileError) in try decode(hugeClass) }
    }

    @Test func modelsThatCannotBeStoredAreRefusedOnWrite() {
        let nan = LinearModel(kind: .linear, featureCount: 2, weights: [1, .nan], intercepts: [0], classes: [],
                              standardization: nil, summary: ModelFileSamples.summary)
        expectModelFileError(.nonFinite, "weight holds nan") { () throws(ModelFileError) in _ = try ModelFile.encode(nan) }
        let huge = LinearModel(kind: .linear, featureCount: 1, weights: [1], intercepts: [1e39], classes: [],
                               standardization: nil, summary: ModelFileSamples.summary)
        expectModelFileError(.nonFinite, "beyond the range of the 32-bit floats") { () throws(ModelFileError) in
            _ = try ModelFile.encode(huge)
        }
        let twoOutputLinear = LinearModel(kind: .linear, featureCount: 1, weights: [1, 2], intercepts: [0, 0], classes: [],
                                          standardization: nil, summary: ModelFileSamples.summary)
        let path = Fixtures.scratchDirectory("modelfile") + "/refused.safetensors"
        expectModelFileError(.inconsistent, "a linear model has 1 output, found 2") { () throws(ModelFileError) in
            try ModelFile.write(twoOutputLinear, to: path)
        }
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test func errorsNameTheFile() throws {
        let bytes = try ModelFileSamples.tampered(ModelFileSamples.linear(), metadata: ["format_version": "9"])
        do {
            _ = try ModelFile.decode(bytes, source: "models/old.safetensors")
            Issue.record("accepted version 9")
        } catch {
            #expect(error.path == "models/old.safetensors")
            #expect(error.description.hasPrefix("models/old.safetensors: format_version is \"9\""))
            #expect(error.description.hasSuffix("[unsupported-version]"))
        }
    }
}
