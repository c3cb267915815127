import Foundation
import Testing
import TestSupport

/// `train --workers N`: real worker processes, each parsing its own byte range of the file,
/// talking to the parameter server over a Unix-domain socket.
@Suite(.serialized) struct CLIDistributedTests {
    static func train(workers: Int, _ extra: [String] = []) throws -> [String: Any] {
        let model = Fixtures.scratchDirectory("cli-workers") + "/a9a.model"
        let run = try CLI.run(["train", "--model", "logistic", "--data", "datasets/a9a", "--test", "datasets/a9a.t",
                               "--features", "123", "--workers", String(workers), "--quiet", "--json", "--output", model] + extra)
        #expect(run.status == 0, "\(run.stderr)")
        return try CLI.lastJSON(run)
    }

    /// Full-batch L-BFGS and Newton (to a gradient tolerance of 1e-6: the default rule stops
    /// where float32 rounding of the reduce decides the last digits) end at the same objective
    /// (1e-6 relative) with the same test accuracy for 1, 2, 3 and 4 workers.
    @Test(arguments: [["--optimizer", "lbfgs"], ["--optimizer", "newton", "--tolerance", "1e-6"]])
    func sameAnswerForAnyWorkerCount(_ optimizer: [String]) throws {
        let reference = try Self.train(workers: 1, optimizer)
        let objective = try #require(reference["objective"] as? Double)
        let accuracy = try #require(reference["test_accuracy"] as? Double)
        for workers in 2 ... 4 {
            let result = try Self.train(workers: workers, optimizer)
            let other = try #require(result["objective"] as? Double)
            #expect(abs(other - objective) <= 1e-6 * objective, "\(workers) workers: \(other) vs \(objective)")
            #expect(abs((result["test_accuracy"] as? Double ?? 0) - accuracy) <= 1e-4)
            #expect(result["workers"] as? Int == workers)
            #expect((result["reduce_rounds"] as? Int ?? 0) > 0)
        }
    }

