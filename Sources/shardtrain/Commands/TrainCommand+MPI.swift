import ArgumentParser
import Foundation
import ShardTrain

/// `train --backend mpi`: the same training on an MPI job started by `mpirun` or Slurm.
extension TrainCommand {
    enum Backend: String, ExpressibleByArgument, CaseIterable {
        case socket, mpi
    }

    /// What an MPI run reports with its results.
    struct MPIReport {
        var ranks: Int
        var mode: String
        var rounds: Int
        var collectiveSeconds: Double
    }

    func validateMPI() throws {
        guard backend == .mpi else {
            if reduce != nil { throw ValidationError("--reduce goes with --backend mpi") }
            return
        }
        guard data != nil else { throw ValidationError("--backend mpi needs --data FILE (each rank reads its shard)") }
        guard workers == 1, listen == nil else {
            throw ValidationError("with --backend mpi the ranks are the workers: give mpirun -np P, not --workers or --listen")
        }
        guard optimizer != .exact, !async, localSteps == nil else {
            throw ValidationError("--backend mpi runs synchronous lbfgs, sgd and adam; --optimizer exact, --async and --local-steps use the socket backend")
        }
        guard testFraction == nil else { throw ValidationError("--backend mpi reads the data in shards: give --test FILE, not --test-fraction") }
        if resume, (reduce ?? .server) == .allreduce {
            throw ValidationError("--resume with --backend mpi needs --reduce server (rank 0 holds the checkpoint)")
        }
    }

    #if MPI
    /// Runs this rank's part. Returns the outcome on rank 0; nil on the other ranks (they have
    /// done their share). Any rank's error ends the whole job with the message.
    func fitWithMPI(_ trainer: Trainer, data: String, world: MPIWorld) throws -> Outcome? {
        let mode = reduce ?? .server
        let clock = ContinuousClock()
        let start = clock.now
        let setup: MPITraining.Setup
        do {
            setup = try MPITraining.setUp(world, mode: mode, path: data, configuration: trainer.configuration,
                                          options: dataOptions.loadOptions())
        } catch {
            StandardError.line("error: rank \(world.rank) of \(world.size): \(error)")
            world.abort()
        }
        if world.rank != 0 {
            do {
                switch mode {
                case .server:
                    try MPIProblem.serve(world: world, setup: setup)
                case .allreduce:
                    _ = try trainer.fit(MPIProblem(world: world, setup: setup, mode: mode), prepared: setup.prepared, workers: world.size)
                }
            } catch {
                StandardError.line("error: rank \(world.rank) of \(world.size): \(error)")
                world.abort()
            }
            return nil
        }
        var loadSeconds = (clock.now - start).seconds
        let (testSet, testSeconds) = try loadTestSet(featureCount: setup.prepared.featureCount)
        loadSeconds += testSeconds
        if verbose {
            StandardError.line("data: \(setup.prepared.rowCount) rows × \(setup.prepared.featureCount) features on \(world.size) MPI ranks (\(mode.rawValue)), ready in \(String(format: "%.3f", loadSeconds)) s")
        }
        do {
            let problem = MPIProblem(world: world, setup: setup, mode: mode)
            defer { problem.finish() }
            if let round = killCoordinator { problem.beforeRound = { if $0 == round { kill(getpid(), SIGKILL) } } }
            let (fitted, traceScoring) = try fit(trainer, problem, setup.prepared,
                                                 workers: mode == .server ? world.size - 1 : world.size, test: testSet)
            let report = MPIReport(ranks: world.size, mode: mode.rawValue, rounds: problem.rounds,
                                   collectiveSeconds: problem.collectiveSeconds)
            var outcome = Outcome(model: fitted, train: nil, test: testSet, rows: setup.prepared.rowCount,
                                  features: setup.prepared.featureCount, loadSeconds: loadSeconds, traceScoringSeconds: traceScoring)
            outcome.mpi = report
            return outcome
        } catch {
            StandardError.line("error: rank 0 of \(world.size): \(error)")
            world.abort()
        }
    }
    #endif
}
