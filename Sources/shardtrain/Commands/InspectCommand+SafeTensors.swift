import Foundation
import ShardTrain

/// `inspect` of a safetensors file that is not a ShardTrain model (embeddings, another tool's
/// weights): its tensors and metadata, and why it cannot be scored.
extension InspectCommand {
    func inspectForeignSafeTensors(_ container: SafeTensorsFile, fileBytes: Int?) {
        let names = container.tensors.keys.sorted()
        let dataBytes = container.tensors.values.reduce(0) { $0 + $1.bytes.count }
        let reason = container.metadata["format"].map { "its format metadata is \"\($0)\", not \"shardtrain-model\"" }
            ?? "it has no \"format\" metadata"
        if json {
            var line = JSONLine()
            line.add("format", "safetensors")
            line.add("shardtrain_model", false)
            line.add("reason", reason)
            var tensors = JSONLine()
            for name in names {
                guard let tensor = container.tensors[name] else { continue }
                var entry = JSONLine()
                entry.add("dtype", tensor.dtype.rawValue)
                entry.add("shape", raw: "[" + tensor.shape.map(String.init).joined(separator: ",") + "]")
                entry.add("bytes", tensor.bytes.count)
                tensors.add(name, raw: entry.rendered)
            }
            line.add("tensors", raw: tensors.rendered)
            line.add("tensor_bytes", dataBytes)
            if let fileBytes { line.add("file_bytes", fileBytes) }
            var metadata = JSONLine()
            for key in container.metadata.keys.sorted() { metadata.add(key, container.metadata[key] ?? "") }
            line.add("metadata", raw: metadata.rendered)
            print(line.rendered)
            return
        }
        print("safetensors file \(model)" + (fileBytes.map { " (\($0) bytes)" } ?? "") + ", not a ShardTrain model: \(reason)")
        print("tensors      \(names.count), \(dataBytes) bytes of data")
        let width = max(16, names.map(\.count).max() ?? 0)
        for name in names {
            guard let tensor = container.tensors[name] else { continue }
            print("  \(name.padding(toLength: width, withPad: " ", startingAt: 0)) \(tensor.dtype.rawValue) \(tensor.shape), \(tensor.bytes.count) bytes")
        }
        if !container.metadata.isEmpty {
            print("metadata")
            for key in container.metadata.keys.sorted() {
                print("  \(key.padding(toLength: max(22, key.count), withPad: " ", startingAt: 0)) \(container.metadata[key] ?? "")")
            }
        }
    }
}
