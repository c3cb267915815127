extension SafeTensorsFile {
    /// The file's bytes: header length, header JSON (space-padded so that the buffer starts
    /// at a multiple of 8) and the tensors' data, laid out by decreasing element size, then name.
    ///
    /// Complexity: O(total bytes).
    public func encoded() -> [UInt8] {
        let order = tensors.keys.sorted { a, b in
            let (sizeA, sizeB) = (tensors[a]?.dtype.byteSize ?? 0, tensors[b]?.dtype.byteSize ?? 0)
            return sizeA != sizeB ? sizeA > sizeB : a < b
        }
        var entries: [String] = []
        if !metadata.isEmpty {
            let pairs = metadata.keys.sorted().map { key in
                JSONText.quoted(key) + ":" + JSONText.quoted(metadata[key] ?? "")
            }
            entries.append(JSONText.quoted(Self.metadataKey) + ":{" + pairs.joined(separator: ",") + "}")
        }
        var offset = 0
        for name in order {
            guard let tensor = tensors[name] else { continue }
            let end = offset + tensor.bytes.count
            let shape = tensor.shape.map(String.init).joined(separator: ",")
            entries.append(JSONText.quoted(name) + ":{\"dtype\":\"\(tensor.dtype.rawValue)\",\"shape\":[\(shape)],"
                + "\"data_offsets\":[\(offset),\(end)]}")
            offset = end
        }
        var header = Array(("{" + entries.joined(separator: ",") + "}").utf8)
        let padding = (8 - (8 + header.count) % 8) % 8
        header.append(contentsOf: repeatElement(UInt8(ascii: " "), count: padding))

        var out = [UInt8]()
        out.reserveCapacity(8 + header.count + offset)
        withUnsafeBytes(of: UInt64(header.count).littleEndian) { out.append(contentsOf: $0) }
        out.append(contentsOf: header)
        for name in order {
            if let tensor = tensors[name] { out.append(contentsOf: tensor.bytes) }
        }
        return out
    }
}
