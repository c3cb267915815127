import ShardTrain

/// The TF Serving REST `:predict` body: `{"instances": [...]}` (or the columnar `"inputs"`,
/// which for one input tensor is the same list), each row either a list of the model's
/// feature values or an object of `"index": value` pairs for a sparse row, indices counted
/// from 1 as in LIBSVM files.
package enum TFServingRequest {
    /// - Parameter maxRows: the most rows one request may score (``ModelServer/Configuration/maxRows``).
    package static func parse(body: [UInt8], featureCount: Int, maxRows: Int = .max) throws(ServingError) -> InferenceRequest {
        let fields = try RequestJSON.parse(body)
        let key = RequestJSON.field("instances", in: fields) != nil ? "instances" : "inputs"
        guard let list = RequestJSON.field(key, in: fields) else {
            throw .badRequest("the request needs \"instances\": a list of rows")
        }
        guard case .array(let rows) = list, !rows.isEmpty else {
            throw .badRequest("\"\(key)\" must be a non-empty list of rows, got \(list.typeName)")
        }
        guard rows.count <= maxRows else { throw .tooManyRows(rows.count, limit: maxRows) }
        if rows.allSatisfy({ if case .array = $0 { true } else { false } }) {
            var values: [Float] = []
            // Reserve no more than the body could hold (a value takes at least one byte): rows
            // are checked one by one below, after the reservation.
            values.reserveCapacity(min(rows.count.multipliedReportingOverflow(by: featureCount).partialValue, body.count))
            for (r, row) in rows.enumerated() {
                guard case .array(let items) = row, items.count == featureCount else {
                    let count = if case .array(let items) = row { items.count } else { 0 }
                    throw .badRequest("\(key)[\(r)] has \(count) values; this model takes \(featureCount) features")
                }
                for (j, item) in items.enumerated() {
                    values.append(try RequestJSON.number(item, "\(key)[\(r)][\(j)]"))
                }
            }
            return InferenceRequest(rows: .dense(DenseMatrix(uncheckedRows: rows.count, columns: featureCount, values: values)))
        }
        var offsets = [0]
        var indices: [Int32] = []
        var values: [Float] = []
        for (r, row) in rows.enumerated() {
            guard case .object(let pairs) = row else {
                throw .badRequest("\(key)[\(r)] is \(row.typeName); rows are lists of numbers or {\"index\": value} objects, not a mix")
            }
            var entries: [(Int32, Float)] = []
            entries.reserveCapacity(pairs.count)
            for (name, value) in pairs {
                guard let index = Int(name), index >= 1, String(index) == name else {
                    throw .badRequest("\(key)[\(r)] has key \"\(name)\"; keys are feature indices from 1 to \(featureCount)")
                }
                guard index <= featureCount else {
                    throw .badRequest("\(key)[\(r)] has feature \(index); this model takes \(featureCount) features")
                }
                entries.append((Int32(index - 1), try RequestJSON.number(value, "\(key)[\(r)][\"\(name)\"]")))
            }
            entries.sort { $0.0 < $1.0 }
            for (index, value) in entries {
                indices.append(index)
                values.append(value)
            }
            offsets.append(indices.count)
        }
        return InferenceRequest(rows: .sparse(SparseMatrix(uncheckedRows: rows.count, columns: featureCount, rowOffsets: offsets,
                                                           columnIndices: indices, values: values)))
    }
}
