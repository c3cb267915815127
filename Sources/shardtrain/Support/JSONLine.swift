import ShardTrain

/// Builds one JSON object, keys in insertion order, for the last line of `--json` output.
struct JSONLine {
    private var fields: [String] = []

    mutating func add(_ key: String, _ value: Double?) {
        guard let value else { return add(key, raw: "null") }
        add(key, raw: value.isFinite ? "\(value)" : "null")
    }

    mutating func add(_ key: String, _ value: Int) { add(key, raw: String(value)) }
    mutating func add(_ key: String, _ value: Bool) { add(key, raw: value ? "true" : "false") }
    mutating func add(_ key: String, _ value: String) { add(key, raw: Self.quote(value)) }
    mutating func add(_ key: String, object: JSONLine) { add(key, raw: object.rendered) }

    mutating func add(_ key: String, raw: String) { fields.append("\(Self.quote(key)):\(raw)") }

    var rendered: String { "{" + fields.joined(separator: ",") + "}" }

    static func quote(_ text: String) -> String { JSONEscaping.quoted(text) }
}

extension EvaluationReport {
    /// The metrics as a JSON object.
    var json: JSONLine {
        var line = JSONLine()
        for (name, value) in values { line.add(name, value) }
        return line
    }
}
