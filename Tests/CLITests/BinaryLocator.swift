import Foundation
import TestSupport

/// Runs the built `shardtrain` executable, which SwiftPM puts next to the test binary.
enum CLI {
    static var executable: URL {
        let besideTests = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let candidates = [besideTests, Bundle.main.bundleURL.deletingLastPathComponent(),
                          Fixtures.repositoryRoot.appendingPathComponent(".build/release"),
                          Fixtures.repositoryRoot.appendingPathComponent(".build/debug")]
        for folder in candidates {
            let url = folder.appendingPathComponent("shardtrain")
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        return besideTests.appendingPathComponent("shardtrain")
    }

    /// Runs `shardtrain` with `arguments` from the repository root.
    static func run(_ arguments: [String]) throws -> ExternalTool.Output {
        _ = FileManager.default.changeCurrentDirectoryPath(Fixtures.repositoryRoot.path)
        return try ExternalTool.run(executable.path, arguments)
    }

    /// The last stdout line parsed as a JSON object.
    static func lastJSON(_ output: ExternalTool.Output) throws -> [String: Any] {
        let line = output.stdout.split(separator: "\n").last.map(String.init) ?? ""
        let object = try JSONSerialization.jsonObject(with: Data(line.utf8))
        return object as? [String: Any] ?? [:]
    }
}
