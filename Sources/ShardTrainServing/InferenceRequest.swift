import ShardTrain

/// A parsed scoring request, whatever protocol it came in: the rows, and what to send back.
package struct InferenceRequest: Sendable {
    /// The rows, stored as `predict` would store them: dense rows that are mostly zeros become
    /// sparse rows (as a LIBSVM file is read), so that both sum the same terms in the same order
    /// and give the same probabilities to the last bit.
    package let rows: FeatureMatrix
    /// The request's `id` (KServe v2), echoed back.
    var id: String?
    /// Outputs asked for by name (KServe v2); empty for all.
    var outputs: [String] = []
    /// Outputs to send as raw bytes (the binary tensor extension), by name; `*` for all.
    var binaryOutputs: Set<String> = []

    init(rows: FeatureMatrix) {
        self.rows = Self.scoringLayout(rows)
    }

    /// `rows` as CSR when fewer than half of the dense entries are non-zero.
    static func scoringLayout(_ rows: FeatureMatrix) -> FeatureMatrix {
        guard case .dense(let matrix) = rows else { return rows }
        let nonZeros = matrix.values.reduce(0) { $0 + ($1 != 0 ? 1 : 0) }
        guard 2 * nonZeros < matrix.values.count else { return rows }
        var offsets = [0], indices: [Int32] = [], values: [Float] = []
        offsets.reserveCapacity(matrix.rows + 1)
        indices.reserveCapacity(nonZeros)
        values.reserveCapacity(nonZeros)
        for i in 0 ..< matrix.rows {
            let base = i * matrix.columns
            for j in 0 ..< matrix.columns where matrix.values[base + j] != 0 {
                indices.append(Int32(j))
                values.append(matrix.values[base + j])
            }
            offsets.append(indices.count)
        }
        return .sparse(SparseMatrix(uncheckedRows: matrix.rows, columns: matrix.columns, rowOffsets: offsets, columnIndices: indices, values: values))
    }
}

/// Reading JSON request bodies strictly, with errors that name the part that is wrong.
enum RequestJSON {
    static func parse(_ bytes: [UInt8]) throws(ServingError) -> [(key: String, value: JSONValue)] {
        let value: JSONValue
        do {
            value = try JSONParser.parse(bytes)
        } catch {
            throw .badRequest("malformed JSON at byte \(error.offset): \(error.message)")
        }
        guard case .object(let fields) = value else {
            throw .badRequest("the request body must be a JSON object, got \(value.typeName)")
        }
        return fields
    }

    static func field(_ name: String, in fields: [(key: String, value: JSONValue)]) -> JSONValue? {
        fields.first { $0.key == name }?.value
    }

    /// A finite number as Float, or a 400 that names `what`.
    static func number(_ value: JSONValue, _ what: @autoclosure () -> String) throws(ServingError) -> Float {
        switch value {
        case .number:
            guard let double = value.finiteDouble, Float(double).isFinite else {
                throw .badRequest("\(what()) is \(value.typeName), which is out of FP32 range")
            }
            return Float(double)
        case .string(let text) where ["nan", "inf", "-inf", "infinity", "-infinity"].contains(text.lowercased()):
            throw .badRequest("\(what()) is \(text): NaN and infinite inputs are refused")
        default:
            throw .badRequest("\(what()) is \(value.typeName), expected a number")
        }
    }
}
