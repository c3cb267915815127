import Foundation
import TestSupport

/// Finds the built `shardtrain` executable next to the test bundle.
enum BinaryLocator {
    static var shardtrain: URL {
        let candidates = [Bundle.main.bundleURL.deletingLastPathComponent(), Bundle.main.bundleURL,
                          Fixtures.repositoryRoot.appendingPathComponent(".build/debug")]
        for folder in candidates {
            let url = folder.appendingPathComponent("shardtrain")
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        return Fixtures.repositoryRoot.appendingPathComponent(".build/debug/shardtrain")
    }
}
