import Foundation
import ONNXProto

/// What an ONNX file holds, for `shardtrain inspect`: its versions, graph inputs and outputs,
/// operators, initializers and metadata.
public struct ONNXSummary: Sendable {
    /// A named tensor with its element type and dimensions (`N` for a free one).
    public struct Tensor: Sendable {
        public var name: String
        public var elementType: String
        public var dims: [String]
    }

    public var irVersion: Int64
    /// `domain:version` of each imported operator set (`""` is the default ONNX domain).
    public var opsets: [String]
    public var producer: String
    public var inputs: [Tensor]
    public var outputs: [Tensor]
    /// Operator types of the nodes, in graph order.
    public var operators: [String]
    public var initializers: [Tensor]
    public var metadata: [String: String]

    /// Whether `bytes` start like a serialized ONNX model (field 1, `ir_version`, a varint) and
    /// not like a safetensors file (an 8-byte header length, then the JSON header's `{`).
    public static func looksLikeONNX(_ bytes: [UInt8]) -> Bool {
        bytes.count > 8 && bytes[0] == 0x08 && bytes[8] != UInt8(ascii: "{")
    }

    /// Reads the ONNX model in `bytes`.
    /// - Throws: ``ModelFileError`` naming `path` when the bytes are not an ONNX model.
    public init(bytes: [UInt8], path: String) throws(ModelFileError) {
        let model: Onnx_ModelProto
        do {
            model = try Onnx_ModelProto(serializedBytes: bytes)
        } catch {
            throw ModelFileError(.notAShardTrainModel, path: path, "not a readable ONNX model (\(error))")
        }
        guard model.hasGraph else { throw ModelFileError(.notAShardTrainModel, path: path, "an ONNX file without a graph") }
        irVersion = model.irVersion
        opsets = model.opsetImport.map { "\($0.domain.isEmpty ? "ai.onnx" : $0.domain):\($0.version)" }
        producer = [model.producerName, model.producerVersion].filter { !$0.isEmpty }.joined(separator: " ")
        inputs = model.graph.input.map(Self.tensor)
        outputs = model.graph.output.map(Self.tensor)
        operators = model.graph.node.map(\.opType)
        initializers = model.graph.initializer.map {
            Tensor(name: $0.name, elementType: Self.typeName($0.dataType), dims: $0.dims.map { String($0) })
        }
        metadata = Dictionary(model.metadataProps.map { ($0.key, $0.value) }, uniquingKeysWith: { _, last in last })
    }

    private static func tensor(_ value: Onnx_ValueInfoProto) -> Tensor {
        let type = value.type.tensorType
        let dims = type.shape.dim.map { $0.dimParam.isEmpty ? String($0.dimValue) : $0.dimParam }
        return Tensor(name: value.name, elementType: typeName(type.elemType), dims: dims)
    }

    /// The name of an ONNX element type.
    static func typeName(_ code: Int32) -> String {
        switch code {
        case 1: "float32"
        case 2: "uint8"
        case 3: "int8"
        case 6: "int32"
        case 7: "int64"
        case 9: "bool"
        case 11: "float64"
        default: "type \(code)"
        }
    }
}
