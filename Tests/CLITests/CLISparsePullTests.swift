import Foundation
import Testing
import ShardTrain
import TestSupport

/// Sparse pull across worker processes: four shards of block-structured data each pull and push
/// a quarter of the parameters, and `kill -9` of one mid-run changes nothing.
@Suite struct CLISparsePullTests {
    @Test func keyedWorkersSurviveKillAndMoveAQuarterOfTheBytes() throws {
        let folder = Fixtures.scratchDirectory("cli-sparse-pull")
        let data = folder + "/blocks.svm"
        try LIBSVMWriter.write(try Datasets.blocks(), to: data)
        func train(_ extra: [String]) throws -> [String: Any] {
            let run = try CLI.run(["train", "--model", "logistic", "--data", data, "--workers", "4", "--tolerance", "1e-8",
                                   "--quiet", "--json", "--no-profile", "--output", folder + "/m"] + extra)
            try #require(run.status == 0, "\(run.stderr)")
            return try CLI.lastJSON(run)
        }
        let metrics = folder + "/rounds.jsonl"
        let clean = try train(["--metrics-out", metrics])
        let drilled = try train(["--kill-worker", "2@6"])
        #expect(drilled["replaced_workers"] as? Int == 1)
        let a = try #require(clean["objective"] as? Double), b = try #require(drilled["objective"] as? Double)
        #expect(abs(a - b) <= 1e-6 * a, "\(b) vs uninterrupted \(a)")
        // 20,021 parameters: a dense evaluate is 80 kB each way; keyed, under a third of that.
        let rounds = try String(contentsOfFile: metrics, encoding: .utf8).split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
        let workers = rounds.flatMap { $0["workers"] as? [[String: Any]] ?? [] }
        let received = workers.compactMap { $0["bytes_received"] as? Int }
        #expect(received.count >= 4 * rounds.count && !received.isEmpty)
        #expect(received.allSatisfy { $0 < 80_084 / 3 }, "\(received.max() ?? 0) bytes pushed in one round")
        try? FileManager.default.removeItem(atPath: folder)
    }
}
