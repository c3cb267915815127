import Foundation
import Testing
@testable import ShardTrain

/// Models and byte builders shared by the model-file tests.
enum ModelFileSamples {
    static let summary = TrainingSummary(
        optimizer: "lbfgs", iterations: 12, passes: 13.5, stopReason: .gradientTolerance,
        objective: 41.25, objectiveHistory: [100, 60.5, 41.25], gradientNorm: 1.5e-7,
        trainSeconds: 0.125, workers: 4)

    static let metadata: [String: String] = [
        "metrics": #"{"accuracy":0.9,"auc":0.95}"#,
        "data_fingerprint": "sha256:abc123",
        "l2": "1.0",
        "format": "user value that must not clash",
        "user.nested": "kept",
        "note": "ünïcödé \"quoted\" \\ and\nnewline",
    ]

    static func linear(standardized: Bool = false, metadata: [String: String] = [:]) -> LinearModel {
        LinearModel(kind: .linear, featureCount: 3, weights: [0.5, -1.25, 0.1], intercepts: [0.75],
                    classes: [], standardization: standardized ? Standardization(means: [1, 2, 3], scales: [0.5, 1, 0.3]) : nil,
                    summary: summary, metadata: metadata)
    }

    static func logistic(standardized: Bool = false, metadata: [String: String] = [:]) -> LinearModel {
        LinearModel(kind: .logistic, featureCount: 4, weights: [0.1, -0.2, 0.3, 1e-3], intercepts: [-0.05],
                    classes: [-1, 1],
                    standardization: standardized ? Standardization(means: [0.1, 0.2, 0.3, 0.4], scales: [1, 2, 3, 4]) : nil,
                    summary: summary, metadata: metadata)
    }

    static func softmax(standardized: Bool = false, metadata: [String: String] = [:]) -> LinearModel {
        LinearModel(kind: .softmax, featureCount: 4,
                    weights: (0 ..< 12).map { Double($0) / 7 - 0.8 }, intercepts: [0.1, 0.2, -0.3],
                    classes: [0, 1, 2.5],
                    standardization: standardized ? Standardization(means: [1, 0, -1, 2e-3], scales: [1, 1, 2, 0.25]) : nil,
                    summary: summary, metadata: metadata)
    }

    /// Raw safetensors bytes with `header` as given, padded with spaces to 8-byte alignment.
    static func raw(header: String, buffer: [UInt8] = []) -> [UInt8] {
        var headerBytes = Array(header.utf8)
        while (8 + headerBytes.count) % 8 != 0 { headerBytes.append(UInt8(ascii: " ")) }
        return lengthPrefix(UInt64(headerBytes.count)) + headerBytes + buffer
    }

    static func lengthPrefix(_ length: UInt64) -> [UInt8] {
        withUnsafeBytes(of: length.littleEndian) { Array($0) }
    }

    /// A model container with some metadata replaced (nil removes the entry) and tensors
    /// replaced, encoded.
    static func tampered(_ model: LinearModel, metadata changes: [String: String?] = [:],
                         tensors tensorChanges: [String: SafeTensorsFile.Tensor?] = [:]) throws -> [UInt8] {
        let file = try ModelFile.container(for: model)
        var metadata = file.metadata
        for (key, value) in changes { metadata[key] = value }
        var tensors = file.tensors
        for (key, value) in tensorChanges { tensors[key] = value }
        return try SafeTensorsFile(tensors: tensors, metadata: metadata).encoded()
    }
}

/// Runs `body` and checks that it throws a ``ModelFileError`` with `code` whose message
/// contains `phrase`.
func expectModelFileError(_ code: ModelFileError.Code, _ phrase: String,
                          sourceLocation: SourceLocation = #_sourceLocation,
                          _ body: () throws(ModelFileError) -> Void) {
    do {
        try body()
        Issue.record("expected a \(code) error mentioning \"\(phrase)\", but nothing was thrown", sourceLocation: sourceLocation)
    } catch {
        #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
        #expect(error.message.contains(phrase), "message \"\(error.message)\" lacks \"\(phrase)\"", sourceLocation: sourceLocation)
    }
}

/// Asserts that two models are equal, with weights and intercepts compared after rounding
/// the originals to Float (the stored precision).
func expectSameModel(_ loaded: LinearModel, _ original: LinearModel, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(loaded.kind == original.kind, sourceLocation: sourceLocation)
    #expect(loaded.featureCount == original.featureCount, sourceLocation: sourceLocation)
    #expect(loaded.weights == original.weights.map { Double(Float($0)) }, sourceLocation: sourceLocation)
    #expect(loaded.intercepts == original.intercepts.map { Double(Float($0)) }, sourceLocation: sourceLocation)
    #expect(loaded.classes == original.classes, sourceLocation: sourceLocation)
    #expect(loaded.standardization == original.standardization, sourceLocation: sourceLocation)
    #expect(loaded.summary == original.summary, sourceLocation: sourceLocation)
    #expect(loaded.metadata == original.metadata, sourceLocation: sourceLocation)
}
