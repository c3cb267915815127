import ShardTrain
import ShardTrainServing

/// The decoders that bytes from outside reach, each as a function of one input: what the
/// libFuzzer harness (`shardtrain-fuzz`, built with the package trait `Fuzzing`) drives, and what
/// the test suite replays the committed corpus through. A target must never crash, trap or
/// hang, whatever the bytes; refusing them with an error is the expected outcome.
public enum FuzzTarget: String, CaseIterable, Sendable {
    case libsvm, csv, npy, modelfile, safetensors, frame, message, json, profile, kserve, tfserving

    /// Feeds `bytes` to the target's decoder; errors are the expected answer and are dropped.
    public func run(_ bytes: [UInt8]) {
        switch self {
        case .libsvm:
            // The first byte picks a fixed feature count (or none), the rest is the file.
            let fixed: Int? = bytes.first.flatMap { $0 < 128 ? nil : Int($0 - 127) }
            bytes.dropFirst().withUnsafeBytes { _ = try? LIBSVMReader(featureCount: fixed).parse($0, source: "fuzz") }
        case .csv:
            let header: Bool? = bytes.first.flatMap { ([nil, true, false] as [Bool?])[Int($0) % 3] }
            bytes.dropFirst().withUnsafeBytes { _ = try? CSVReader(hasHeader: header).parse($0, source: "fuzz") }
        case .npy:
            bytes.withUnsafeBytes { _ = try? NPYReader().matrix(from: $0, rows: nil, path: "fuzz") }
        case .modelfile:
            _ = try? ModelFile.decode(bytes, source: "fuzz")
        case .safetensors:
            _ = try? SafeTensorsFile(decoding: bytes, source: "fuzz")
        case .frame:
            var rest = bytes[...]
            while let (frame, used) = try? Frame.decode(rest, peer: "fuzz"), used > 0 {
                _ = try? Message(frame, peer: "fuzz", vectorLimit: 1 << 16)
                rest = rest.dropFirst(used)
            }
        case .message:
            // The first byte picks the message type; the rest is its payload (no CRC to get right).
            guard let first = bytes.first, let type = MessageType(rawValue: UInt16(first % 20)) else { return }
            _ = try? Message(Frame(type: type, payload: Array(bytes.dropFirst())), peer: "fuzz", vectorLimit: 1 << 16)
        case .json:
            _ = try? JSONParser.parse(bytes)
        case .profile:
            let featureCount = Int(bytes.first ?? 0) % 8
            _ = try? ReferenceProfile(json: String(decoding: bytes.dropFirst(), as: UTF8.self), featureCount: featureCount)
        case .kserve:
            // The first byte says where the JSON ends (binary tensor extension), if anywhere.
            let length: Int? = bytes.first.flatMap { $0 == 0 ? nil : min(Int($0), bytes.count - 1) }
            _ = try? KServeRequest.parse(body: Array(bytes.dropFirst()), jsonLength: length, featureCount: 4, maxRows: 1 << 12)
        case .tfserving:
            _ = try? TFServingRequest.parse(body: bytes, featureCount: 4, maxRows: 1 << 12)
        }
    }
}
