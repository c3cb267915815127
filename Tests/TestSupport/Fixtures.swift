import Foundation

/// Locations of the files tests read: the repository's `datasets/` folder and a scratch folder.
public enum Fixtures {
    /// The repository root (found from this source file's location).
    public static let repositoryRoot: URL = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0 ..< 3 { url.deleteLastPathComponent() }
        return url
    }()

    /// The path of a committed dataset, e.g. `dataset("a9a")`.
    public static func dataset(_ name: String) -> String {
        repositoryRoot.appendingPathComponent("datasets").appendingPathComponent(name).path
    }

    /// A fresh, empty scratch folder for one test.
    public static func scratchDirectory(_ label: String = "test") -> String {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("shardtrain-\(label)-\(UUID().uuidString)").path
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// Writes `text` to a new file in a scratch folder and returns its path.
    public static func writeTemporaryFile(_ text: String, name: String = "data.txt") -> String {
        let path = scratchDirectory("file") + "/" + name
        _ = FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
        return path
    }
}
