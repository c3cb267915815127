/// Where the server finds a model: one file (`--model NAME=PATH`, served as version 1), or a
/// folder of versions (`--model-dir [NAME=]DIR`: numbered subfolders, each with one model file;
/// the highest number is the latest, as TF Serving does).
public enum ModelSource: Sendable, Equatable {
    case file(name: String, path: String)
    case directory(name: String, path: String)

    public var name: String {
        switch self {
        case .file(let name, _), .directory(let name, _): name
        }
    }

    /// `NAME=PATH`.
    public static func file(argument: String) throws(ServingError) -> ModelSource {
        guard let equals = argument.firstIndex(of: "="), equals != argument.startIndex,
              argument.index(after: equals) != argument.endIndex else {
            throw ServingError(.badRequest, "--model takes NAME=PATH, got \"\(argument)\"")
        }
        let name = String(argument[..<equals])
        try checkName(name)
        return .file(name: name, path: String(argument[argument.index(after: equals)...]))
    }

    /// `NAME=DIR`, or `DIR` (named after its last path component).
    public static func directory(argument: String) throws(ServingError) -> ModelSource {
        if let equals = argument.firstIndex(of: "="), equals != argument.startIndex {
            let name = String(argument[..<equals])
            try checkName(name)
            return .directory(name: name, path: String(argument[argument.index(after: equals)...]))
        }
        let trimmed = argument.hasSuffix("/") && argument.count > 1 ? String(argument.dropLast()) : argument
        let name = trimmed.split(separator: "/").last.map(String.init) ?? trimmed
        try checkName(name)
        return .directory(name: name, path: argument)
    }

    /// Model names go into URLs and metric labels: letters, digits, `-`, `_` and `.` only.
    static func checkName(_ name: String) throws(ServingError) {
        let allowed = name.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".")
        }
        guard !name.isEmpty, allowed else {
            throw ServingError(.badRequest, "model name \"\(name)\" may hold only letters, digits, '-', '_' and '.'")
        }
    }
}
