/// A 64-bit fingerprint of a dataset's contents (shape, features, labels, weights), recorded in
/// model files so that a model can be traced to the exact data it was trained on.
///
/// It hashes the stored bits, not the text of the file, so the same data read from LIBSVM, CSV
/// or NPY gives the same fingerprint as long as it is stored the same way (dense or sparse).
/// Not cryptographic.
public enum DatasetFingerprint {
    /// The fingerprint as 16 lowercase hex digits.
    public static func of(_ dataset: Dataset) -> String {
        var hasher = WordHasher()
        hasher.mix(UInt64(dataset.rowCount))
        hasher.mix(UInt64(dataset.featureCount))
        switch dataset.features {
        case .dense(let m):
            hasher.mix(1)
            m.values.withUnsafeBytes { hasher.mix(bytes: $0) }
        case .sparse(let m):
            hasher.mix(2)
            m.rowOffsets.withUnsafeBytes { hasher.mix(bytes: $0) }
            m.columnIndices.withUnsafeBytes { hasher.mix(bytes: $0) }
            m.values.withUnsafeBytes { hasher.mix(bytes: $0) }
        }
        dataset.labels.withUnsafeBytes { hasher.mix(bytes: $0) }
        if let weights = dataset.sampleWeights { weights.withUnsafeBytes { hasher.mix(bytes: $0) } }
        let value = hasher.finish()
        let hex = String(value, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}

/// A fast multiply–rotate hash over 64-bit words.
private struct WordHasher {
    private var state: UInt64 = 0x243F_6A88_85A3_08D3

    mutating func mix(_ word: UInt64) {
        state = (state ^ word) &* 0x9FB2_1C65_1E98_DF25
        state = (state << 29) | (state >> 35)
    }

    mutating func mix(bytes: UnsafeRawBufferPointer) {
        let words = bytes.count / 8
        for i in 0 ..< words { mix(bytes.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self)) }
        var tail: UInt64 = 0
        for i in words * 8 ..< bytes.count { tail = (tail << 8) | UInt64(bytes[i]) }
        mix(tail ^ UInt64(bytes.count))
    }

    func finish() -> UInt64 {
        var z = state
        z = (z ^ (z >> 33)) &* 0xFF51_AFD7_ED55_8CCD
        z = (z ^ (z >> 33)) &* 0xC4CE_B9FE_1A85_EC53
        return z ^ (z >> 33)
    }
}
