import Foundation
import ShardTrain

/// `inspect` of an exported ONNX file: versions, inputs, outputs, operators, initializers.
extension InspectCommand {
    func inspectONNX(_ bytes: [UInt8]) throws {
        let summary = try report { try ONNXSummary(bytes: bytes, path: model) }
        func describe(_ tensors: [ONNXSummary.Tensor]) -> String {
            tensors.map { "\($0.name) \($0.elementType)[\($0.dims.joined(separator: ", "))]" }.joined(separator: ", ")
        }
        if json {
            var line = JSONLine()
            line.add("format", "onnx")
            line.add("ir_version", Int(summary.irVersion))
            line.add("opsets", raw: "[" + summary.opsets.map { "\"\($0)\"" }.joined(separator: ",") + "]")
            line.add("producer", summary.producer)
            line.add("inputs", describe(summary.inputs))
            line.add("outputs", describe(summary.outputs))
            line.add("operators", summary.operators.joined(separator: ","))
            line.add("initializers", describe(summary.initializers))
            line.add("file_bytes", bytes.count)
            for (key, value) in summary.metadata.sorted(by: { $0.key < $1.key }) { line.add("meta_" + key, value) }
            print(line.rendered)
            return
        }
        print("ONNX model, IR version \(summary.irVersion), opsets \(summary.opsets.joined(separator: ", ")), by \(summary.producer)")
        print("inputs:       \(describe(summary.inputs))")
        print("outputs:      \(describe(summary.outputs))")
        print("operators:    \(summary.operators.joined(separator: " → "))")
        print("initializers: \(describe(summary.initializers))")
        print("size:         \(bytes.count) bytes")
        for (key, value) in summary.metadata.sorted(by: { $0.key < $1.key }) where value.count <= 200 {
            print("  \(key): \(value)")
        }
    }
}
