import Foundation
import ONNXProto

/// Builders for the pieces of an ONNX graph: tensors, value descriptions, nodes.
enum ONNXTensor {
    /// ONNX element types used here (`TensorProto.DataType`).
    enum ElementType: Int32 {
        case float = 1
        case int8 = 3
        case int64 = 7
    }

    /// A float32 initializer.
    static func float(_ name: String, dims: [Int], values: [Float]) -> Onnx_TensorProto {
        var tensor = Onnx_TensorProto()
        tensor.name = name
        tensor.dims = dims.map(Int64.init)
        tensor.dataType = ElementType.float.rawValue
        tensor.rawData = littleEndianBytes(values)
        return tensor
    }

    /// An int8 initializer.
    static func int8(_ name: String, dims: [Int], values: [Int8]) -> Onnx_TensorProto {
        var tensor = Onnx_TensorProto()
        tensor.name = name
        tensor.dims = dims.map(Int64.init)
        tensor.dataType = ElementType.int8.rawValue
        tensor.rawData = Data(values.map { UInt8(bitPattern: $0) })
        return tensor
    }

    /// The bytes of `values`, little-endian (ONNX's `raw_data`).
    static func littleEndianBytes(_ values: [Float]) -> Data {
        var data = Data(capacity: 4 * values.count)
        for value in values { withUnsafeBytes(of: value.bitPattern.littleEndian) { data.append(contentsOf: $0) } }
        return data
    }
}

enum ONNXValue {
    /// One dimension of a tensor type: a fixed size or a named, free one (the batch).
    enum Dimension {
        case size(Int)
        case symbol(String)
    }

    /// A graph input or output: a tensor of `elementType` with dimensions `dims`.
    static func tensor(_ name: String, elementType: ONNXTensor.ElementType, dims: [Dimension]) -> Onnx_ValueInfoProto {
        var shape = Onnx_TensorShapeProto()
        shape.dim = dims.map { dimension in
            var entry = Onnx_TensorShapeProto.Dimension()
            switch dimension {
            case .size(let n): entry.dimValue = Int64(n)
            case .symbol(let name): entry.dimParam = name
            }
            return entry
        }
        var tensorType = Onnx_TypeProto.Tensor()
        tensorType.elemType = elementType.rawValue
        tensorType.shape = shape
        var type = Onnx_TypeProto()
        type.tensorType = tensorType
        var value = Onnx_ValueInfoProto()
        value.name = name
        value.type = type
        return value
    }
}

enum ONNXNode {
    /// A node attribute.
    enum Attribute {
        case int(String, Int64)

        var proto: Onnx_AttributeProto {
            var attribute = Onnx_AttributeProto()
            switch self {
            case .int(let name, let value):
                attribute.name = name
                attribute.type = .int
                attribute.i = value
            }
            return attribute
        }
    }

    /// A node of operator `type`, named after its first output.
    static func make(_ type: String, inputs: [String], outputs: [String], attributes: [Attribute] = []) -> Onnx_NodeProto {
        var node = Onnx_NodeProto()
        node.opType = type
        node.name = "\(type)_\(outputs.first ?? "")"
        node.input = inputs
        node.output = outputs
        node.attribute = attributes.map(\.proto)
        return node
    }
}
