/// A parsed JSON value, kept close to its text so that readers can check types strictly.
///
/// Numbers keep their literal text: a reader decides whether `3`, `3.0` or `1e2` is acceptable
/// where it expects an integer. Objects keep their keys in order (duplicates are rejected by
/// the parser).
package enum JSONValue: Sendable, Equatable {
    case object([(key: String, value: JSONValue)])
    case array([JSONValue])
    case string(String)
    case number(String)
    case bool(Bool)
    case null

    package static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case let (.object(a), .object(b)):
            a.count == b.count && zip(a, b).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        case let (.array(a), .array(b)): a == b
        case let (.string(a), .string(b)): a == b
        case let (.number(a), .number(b)): a == b
        case let (.bool(a), .bool(b)): a == b
        case (.null, .null): true
        default: false
        }
    }

    /// The JSON type's name, for error messages ("an object", "a number", …).
    package var typeName: String {
        switch self {
        case .object: "an object"
        case .array: "an array"
        case .string: "a string"
        case .number(let text): "the number \(text)"
        case .bool(let value): "\(value)"
        case .null: "null"
        }
    }

    /// The value of a non-negative integer literal (`0`, `17`; not `1.0`, `-1` or `1e3`) that
    /// fits in `Int`, or nil.
    package var nonNegativeInteger: Int? {
        guard case .number(let text) = self,
              text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
              text == "0" || !text.hasPrefix("0")
        else { return nil }
        return Int(text)
    }

    /// The value of any number literal as a `Double`, or nil (also nil when it overflows).
    package var finiteDouble: Double? {
        guard case .number(let text) = self, let value = Double(text), value.isFinite else { return nil }
        return value
    }
}

/// Writing JSON text: the few pieces the safetensors header and the model metadata need.
package enum JSONText {
    /// `text` as a JSON string literal, quotes included. Non-ASCII characters stay as UTF-8;
    /// quotes, backslashes and control characters are escaped.
    package static func quoted(_ text: String) -> String {
        var out = "\""
        out.reserveCapacity(text.utf8.count + 2)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    /// A finite `Double` as a JSON number that reads back to the same value: integers
    /// without a fraction (`-1`, `3`), others in Swift's shortest round-trip form (`0.5`, `1e-07`).
    /// - Precondition: `value` is finite.
    package static func number(_ value: Double) -> String {
        precondition(value.isFinite, "JSON has no NaN or infinity")
        if value == value.rounded(), abs(value) < 0x1p53 {
            return value == 0 ? "0" : String(Int64(value))
        }
        return "\(value)"
    }
}

/// JSON string escaping, shared with the command-line tool's JSON output.
public enum JSONEscaping {
    /// `text` as a quoted JSON string literal.
    public static func quoted(_ text: String) -> String { JSONText.quoted(text) }
}
