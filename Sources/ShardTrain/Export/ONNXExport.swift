import Foundation
import ONNXProto

/// A fitted model as an ONNX graph (opset 13), for ONNX Runtime and the tools around it.
///
/// The graph takes `features`, a float32 `N × d` tensor, and computes the margins with one
/// `Gemm` (`features · Wᵀ + b`; the coefficients are already on the original feature scale —
/// the training standardization is folded in). Outputs:
/// - linear: `prediction` (`N × 1`);
/// - logistic: `probability` of the positive class (`Sigmoid`, `N × 1`) and `label` (the class
///   label, `Where(margin ≥ 0, positive, negative)`, `N × 1`);
/// - softmax: `probabilities` (`Softmax` on axis 1, `N × K`) and `label` (`ArgMax`, then the
///   class label by `Gather`, `N`).
/// An int8 model goes in QDQ form: its int8 weights with their scales (one, or one per output)
/// and zero zero-points, and a `DequantizeLinear` in front of the `Gemm` (followed by a `Mul`
/// with `1 / feature_scale` when the levels are in the standardized space); the graph's inputs
/// stay float32 (an int8-input model is exported with float inputs: its weights are exact, its
/// input rounding is not reproduced). The model's description (kind, classes, source,
/// objective) goes in the metadata properties.
public enum ONNXExport {
    /// The opset the graphs use.
    public static let opset: Int64 = 13
    /// The IR version that goes with opset 13.
    public static let irVersion: Int64 = 7

    /// The serialized ONNX model of `model`.
    public static func serialize(_ model: LinearModel) throws -> [UInt8] {
        try makeModel(model).serializedBytes()
    }

    /// Writes the ONNX model of `model` to `path`, atomically.
    public static func write(_ model: LinearModel, to path: String) throws {
        try AtomicFile.write(try serialize(model), to: path)
    }

    static func makeModel(_ model: LinearModel) -> Onnx_ModelProto {
        var graph = Onnx_GraphProto()
        graph.name = "shardtrain_\(model.kind.rawValue)"
        let k = model.outputs, d = model.featureCount
        graph.input = [ONNXValue.tensor("features", elementType: .float, dims: [.symbol("N"), .size(d)])]
        graph.initializer = [ONNXTensor.float("intercepts", dims: [k], values: model.intercepts.map(Float.init))]
        if let quantized = model.quantization {
            // QDQ form: the int8 weights and their scales, dequantized in the graph.
            let perChannel = quantized.scales.count > 1
            graph.initializer += [
                ONNXTensor.int8("weights_quantized", dims: [k, d], values: quantized.values),
                ONNXTensor.float("weights_scale", dims: perChannel ? [k] : [], values: quantized.scales),
                ONNXTensor.int8("weights_zero_point", dims: perChannel ? [k] : [], values: [Int8](repeating: 0, count: quantized.scales.count)),
            ]
            let dequantized = quantized.standardization == nil ? "weights" : "weights_standardized"
            graph.node = [ONNXNode.make("DequantizeLinear", inputs: ["weights_quantized", "weights_scale", "weights_zero_point"],
                                        outputs: [dequantized], attributes: perChannel ? [.int("axis", 0)] : [])]
            if let standardization = quantized.standardization {
                // Back to the original feature scale: column j divided by the feature's deviation.
                graph.initializer.append(ONNXTensor.float("feature_reciprocal_scale", dims: [d],
                                                          values: standardization.scales.map { Float(1 / $0) }))
                graph.node.append(ONNXNode.make("Mul", inputs: [dequantized, "feature_reciprocal_scale"], outputs: ["weights"]))
            }
        } else {
            graph.initializer.insert(ONNXTensor.float("weights", dims: [k, d], values: model.weights.map(Float.init)), at: 0)
        }
        let margins = model.kind == .linear ? "prediction" : "margins"
        graph.node.append(ONNXNode.make("Gemm", inputs: ["features", "weights", "intercepts"], outputs: [margins],
                                        attributes: [.int("transB", 1)]))
        switch model.kind {
        case .linear:
            graph.output = [ONNXValue.tensor("prediction", elementType: .float, dims: [.symbol("N"), .size(1)])]
        case .logistic:
            graph.initializer += [
                ONNXTensor.float("zero", dims: [], values: [0]),
                ONNXTensor.float("positive_label", dims: [], values: [Float(model.classes[1])]),
                ONNXTensor.float("negative_label", dims: [], values: [Float(model.classes[0])]),
            ]
            graph.node += [
                ONNXNode.make("Sigmoid", inputs: ["margins"], outputs: ["probability"]),
                ONNXNode.make("GreaterOrEqual", inputs: ["margins", "zero"], outputs: ["is_positive"]),
                ONNXNode.make("Where", inputs: ["is_positive", "positive_label", "negative_label"], outputs: ["label"]),
            ]
            graph.output = [
                ONNXValue.tensor("probability", elementType: .float, dims: [.symbol("N"), .size(1)]),
                ONNXValue.tensor("label", elementType: .float, dims: [.symbol("N"), .size(1)]),
            ]
        case .softmax:
            graph.initializer.append(ONNXTensor.float("class_labels", dims: [k], values: model.classes.map(Float.init)))
            graph.node += [
                ONNXNode.make("Softmax", inputs: ["margins"], outputs: ["probabilities"], attributes: [.int("axis", 1)]),
                ONNXNode.make("ArgMax", inputs: ["margins"], outputs: ["class_index"],
                              attributes: [.int("axis", 1), .int("keepdims", 0)]),
                ONNXNode.make("Gather", inputs: ["class_labels", "class_index"], outputs: ["label"]),
            ]
            graph.output = [
                ONNXValue.tensor("probabilities", elementType: .float, dims: [.symbol("N"), .size(k)]),
                ONNXValue.tensor("label", elementType: .float, dims: [.symbol("N")]),
            ]
        }
        var onnx = Onnx_ModelProto()
        onnx.irVersion = irVersion
        onnx.producerName = "shardtrain"
        onnx.producerVersion = ShardTrainVersion.current
        onnx.domain = "ai.shardtrain"
        onnx.docString = "ShardTrain \(model.kind.rawValue) model: \(model.featureCount) features, \(k) output(s)"
        var operators = Onnx_OperatorSetIdProto()
        operators.domain = ""
        operators.version = opset
        onnx.opsetImport = [operators]
        onnx.graph = graph
        onnx.metadataProps = properties(of: model).map { key, value in
            var entry = Onnx_StringStringEntryProto()
            entry.key = key
            entry.value = value
            return entry
        }
        return onnx
    }

    /// The metadata properties: kind, classes, and the model's own metadata, sorted by key.
    static func properties(of model: LinearModel) -> [(String, String)] {
        var properties = model.metadata
        properties["shardtrain.kind"] = model.kind.rawValue
        properties["shardtrain.classes"] = model.classes.map { String($0) }.joined(separator: ",")
        properties["shardtrain.objective"] = String(model.summary.objective)
        return properties.sorted { $0.key < $1.key }
    }
}
