import Foundation
import Testing
import TestSupport

#if MPI
/// `train --backend mpi` under a real `mpirun` (package trait MPI; Scripts/test installs
/// OpenMPI): the same model as the socket backend, in both reduce modes.
@Suite(.serialized) struct CLIMPITests {
    static func mpirun(_ ranks: Int, _ arguments: [String]) throws -> ExternalTool.Output {
        var environment = ProcessInfo.processInfo.environment
        environment["OMPI_MCA_btl_vader_single_copy_mechanism"] = "none"  // containers may forbid cross-process memory access
        return try ExternalTool.run("mpirun", ["--allow-run-as-root", "--oversubscribe", "-np", String(ranks), CLI.executable.path]
                                    + arguments, environment: environment)
    }

    @Test(arguments: ["server", "allreduce"])
    func mpiTrainsTheSocketBackendsModel(reduce: String) throws {
        let folder = Fixtures.scratchDirectory("mpi-\(reduce)")
        _ = FileManager.default.changeCurrentDirectoryPath(Fixtures.repositoryRoot.path)
        let common = ["train", "--model", "logistic", "--data", "datasets/a9a", "--test", "datasets/a9a.t", "--features", "123",
                      "--optimizer", "lbfgs", "--quiet", "--json"]
        let socket = try CLI.run(common + ["--workers", "2", "--output", folder + "/socket.model"])
        #expect(socket.status == 0, "\(socket.stderr)")
        let mpi = try Self.mpirun(3, common + ["--backend", "mpi", "--reduce", reduce, "--output", folder + "/mpi.model"])
        #expect(mpi.status == 0, "mpirun: \(mpi.stderr)")
        // The reported objective is the ranks' float64 recomputation (command 2), as a recomputation
        // from the file gives it.
        let check = try FidelityTests.reference("recompute", folder + "/mpi.model", Fixtures.dataset("a9a"), "sparse", "logistic", "1", "0")
        #expect((check["relative_error"] as? Double ?? 1) <= 1e-9, "\(check)")
        let a = try CLI.lastJSON(socket), b = try CLI.lastJSON(mpi)
        let objective = try #require(a["objective"] as? Double), mpiObjective = try #require(b["objective"] as? Double)
        #expect(abs(objective - mpiObjective) <= 1e-6 * abs(objective), "\(objective) vs \(mpiObjective)")
        #expect(a["test_accuracy"] as? Double == b["test_accuracy"] as? Double)
        #expect(b["backend"] as? String == "mpi" && b["mpi_ranks"] as? Int == 3 && b["mpi_reduce"] as? String == reduce)
        #expect((b["mpi_rounds"] as? Int ?? 0) > 10)
        // Rank 0 alone writes the model, a normal model file.
        let evaluate = try CLI.run(["evaluate", "--model", folder + "/mpi.model", "--data", "datasets/a9a.t", "--json"])
        #expect(evaluate.status == 0)
        let evaluated = try CLI.lastJSON(evaluate)
        #expect(evaluated["accuracy"] as? Double == b["test_accuracy"] as? Double)
    }

    /// SGD sees the socket backend's batches: the same shards, shuffled with the same seeds, each
    /// batch spread over the ranks the same way. What differs is the wire: socket workers get the
    /// parameters as float32, MPI ranks as float64.
    @Test(arguments: ["server", "allreduce"])
    func sgdFollowsTheSocketBackendsBatches(reduce: String) throws {
        let folder = Fixtures.scratchDirectory("mpi-sgd-\(reduce)")
        _ = FileManager.default.changeCurrentDirectoryPath(Fixtures.repositoryRoot.path)
        let common = ["train", "--model", "logistic", "--data", "datasets/a9a", "--features", "123", "--optimizer", "sgd",
                      "--epochs", "3", "--quiet", "--json"]
        let socket = try CLI.run(common + ["--workers", "2", "--output", folder + "/socket.model"])
        #expect(socket.status == 0, "\(socket.stderr)")
        let ranks = reduce == "server" ? 3 : 2
        let mpi = try Self.mpirun(ranks, common + ["--backend", "mpi", "--reduce", reduce, "--output", folder + "/mpi.model"])
        #expect(mpi.status == 0, "mpirun: \(mpi.stderr)")
        let a = try #require((try CLI.lastJSON(socket))["objective"] as? Double)
        let b = try #require((try CLI.lastJSON(mpi))["objective"] as? Double)
        #expect(abs(a - b) <= 1e-7 * abs(a), "\(a) vs \(b)")  // other batches would differ by about 5e-4
    }

    @Test func aRankThatFailsEndsTheJobWithItsError() throws {
        let folder = Fixtures.scratchDirectory("mpi-fail")
        let bad = folder + "/bad.svm"
        // The bad line is in the last shard, read by the last rank.
        try (String(repeating: "+1 1:0.5 3:1\n", count: 50) + "-1 2:1 0:4\n").write(toFile: bad, atomically: true, encoding: .utf8)
        let run = try Self.mpirun(3, ["train", "--model", "logistic", "--data", bad, "--backend", "mpi", "--quiet",
                                      "--output", folder + "/m"])
        #expect(run.status != 0)
        #expect(run.stderr.contains("error: rank 2 of 3:") && run.stderr.contains("bad.svm:51:"), "\(run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder + "/m"))
    }
}
#endif

/// Without the trait, `--backend mpi` says how to get it.
@Suite struct CLIMPIAbsentTests {
    @Test func theBackendNamesTheTraitWhenMissingOrRefusesBadCombinations() throws {
        let bad = try CLI.run(["train", "--model", "logistic", "--data", "datasets/a9a", "--backend", "mpi", "--optimizer", "exact",
                               "--output", Fixtures.scratchDirectory() + "/m"])
        #expect(bad.status != 0 && bad.stderr.contains("--backend mpi runs synchronous lbfgs, sgd and adam"), "\(bad.stderr)")
        let newton = try CLI.run(["train", "--model", "logistic", "--data", "datasets/a9a", "--backend", "mpi", "--optimizer", "newton",
                                  "--output", Fixtures.scratchDirectory() + "/m"])
        #expect(newton.status != 0 && newton.stderr.contains("--optimizer newton is not available with --backend mpi"), "\(newton.stderr)")
        let l1 = try CLI.run(["train", "--model", "logistic", "--data", "datasets/a9a", "--optimizer", "newton", "--l1", "1",
                              "--output", Fixtures.scratchDirectory() + "/m"])
        #expect(l1.status != 0 && l1.stderr.contains("--optimizer newton needs a smooth objective"), "\(l1.stderr)")
        let reduce = try CLI.run(["train", "--model", "logistic", "--data", "datasets/a9a", "--reduce", "allreduce",
                                  "--output", Fixtures.scratchDirectory() + "/m"])
        #expect(reduce.status != 0 && reduce.stderr.contains("--reduce goes with --backend mpi"), "\(reduce.stderr)")
        #if !MPI
        let run = try CLI.run(["train", "--model", "logistic", "--data", "datasets/a9a", "--backend", "mpi",
                               "--output", Fixtures.scratchDirectory() + "/m"])
        #expect(run.status != 0 && run.stderr.contains("--traits MPI"), "\(run.stderr)")
        #endif
    }
}
