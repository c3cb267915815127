import Foundation
import Testing
import TestSupport
@testable import ShardTrain

/// Sparse weight storage (format version 2): when it is chosen, what it costs, and how broken
/// sparse files are reported.
@Suite struct SparseModelFileTests {
    /// A softmax model with 3 × 40 weights, three quarters of them zero.
    private static func sparseSoftmax() -> LinearModel {
        let weights = (0 ..< 120).map { $0 % 4 == 1 ? Double($0) / 7 - 8.5 : 0 }
        return LinearModel(kind: .softmax, featureCount: 40, weights: weights, intercepts: [0.1, 0.2, -0.3], classes: [0, 1, 2.5],
                           standardization: Standardization(means: (0 ..< 40).map(Double.init), scales: .init(repeating: 2, count: 40)),
                           summary: ModelFileSamples.summary, metadata: ModelFileSamples.metadata)
    }

    private func decode(_ bytes: [UInt8]) throws(ModelFileError) -> LinearModel {
        try ModelFile.decode(bytes, source: "sparse.safetensors")
    }

    @Test func roundTripIsBitwiseAndUsesVersion2() throws {
        let model = Self.sparseSoftmax()
        let bytes = try ModelFile.encode(model)
        let file = try SafeTensorsFile(decoding: bytes, source: "m")
        #expect(file.metadata["format_version"] == "2")
        #expect(file.metadata["weight_storage"] == "sparse")
        #expect(file["weight"] == nil)
        #expect(file["weight_indices"]?.dtype == .uint16)
        #expect(try file["weight_indices"]?.uint16s() == (0 ..< 30).map { UInt16(4 * $0 + 1) })
        #expect(file["weight_values"]?.shape == [30])
        let loaded = try decode(bytes)
        #expect(loaded.weights.map { Float($0).bitPattern } == model.weights.map { Float($0).bitPattern })
        expectSameModel(loaded, model)
        #expect(try ModelFile.encode(loaded) == bytes)
    }

    @Test func denseModelsStayVersion1() throws {
        let file = try ModelFile.container(for: ModelFileSamples.softmax())
        #expect(file.metadata["format_version"] == "1")
        #expect(file.metadata["weight_storage"] == "dense")
        #expect(file["weight"] != nil)
        // Half zeros: 6 bytes per non-zero (U16 + F32) is 3 bytes per weight against 4, so sparse wins;
        // with one zero in four it does not (4.5 > 4).
        let half = LinearModel(kind: .linear, featureCount: 8, weights: [1, 0, 2, 0, 3, 0, 4, 0], intercepts: [0], classes: [],
                               standardization: nil, summary: ModelFileSamples.summary)
        #expect(ModelFile.weightStorage(for: half) == .sparse)
        let quarter = LinearModel(kind: .linear, featureCount: 8, weights: [1, 0, 2, 5, 3, 6, 4, 7], intercepts: [0], classes: [],
                                  standardization: nil, summary: ModelFileSamples.summary)
        #expect(ModelFile.weightStorage(for: quarter) == .dense)
    }

    @Test func l1ModelsAreStoredSparse() throws {
        var configuration = TrainingConfiguration(kind: .logistic)
        configuration.l1Penalty = 20
        configuration.l2Penalty = 0
        let model = try Trainer(configuration).fit(Datasets.a9a().train)
        let zeros = model.weights.count(where: { $0 == 0 })
        #expect(zeros > 62, "an L1 model of a9a should have more than half of its 123 weights at zero, found \(zeros)")
        #expect(ModelFile.weightStorage(for: model) == .sparse)
        let loaded = try decode(try ModelFile.encode(model))
        #expect(loaded.weights == model.weights.map { Double(Float($0)) })
    }

    @Test func a9aPrunedToNinetyPercentIsFiveTimesSmaller() throws {
        let dense = try Trainer(TrainingConfiguration(kind: .logistic)).fit(Datasets.a9a().train)
        let pruned = try Pruning(.sparsity(0.9)).apply(to: dense)
        let denseFile = try ModelFile.container(for: dense), sparseFile = try ModelFile.container(for: pruned)
        let denseTensor = try #require(denseFile["weight"]).bytes.count
        let sparseTensors = try #require(sparseFile["weight_indices"]).bytes.count + (try #require(sparseFile["weight_values"]).bytes.count)
        #expect(denseTensor == 492)        // 123 × F32
        #expect(sparseTensors == 72)       // 12 non-zeros × (U16 + F32)
        #expect(denseTensor >= 5 * sparseTensors)
        // The whole file also holds the metadata (training summary, history), which does not shrink.
        print("a9a file bytes: dense \(denseFile.encoded().count), 90% pruned \(sparseFile.encoded().count)")
    }

