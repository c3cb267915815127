import Foundation
import TestSupport

/// A `shardtrain serve` process for a test: started on a free port, stopped with SIGTERM.
final class ServerProcess {
    let process = Process()
    let port: Int
    let stderrPath: String
    private let stdout = Pipe()

    /// Starts the server and waits (up to 60 s) for the line that names its port.
    init(_ arguments: [String]) throws {
        stderrPath = Fixtures.scratchDirectory("serve-log") + "/stderr.txt"
        _ = FileManager.default.createFile(atPath: stderrPath, contents: nil)
        process.executableURL = CLI.executable
        process.arguments = ["serve", "--port", "0"] + arguments
        process.currentDirectoryURL = Fixtures.repositoryRoot
        process.standardOutput = stdout
        process.standardError = FileHandle(forWritingAtPath: stderrPath)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        var text = ""
        let deadline = Date().addingTimeInterval(60)
        while !text.contains("\n"), Date() < deadline, process.isRunning {
            let chunk = stdout.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            text += String(decoding: chunk, as: UTF8.self)
        }
        guard let line = text.split(separator: "\n").first, line.hasPrefix("serving on http"),
              let port = line.split(separator: ":").last.flatMap({ Int($0) }) else {
            process.terminate()
            process.waitUntilExit()
            throw ServerError(message: "the server did not start: \(text) \(Self.read(stderrPath))")
        }
        self.port = port
        scheme = line.hasPrefix("serving on https") ? "https" : "http"
    }

    /// `http` or `https`, as the server said.
    let scheme: String

    struct ServerError: Error, CustomStringConvertible {
        let message: String
        var description: String { message }
    }

    var base: String { "\(scheme)://127.0.0.1:\(port)" }

    /// What the server has written to stderr so far (its log).
    var log: String { Self.read(stderrPath) }

    /// SIGTERM, then waits for the exit; returns the exit status.
    @discardableResult
    func stop() -> Int32 {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        return process.terminationStatus
    }

    deinit { stop() }

    static func read(_ path: String) -> String {
        (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
    }
}

/// HTTP from the tests, through curl (a client nobody here wrote).
enum HTTP {
    struct Reply {
        var status: Int
        var body: Data
        var headers: String
        var text: String { String(decoding: body, as: UTF8.self) }
        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:] }
        var error: String { json["error"] as? String ?? "" }

        /// The numbers of the first JSON array after `marker` in the body, read as Swift reads
        /// them (Foundation's JSON parser may round the last bit differently).
        func numbers(after marker: String, occurrence: Int = 0) -> [Double] {
            var rest = Substring(text)
            for _ in 0 ... occurrence {
                guard let found = rest.range(of: marker) else { return [] }
                rest = rest[found.upperBound...]
            }
            guard let open = rest.firstIndex(of: "[") else { return [] }
            var depth = 0
            var end = open
            for index in rest[open...].indices {
                if rest[index] == "[" { depth += 1 }
                if rest[index] == "]" { depth -= 1; if depth == 0 { end = index; break } }
            }
            return rest[open ... end].split(whereSeparator: { "[], ".contains($0) }).compactMap { Double($0) }
        }
    }

    static func send(_ method: String, _ url: String, body: Data? = nil, headers: [String] = [], curl extra: [String] = []) throws -> Reply {
        let folder = Fixtures.scratchDirectory("http")
        var arguments = ["-s", "-S", "-X", method, "-o", folder + "/body", "-D", folder + "/headers", "-w", "%{http_code}",
                         "--max-time", "30"]
        if let body {
            _ = FileManager.default.createFile(atPath: folder + "/request", contents: body)
            arguments += ["--data-binary", "@" + folder + "/request", "-H", "Content-Type: application/json"]
        }
        for header in headers { arguments += ["-H", header] }
        let run = try ExternalTool.run("curl", arguments + extra + [url])
        let status = Int(run.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
        return Reply(status: status, body: FileManager.default.contents(atPath: folder + "/body") ?? Data(),
                     headers: ServerProcess.read(folder + "/headers"))
    }

    static func get(_ url: String) throws -> Reply { try send("GET", url) }

    static func post(_ url: String, json: String, headers: [String] = []) throws -> Reply {
        try send("POST", url, body: Data(json.utf8), headers: headers)
    }
}

/// Rows of a LIBSVM file as dense vectors (for requests) and as the file's lines.
enum LIBSVMRows {
    static func dense(_ path: String, features: Int, limit: Int) throws -> [[Float]] {
        try lines(path, limit: limit).map { line in
            var row = [Float](repeating: 0, count: features)
            for pair in line.split(separator: " ").dropFirst() {
                let parts = pair.split(separator: ":")
                if parts.count == 2, let index = Int(parts[0]), let value = Float(parts[1]), index >= 1, index <= features {
                    row[index - 1] = value
                }
            }
            return row
        }
    }

    static func lines(_ path: String, limit: Int) throws -> [String] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").prefix(limit).map(String.init)
    }

    /// `{"inputs": [{"name": "input", "shape": [n, f], "datatype": "FP32", "data": [...]}]}`.
    static func kserve(_ rows: [[Float]], extra: String = "") -> String {
        let data = rows.map { "[" + $0.map { "\($0)" }.joined(separator: ",") + "]" }.joined(separator: ",")
        return "{\"inputs\":[{\"name\":\"input\",\"shape\":[\(rows.count),\(rows.first?.count ?? 0)],\"datatype\":\"FP32\",\"data\":[\(data)]}]\(extra)}"
    }
}
