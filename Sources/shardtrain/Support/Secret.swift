import Foundation

/// The shared secret of a TCP training run: from `--secret-file`, else from the environment
/// variable `SHARDTRAIN_SECRET`. There is no default: no secret, no join.
enum Secret {
    static let environmentVariable = "SHARDTRAIN_SECRET"

    static func load(file: String?, what: String = "secret") throws -> [UInt8] {
        if let file {
            guard let data = FileManager.default.contents(atPath: file) else {
                throw CLIError("\(file): cannot read the \(what) file")
            }
            guard data.count <= 4096 else { throw CLIError("\(file): the \(what) file is \(data.count) bytes — at most 4096") }
            var bytes = Array(data)
            while let last = bytes.last, last == 0x0A || last == 0x0D { bytes.removeLast() }
            guard bytes.count >= 16 else { throw CLIError("\(file): the \(what) is \(bytes.count) bytes — use at least 16") }
            return bytes
        }
        if let value = ProcessInfo.processInfo.environment[environmentVariable], !value.isEmpty {
            guard value.utf8.count >= 16 else { throw CLIError("\(environmentVariable) is \(value.utf8.count) bytes — use at least 16") }
            return Array(value.utf8)
        }
        throw CLIError("TCP training needs a shared secret: give --secret-file FILE or set \(environmentVariable)")
    }

    /// Splits `HOST:PORT`; a bare `PORT` means 127.0.0.1 (loopback unless told otherwise).
    static func hostAndPort(_ text: String, option: String) throws -> (String, Int) {
        if let port = Int(text), (0 ... 65535).contains(port) { return ("127.0.0.1", port) }
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
              (0 ... 65535).contains(port), colon != text.startIndex else {
            throw CLIError("\(option) takes HOST:PORT, got \(text)")
        }
        return (String(text[..<colon]), port)
    }
}
