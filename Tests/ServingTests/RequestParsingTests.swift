import Foundation
import Testing
@testable import ShardTrain
@testable import ShardTrainServing

/// Routes and request bodies, without a server.
struct RequestParsingTests {
    @Test func routesNameTheEndpointModelAndVersion() throws {
        let infer = try ServingResponder.route("/v2/models/a9a/versions/3/infer")
        #expect(infer.endpoint == .v2Infer && infer.model == "a9a" && infer.version == 3 && infer.method == .post)
        let predict = try ServingResponder.route("/v1/models/m.x:predict")
        #expect(predict.endpoint == .v1Predict && predict.model == "m.x" && predict.version == nil)
        let versioned = try ServingResponder.route("/v1/models/m/versions/2:predict")
        #expect(versioned.endpoint == .v1Predict && versioned.version == 2)
        #expect(try ServingResponder.route("/v2/models/m/drift").endpoint == .v2Drift)
        #expect(try ServingResponder.route("/metrics").endpoint == .metrics)
        #expect(throws: ServingError.self) { try ServingResponder.route("/v2/models/m/versions/-1/infer") }
        #expect(throws: ServingError.self) { try ServingResponder.route("/v2/models/m/explain") }
    }

    /// A declared shape is checked against the bytes received before it sizes anything: the
    /// largest batch overflowed the multiplication (a trap) and 10¹² rows reached an allocation
    /// that aborted the server.
    @Test func hostileShapesAreRefusedBeforeAnyAllocation() {
        for batch in ["9223372036854775807", "1000000000000", "100000000"] {
            let json = "{\"inputs\":[{\"name\":\"x\",\"shape\":[\(batch),3],\"datatype\":\"FP32\",\"data\":[1,2,3]}]}"
            #expect(throws: ServingError.self) { try KServeRequest.parse(body: Array(json.utf8), jsonLength: nil, featureCount: 3) }
            let header = Array("{\"inputs\":[{\"name\":\"x\",\"shape\":[\(batch),3],\"datatype\":\"FP32\",\"parameters\":{\"binary_data_size\":12}}]}".utf8)
            let bytes = [UInt8](repeating: 0, count: 12)
            #expect(throws: ServingError.self) { try KServeRequest.parse(body: header + bytes, jsonLength: header.count, featureCount: 3) }
        }
        // TF Serving: a million empty rows reserve no more than the body's bytes, then fail on row 0.
        let empty = "{\"instances\":[" + Array(repeating: "[]", count: 1_000_000).joined(separator: ",") + "]}"
        #expect(throws: ServingError.self) { try TFServingRequest.parse(body: Array(empty.utf8), featureCount: 100_000) }
    }

    @Test func kserveBinaryAndNestedInputsGiveTheSameRows() throws {
        let values: [Float] = [0, 1.5, 0, -2, 3, 0]
        var bytes: [UInt8] = []
        for value in values { withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) } }
        let header = Array("{\"inputs\":[{\"name\":\"x\",\"shape\":[2,3],\"datatype\":\"FP32\",\"parameters\":{\"binary_data_size\":24}}]}".utf8)
        let binary = try KServeRequest.parse(body: header + bytes, jsonLength: header.count, featureCount: 3)
        let nested = try KServeRequest.parse(body: Array("{\"inputs\":[{\"name\":\"x\",\"shape\":[2,3],\"datatype\":\"FP32\",\"data\":[[0,1.5,0],[-2,3,0]]}]}".utf8),
                                             jsonLength: nil, featureCount: 3)
        #expect(binary.rows == nested.rows)
        // Half of the entries are zeros: not fewer than half non-zero, so the rows stay dense.
        if case .dense(let matrix) = nested.rows { #expect(matrix.values == values) } else { Issue.record("expected dense rows") }
    }

    @Test func mostlyZeroRowsAreScoredAsSparseRows() {
        let dense = FeatureMatrix.dense(try! DenseMatrix(rows: 2, columns: 4, values: [0, 0, 2, 0, 1, 0, 0, 0]))
        guard case .sparse(let matrix) = InferenceRequest.scoringLayout(dense) else {
            Issue.record("expected sparse rows")
            return
        }
        #expect(matrix.rowOffsets == [0, 1, 2] && matrix.columnIndices == [2, 0] && matrix.values == [2, 1])
    }

    @Test func tfServingSparseRowsUseLIBSVMIndices() throws {
        let request = try TFServingRequest.parse(body: Array("{\"instances\":[{\"3\":2.5,\"1\":1},{}]}".utf8), featureCount: 4)
        guard case .sparse(let matrix) = request.rows else {
            Issue.record("expected sparse rows")
            return
        }
        #expect(matrix.rowOffsets == [0, 2, 2] && matrix.columnIndices == [0, 2] && matrix.values == [1, 2.5])
    }
}
