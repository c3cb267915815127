import Foundation
import Testing
import TestSupport

/// Processes killed at the awkward moments: a worker while it reads its shard, and an MPI job's
/// rank 0 between checkpoints.
@Suite(.serialized) struct CLIFaultTests {
    /// `kill -9` of a worker while it loads (it kills itself once, after its `hello`): a new
    /// process takes its place and the run ends where an undisturbed one ends.
    @Test func aWorkerKilledWhileLoadingIsStartedAgain() throws {
        let drilled = try CLIDistributedTests.train(workers: 2, ["--kill-worker-while-loading", "1"])
        let clean = try CLIDistributedTests.train(workers: 2)
        let a = try #require(drilled["objective"] as? Double), b = try #require(clean["objective"] as? Double)
        #expect(abs(a - b) <= 1e-6 * b, "\(a) vs \(b)")
        #expect(drilled["replaced_workers"] as? Int == 1, "\(drilled)")
        #expect(clean["replaced_workers"] as? Int == 0)
    }

    /// A worker that fails by itself while loading (a bad line in its shard) is not started
    /// again: the run stops at once with its message.
    @Test func aWorkerThatFailsWhileLoadingStopsTheRun() throws {
        let folder = Fixtures.scratchDirectory("fault-bad-shard")
        var lines = try String(contentsOfFile: Fixtures.dataset("a9a"), encoding: .utf8).split(separator: "\n").prefix(400).map(String.init)
        lines[350] = "+1 3:1 2:1"
        let data = folder + "/bad.svm"
        try (lines.joined(separator: "\n") + "\n").write(toFile: data, atomically: true, encoding: .utf8)
        let clock = ContinuousClock()
        let start = clock.now
        let run = try CLI.run(["train", "--model", "logistic", "--data", data, "--features", "123", "--workers", "2",
                               "--output", folder + "/m"])
        #expect(run.status == 1)
        #expect(run.stderr.contains("bad.svm:351") && run.stderr.contains("strictly increasing"), "\(run.stderr)")
        #expect(clock.now - start < .seconds(30))
    }

    #if MPI
    /// The MPI job's rank 0 killed with SIGKILL after its checkpoints of iterations 2 and 4:
    /// the same job with `--resume` ends at the objective of a job that never stopped.
    @Test func anMPIJobKilledAfterACheckpointResumes() throws {
        let folder = Fixtures.scratchDirectory("fault-mpi")
        _ = FileManager.default.changeCurrentDirectoryPath(Fixtures.repositoryRoot.path)
        let common = ["train", "--model", "logistic", "--data", "datasets/a9a", "--features", "123", "--quiet", "--json",
                      "--backend", "mpi", "--reduce", "server", "--max-iterations", "12", "--checkpoint-every", "2"]
        let clean = try CLIMPITests.mpirun(2, common + ["--checkpoint-dir", folder + "/clean", "--output", folder + "/clean.model"])
        #expect(clean.status == 0, "\(clean.stderr)")
        let killed = try CLIMPITests.mpirun(2, common + ["--checkpoint-dir", folder + "/run", "--kill-coordinator", "9",
                                                       "--output", folder + "/run.model"])
        #expect(killed.status != 0)
        #expect(!FileManager.default.fileExists(atPath: folder + "/run.model"))
        let checkpoint = try CLICheckpointTests.json(folder + "/run/checkpoint.json")
        let iteration = ((checkpoint["state"] as? [String: Any])?["state"] as? [String: Any])?["iteration"] as? Int
        #expect(iteration != nil && iteration! >= 2 && iteration! < 12, "\(String(describing: iteration))")
        let resumed = try CLIMPITests.mpirun(2, common + ["--checkpoint-dir", folder + "/run", "--resume",
                                                        "--output", folder + "/run.model"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        let a = try #require(try CLI.lastJSON(clean)["objective"] as? Double)
        let b = try #require(try CLI.lastJSON(resumed)["objective"] as? Double)
        #expect(abs(a - b) <= 1e-6 * a, "\(a) vs resumed \(b)")
    }
    #endif
}
