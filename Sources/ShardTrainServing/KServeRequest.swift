import ShardTrain

/// The Open Inference Protocol (KServe v2) request body: one input tensor of shape
/// `[batch, features]`, FP32 (or FP64), in JSON (`data` flat in row-major order or nested) or as
/// raw little-endian bytes after the JSON (the binary tensor extension, which the
/// `Inference-Header-Content-Length` header announces).
package enum KServeRequest {
    /// - Parameter maxRows: the most rows one request may score (``ModelServer/Configuration/maxRows``).
    package static func parse(body: [UInt8], jsonLength: Int?, featureCount: Int, maxRows: Int = .max) throws(ServingError) -> InferenceRequest {
        var json = body
        var binary: ArraySlice<UInt8> = []
        if let jsonLength {
            guard jsonLength >= 0, jsonLength <= body.count else {
                throw .badRequest("Inference-Header-Content-Length is \(jsonLength) but the body has \(body.count) bytes")
            }
            json = Array(body[..<jsonLength])
            binary = body[jsonLength...]
        }
        let fields = try RequestJSON.parse(json)
        guard case .array(let inputs)? = RequestJSON.field("inputs", in: fields) else {
            throw .badRequest("the request needs \"inputs\": an array with one input tensor")
        }
        guard inputs.count == 1, case .object(let input) = inputs[0] else {
            throw .badRequest("\"inputs\" must hold exactly one tensor object, got \(inputs.count) entries")
        }
        let name: String
        if case .string(let text)? = RequestJSON.field("name", in: input) { name = text } else { name = "input" }
        guard case .string(let datatype)? = RequestJSON.field("datatype", in: input) else {
            throw .badRequest("input \"\(name)\" needs a \"datatype\" (FP32)")
        }
        guard datatype == "FP32" || datatype == "FP64" else {
            throw .badRequest("input \"\(name)\" has datatype \(datatype); this model takes FP32 (or FP64)")
        }
        guard case .array(let shapeValues)? = RequestJSON.field("shape", in: input) else {
            throw .badRequest("input \"\(name)\" needs a \"shape\" [batch, \(featureCount)]")
        }
        let shape = shapeValues.compactMap(\.nonNegativeInteger)
        guard shape.count == shapeValues.count, shape.count == 2 else {
            throw .badRequest("input \"\(name)\" has shape \(describe(shapeValues)); expected [batch, \(featureCount)]")
        }
        guard shape[1] == featureCount else {
            throw .badRequest("input \"\(name)\" has shape [\(shape[0]), \(shape[1])]; this model takes \(featureCount) features: [batch, \(featureCount)]")
        }
        let batch = shape[0]
        guard batch > 0 else { throw .badRequest("input \"\(name)\" has an empty batch") }
        guard batch <= maxRows else { throw .tooManyRows(batch, limit: maxRows) }
        // A declared size is checked against the bytes received before anything is allocated
        // for it: a JSON value takes at least one byte, a binary one its width.
        let (count, overflow) = batch.multipliedReportingOverflow(by: featureCount)
        let binaryWidth = datatype == "FP32" ? 4 : 8
        let isBinary: Bool
        if case .object(let parameters)? = RequestJSON.field("parameters", in: input),
           RequestJSON.field("binary_data_size", in: parameters) != nil {
            isBinary = true
        } else {
            isBinary = false
        }
        guard !overflow else {
            throw .badRequest("input \"\(name)\" declares shape [\(batch), \(featureCount)]: more values than can be addressed")
        }
        if isBinary, count > binary.count / binaryWidth {
            throw .badRequest("input \"\(name)\" declares shape [\(batch), \(featureCount)] of \(datatype) but only \(binary.count) bytes follow the JSON")
        }
        var values: [Float] = []
        values.reserveCapacity(min(count, isBinary ? count : json.count))
        if case .object(let parameters)? = RequestJSON.field("parameters", in: input),
           let size = RequestJSON.field("binary_data_size", in: parameters) {
            guard let bytes = size.nonNegativeInteger else {
                throw .badRequest("input \"\(name)\": binary_data_size is \(size.typeName), expected a byte count")
            }
            let width = binaryWidth
            guard bytes == count * width else {
                throw .badRequest("input \"\(name)\": binary_data_size is \(bytes) bytes; shape [\(batch), \(featureCount)] of \(datatype) needs \(count * width)")
            }
            guard binary.count >= bytes else {
                throw .badRequest("input \"\(name)\": binary_data_size is \(bytes) bytes but only \(binary.count) follow the JSON")
            }
            values = decodeBinary(binary.prefix(bytes), width: width)
        } else {
            guard let data = RequestJSON.field("data", in: input) else {
                throw .badRequest("input \"\(name)\" has no \"data\"")
            }
            try flatten(data, into: &values, limit: count, name: name)
            guard values.count == count else {
                throw .badRequest("input \"\(name)\" has \(values.count) values; shape [\(batch), \(featureCount)] needs \(count)")
            }
        }
        if let bad = values.firstIndex(where: { !$0.isFinite }) {
            throw .badRequest("input \"\(name)\": row \(bad / featureCount + 1), feature \(bad % featureCount + 1) is \(values[bad]); NaN and infinite inputs are refused")
        }
        var request = InferenceRequest(rows: .dense(DenseMatrix(uncheckedRows: batch, columns: featureCount, values: values)))
        if case .string(let id)? = RequestJSON.field("id", in: fields) { request.id = id }
        var binaryAll = false
        if case .object(let parameters)? = RequestJSON.field("parameters", in: fields),
           case .bool(let flag)? = RequestJSON.field("binary_data_output", in: parameters) {
            binaryAll = flag
        }
        if case .array(let outputs)? = RequestJSON.field("outputs", in: fields) {
            for output in outputs {
                guard case .object(let spec) = output, case .string(let outputName)? = RequestJSON.field("name", in: spec) else {
                    throw .badRequest("each of \"outputs\" must be an object with a \"name\"")
                }
                request.outputs.append(outputName)
                if case .object(let parameters)? = RequestJSON.field("parameters", in: spec),
                   case .bool(true)? = RequestJSON.field("binary_data", in: parameters) {
                    request.binaryOutputs.insert(outputName)
                }
            }
        }
        if binaryAll { request.binaryOutputs.insert("*") }
        return request
    }

    private static func decodeBinary(_ bytes: ArraySlice<UInt8>, width: Int) -> [Float] {
        var values = [Float](repeating: 0, count: bytes.count / width)
        bytes.withUnsafeBytes { raw in
            for i in values.indices {
                if width == 4 {
                    values[i] = Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: i * 4, as: UInt32.self)))
                } else {
                    values[i] = Float(Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self))))
                }
            }
        }
        return values
    }

    /// Appends the numbers of `data` (flat, or nested arrays) in row-major order.
    private static func flatten(_ data: JSONValue, into values: inout [Float], limit: Int, name: String) throws(ServingError) {
        switch data {
        case .array(let items):
            for item in items {
                if case .array = item {
                    try flatten(item, into: &values, limit: limit, name: name)
                } else {
                    guard values.count < limit else {
                        throw .badRequest("input \"\(name)\" has more values than its shape holds (\(limit))")
                    }
                    values.append(try RequestJSON.number(item, "input \"\(name)\" value \(values.count + 1)"))
                }
            }
        default:
            throw .badRequest("input \"\(name)\": \"data\" is \(data.typeName), expected an array of numbers")
        }
    }

    private static func describe(_ values: [JSONValue]) -> String {
        "[" + values.map { value -> String in
            if case .number(let text) = value { return text }
            return value.typeName
        }.joined(separator: ", ") + "]"
    }
}