    @Test func largeModelFileIsFiveTimesSmallerAtNinetyPercent() throws {
        var generator = SeededGenerator(seed: 3)
        let weights = (0 ..< 50_000).map { _ in generator.nextGaussian() }
        let dense = LinearModel(kind: .linear, featureCount: 50_000, weights: weights, intercepts: [1], classes: [],
                                standardization: nil, summary: ModelFileSamples.summary)
        let pruned = try Pruning(.sparsity(0.9)).apply(to: dense)
        let (denseBytes, sparseBytes) = (try ModelFile.encode(dense).count, try ModelFile.encode(pruned).count)
        #expect(Double(denseBytes) / Double(sparseBytes) >= 6, "dense \(denseBytes), sparse \(sparseBytes)")
    }

    // MARK: corrupt sparse files

    private func tampered(indices: SafeTensorsFile.Tensor? = nil, values: SafeTensorsFile.Tensor? = nil,
                          metadata: [String: String?] = [:], extra: [String: SafeTensorsFile.Tensor?] = [:]) throws -> [UInt8] {
        var tensors = extra
        if let indices { tensors["weight_indices"] = indices }
        if let values { tensors["weight_values"] = values }
        return try ModelFileSamples.tampered(Self.sparseSoftmax(), metadata: metadata, tensors: tensors)
    }

    @Test func indexOutOfRange() throws {
        let bytes = try tampered(indices: .init(uint16s: (0 ..< 29).map { UInt16(4 * $0 + 1) } + [120]))
        expectModelFileError(.inconsistent, "weight_indices[29] is 120, outside the 120 weights") { () throws(ModelFileError) in
            _ = try decode(bytes)
        }
        let negative = try tampered(indices: .init(int64s: [-1] + (1 ..< 30).map { Int64(4 * $0 + 1) }))
        expectModelFileError(.inconsistent, "weight_indices[0] is -1, outside the 120 weights") { () throws(ModelFileError) in
            _ = try decode(negative)
        }
    }

    @Test func lengthMismatch() throws {
        let bytes = try tampered(values: .init(floats: [Float](repeating: 1, count: 29)))
        expectModelFileError(.inconsistent, "holds 30 indices but weight_values holds 29 values") { () throws(ModelFileError) in
            _ = try decode(bytes)
        }
    }

    @Test func unsortedAndRepeatedIndices() throws {
        var indices = (0 ..< 30).map { UInt16(4 * $0 + 1) }
        indices.swapAt(3, 4)
        let unsorted = try tampered(indices: .init(uint16s: indices))
        expectModelFileError(.inconsistent, "weight_indices[4] is 13 after 17: indices must be strictly increasing (unsorted)") {
            () throws(ModelFileError) in _ = try decode(unsorted)
        }
        indices.swapAt(3, 4)
        indices[5] = indices[4]
        let repeated = try tampered(indices: .init(uint16s: indices))
        expectModelFileError(.inconsistent, "(repeated index)") { () throws(ModelFileError) in _ = try decode(repeated) }
    }

    @Test func wrongDTypesAndLayouts() throws {
        let floatIndices = try tampered(indices: .init(floats: (0 ..< 30).map { Float(4 * $0 + 1) }))
        expectModelFileError(.badTensor, "weight_indices has dtype F32, expected U16, I32 or I64") { () throws(ModelFileError) in
            _ = try decode(floatIndices)
        }
        let both = try tampered(extra: ["weight": .init(floats: [Float](repeating: 0, count: 120), shape: [3, 40])])
        expectModelFileError(.inconsistent, "weight_storage is sparse but the file holds a dense \"weight\"") { () throws(ModelFileError) in
            _ = try decode(both)
        }
        let missing = try tampered(extra: ["weight_values": nil])
        expectModelFileError(.badTensor, "expected tensors \"weight_indices\" and \"weight_values\"") { () throws(ModelFileError) in
            _ = try decode(missing)
        }
        let unknown = try tampered(metadata: ["weight_storage": "bitmask"])
        expectModelFileError(.badMetadata, "weight_storage is \"bitmask\", expected dense or sparse") { () throws(ModelFileError) in
            _ = try decode(unknown)
        }
        let nan = try tampered(values: .init(floats: [Float.nan] + [Float](repeating: 1, count: 29)))
        expectModelFileError(.nonFinite, "weight_values holds nan at index 0") { () throws(ModelFileError) in _ = try decode(nan) }
    }

    @Test func sparseTensorsNeedVersion2() throws {
        let bytes = try tampered(metadata: ["format_version": "1"])
        expectModelFileError(.badTensor, "unexpected tensor \"weight_indices\" in a format_version 1 file") { () throws(ModelFileError) in
            _ = try decode(bytes)
        }
        let huge = try tampered(metadata: ["feature_count": "4000000000"])
        expectModelFileError(.inconsistent, "would expand to 12000000000 parameters") { () throws(ModelFileError) in _ = try decode(huge) }
    }

    @Test func truncatedSparseFile() throws {
        let bytes = try ModelFile.encode(Self.sparseSoftmax())
        expectModelFileError(.truncated, "buffer has only") { () throws(ModelFileError) in _ = try decode(Array(bytes.dropLast(3))) }
    }
}
