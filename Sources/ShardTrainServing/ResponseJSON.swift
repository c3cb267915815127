import ShardTrain

/// Writing response bodies: JSON text, built directly (the responses are small and regular).
enum ResponseJSON {
    static func number(_ value: Double) -> String {
        value.isFinite ? JSONText.number(value) : "null"
    }

    static func string(_ text: String) -> String { JSONText.quoted(text) }

    static func error(_ message: String) -> String { "{\"error\":\(string(message))}" }

    static func numbers(_ values: some Sequence<Double>) -> String {
        var text = "["
        var first = true
        for value in values {
            if !first { text += "," }
            text += number(value)
            first = false
        }
        return text + "]"
    }
}

/// The KServe v2 infer response: each output as a tensor, in JSON or, when asked for, as raw
/// little-endian bytes after the JSON (binary tensor extension).
enum KServeResponse {
    struct Encoded {
        var body: [UInt8]
        /// Set when outputs travel as bytes: the length of the JSON part.
        var jsonLength: Int?
    }

    static func encode(_ prediction: Prediction, model: ServedModel, request: InferenceRequest) throws(ServingError) -> Encoded {
        let available = Prediction.outputNames(of: model.model.kind)
        let names = request.outputs.isEmpty ? available : request.outputs
        if let unknown = names.first(where: { !available.contains($0) }) {
            throw .badRequest("model \"\(model.name)\" has no output \"\(unknown)\" (outputs: \(available.joined(separator: ", ")))")
        }
        let batch = prediction.labels.count
        var json = "{\"model_name\":\(ResponseJSON.string(model.name)),\"model_version\":\"\(model.version)\""
        if let id = request.id { json += ",\"id\":\(ResponseJSON.string(id))" }
        json += ",\"outputs\":["
        var binary: [UInt8] = []
        for (i, name) in names.enumerated() {
            let (values, shape): ([Double], String) = name == "probabilities"
                ? (prediction.probabilities, "[\(batch),\(prediction.classes)]") : (prediction.labels, "[\(batch)]")
            if i > 0 { json += "," }
            json += "{\"name\":\"\(name)\",\"datatype\":\"FP64\",\"shape\":\(shape)"
            if request.binaryOutputs.contains(name) || request.binaryOutputs.contains("*") {
                json += ",\"parameters\":{\"binary_data_size\":\(values.count * 8)}}"
                for value in values { withUnsafeBytes(of: value.bitPattern.littleEndian) { binary.append(contentsOf: $0) } }
            } else {
                json += ",\"data\":\(ResponseJSON.numbers(values))}"
            }
        }
        json += "]}"
        var body = Array(json.utf8)
        if binary.isEmpty { return Encoded(body: body) }
        let length = body.count
        body += binary
        return Encoded(body: body, jsonLength: length)
    }
}

/// The TF Serving `:predict` response: `{"predictions": [...]}`, a number per row for
/// regression, `{"label": l, "probabilities": [...]}` per row for classifiers.
enum TFServingResponse {
    static func encode(_ prediction: Prediction) -> [UInt8] {
        var json = "{\"predictions\":["
        for i in prediction.labels.indices {
            if i > 0 { json += "," }
            if prediction.classes == 0 {
                json += ResponseJSON.number(prediction.labels[i])
            } else {
                let k = prediction.classes
                json += "{\"label\":\(ResponseJSON.number(prediction.labels[i])),\"probabilities\":"
                    + ResponseJSON.numbers(prediction.probabilities[i * k ..< (i + 1) * k]) + "}"
            }
        }
        return Array((json + "]}").utf8)
    }
}