    @Test func metricsOutRecordsEveryRoundPerWorker() throws {
        let path = Fixtures.scratchDirectory("metrics") + "/rounds.jsonl"
        let result = try Self.train(workers: 2, ["--metrics-out", path, "--max-iterations", "10"])
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == result["reduce_rounds"] as? Int)
        let first = try #require(try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
        let workers = try #require(first["workers"] as? [[String: Any]])
        #expect(workers.count == 2)
        #expect(workers.allSatisfy { ($0["compute_seconds"] as? Double ?? -1) >= 0 && ($0["bytes_received"] as? Int ?? 0) > 0 })
    }

    /// Mini-batch SGD with a fixed seed is reproducible run to run for a fixed worker count.
    @Test func miniBatchSGDIsReproducible() throws {
        let options = ["--optimizer", "sgd", "--epochs", "8", "--seed", "9"]
        let first = try Self.train(workers: 3, options), second = try Self.train(workers: 3, options)
        #expect(first["objective"] as? Double == second["objective"] as? Double)
        #expect((first["objective"] as? Double ?? .infinity) < 10_528.6 * 1.01)
    }

    /// `kill -9` of a worker mid-run (round 20 of about 45, inside Newton's conjugate-gradient
    /// rounds, whose requests name the point by version): a new worker process takes its
    /// shard and recomputes the round, and the run ends at the same objective as an
    /// uninterrupted one.
    @Test func killedWorkerIsReplacedAndTheResultIsUnchanged() throws {
        let clean = try Self.train(workers: 3)
        let drilled = try Self.train(workers: 3, ["--kill-worker", "1@20"])
        #expect(drilled["replaced_workers"] as? Int == 1)
        let a = try #require(clean["objective"] as? Double), b = try #require(drilled["objective"] as? Double)
        #expect(abs(a - b) <= 1e-6 * a, "\(b) vs uninterrupted \(a)")
    }

    /// `kill -9` of the coordinator at round 150, then `--resume` from its last checkpoint: the
    /// run ends at the same objective (and iteration count) as an uninterrupted one.
    @Test func killedCoordinatorResumesFromItsCheckpoint() throws {
        let clean = try Self.train(workers: 2, ["--optimizer", "lbfgs"])
        let folder = Fixtures.scratchDirectory("checkpoints")
        let model = folder + "/a9a.model"
        let common = ["train", "--model", "logistic", "--data", "datasets/a9a", "--features", "123", "--workers", "2",
                      "--optimizer", "lbfgs", "--quiet", "--json", "--checkpoint-dir", folder, "--checkpoint-every", "5", "--output", model]
        let before = Self.socketFolders()
        let crashed = try CLI.run(common + ["--kill-coordinator", "150"])
        #expect(crashed.status != 0)
        // Other tests run coordinators at the same time: only folders whose process is gone are
        // the killed coordinator's.
        let stale = Self.socketFolders().subtracting(before).filter { name in
            let pid = name.split(separator: "-")[1]
            return Int32(pid).map { kill($0, 0) != 0 } ?? false
        }
        #expect(!stale.isEmpty, "a coordinator killed with SIGKILL leaves its socket folder")
        #expect(FileManager.default.fileExists(atPath: folder + "/checkpoint.json"))
        #expect(!FileManager.default.fileExists(atPath: model))
        let resumed = try CLI.run(common + ["--resume"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        let result = try CLI.lastJSON(resumed)
        let a = try #require(clean["objective"] as? Double), b = try #require(result["objective"] as? Double)
        #expect(abs(a - b) <= 1e-6 * a, "\(b) vs uninterrupted \(a)")
        #expect(result["iterations"] as? Int == clean["iterations"] as? Int)
        #expect(Self.socketFolders().isDisjoint(with: stale), "the next run removes a dead coordinator's socket folder")
    }

    /// The coordinators' socket folders in the temporary directory.
    static func socketFolders() -> Set<String> {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: FileManager.default.temporaryDirectory.path)) ?? []
        return Set(names.filter { $0.hasPrefix("shardtrain-") && $0.split(separator: "-").count == 3 })
    }

    @Test func resumeRefusesAnotherRunsCheckpoint() throws {
        let folder = Fixtures.scratchDirectory("checkpoints-other")
        let first = try CLI.run(["train", "--model", "logistic", "--data", "datasets/dna.scale", "--model", "softmax", "--quiet",
                                 "--checkpoint-dir", folder, "--checkpoint-every", "2", "--max-iterations", "4",
                                 "--output", folder + "/m"])
        #expect(first.status == 0, "\(first.stderr)")
        let other = try CLI.run(["train", "--model", "logistic", "--data", "datasets/a9a", "--quiet", "--checkpoint-dir", folder,
                                 "--resume", "--output", folder + "/m2"])
        #expect(other.status != 0)
        #expect(other.stderr.contains("another run"))
    }

    /// A worker that cannot read its data fails the run with a message naming it; no worker
    /// process is left behind.
    @Test func aWorkerFailureIsReportedClearly() throws {
        let path = Fixtures.writeTemporaryFile("+1 1:1\n-1 2:1\n+1 3:x\n-1 1:1\n", name: "broken.svm")
        let run = try CLI.run(["train", "--model", "logistic", "--data", path, "--workers", "2", "--output",
                               Fixtures.scratchDirectory() + "/m"])
        #expect(run.status != 0)
        #expect(run.stderr.contains("worker 1"))
        #expect(run.stderr.contains("broken.svm:3"))
        #expect(run.stderr.components(separatedBy: "broken.svm:3").count == 2, "said once, not by the worker and the coordinator both")
    }

    /// A worker that hangs (SIGSTOP) stops its heartbeats: it is declared hung within the
    /// heartbeat timeout, far below the answer timeout, replaced, and the run ends at the same
    /// objective as an uninterrupted one.
    @Test func hungWorkerIsFoundByItsSilenceAndReplaced() throws {
        let clean = try Self.train(workers: 3)
        let start = Date()
        let drilled = try Self.train(workers: 3, ["--stop-worker", "2@20", "--heartbeat-timeout", "1", "--worker-timeout", "600"])
        #expect(Date().timeIntervalSince(start) < 60)
        #expect(drilled["replaced_workers"] as? Int == 1)
        let a = try #require(clean["objective"] as? Double), b = try #require(drilled["objective"] as? Double)
        #expect(abs(a - b) <= 1e-6 * a, "\(b) vs uninterrupted \(a)")
    }

    /// Bounded staleness (with a straggler) and local SGD train with real worker processes to
    /// within 2% of the synchronous objective; local steps need far fewer rounds.
    @Test func asynchronousAndLocalStepModesTrain() throws {
        let common = ["--optimizer", "adam", "--epochs", "4", "--seed", "3"]
        let sync = try Self.train(workers: 3, common)
        let async = try Self.train(workers: 3, common + ["--async", "--staleness", "2", "--slow-worker", "0:0.001"])
        let local = try Self.train(workers: 3, common + ["--local-steps", "8"])
        let reference = try #require(sync["objective"] as? Double)
        for (name, run) in [("async", async), ("local steps", local)] {
            let objective = try #require(run["objective"] as? Double)
            #expect(objective <= reference * 1.02, "\(name): \(objective) vs synchronous \(reference)")
            #expect((run["test_accuracy"] as? Double ?? 0) >= 0.84, "\(name)")
        }
        #expect((local["reduce_rounds"] as? Int ?? .max) * 4 < (sync["reduce_rounds"] as? Int ?? 0))
        #expect((async["largest_staleness"] as? Int ?? -1) <= 2)
    }

    @Test func asynchronousModesAreRefusedWhereTheyCannotApply() throws {
        let output = Fixtures.scratchDirectory() + "/m"
        for (extra, complaint) in [(["--workers", "2", "--async"], "--optimizer sgd or adam"),
                                   (["--optimizer", "sgd", "--local-steps", "4"], "--workers N > 1"),
                                   (["--optimizer", "sgd", "--workers", "2", "--staleness", "2"], "--staleness goes with --async"),
                                   (["--optimizer", "sgd", "--workers", "2", "--sync", "--local-steps", "2"], "give one of")] {
            let run = try CLI.run(["train", "--model", "logistic", "--data", "datasets/a9a", "--output", output] + extra)
            #expect(run.status != 0)
            #expect(run.stderr.contains(complaint), "\(run.stderr)")
        }
    }
}
