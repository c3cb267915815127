import ArgumentParser
import Foundation
import ShardTrain

/// `shardtrain bench mpi-reduce` (under mpirun): the MPI backend's reduce step alone — the
/// broadcast of the parameters and the reduce of `(loss, weight sum, gradient)` with no compute —
/// per round, for each parameter count.
struct MPIReduceBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mpi-reduce",
        abstract: "Time the MPI backend's reduce step alone (run under mpirun; needs a build with --traits MPI)."
    )

    @Option(help: "Parameter counts, comma-separated.")
    var features: String = "100,100000"

    @Option(help: "Rounds to time for each count (after 10 warm-up rounds).")
    var rounds: Int = 200

    @Option(help: "server (MPI_Bcast + MPI_Reduce to rank 0) or allreduce (MPI_Allreduce).")
    var reduce: MPIReduceMode = .server

    func run() throws {
        let counts = features.split(separator: ",").compactMap { Int($0) }
        guard !counts.isEmpty, counts.allSatisfy({ $0 > 0 }), rounds > 0 else {
            throw ValidationError("--features takes positive counts, --rounds a positive number")
        }
        #if MPI
        let world = MPIWorld()
        defer { world.finalize() }
        for count in counts {
            var parameters = [Double](repeating: 0.5, count: count)
            var sums = [Double](repeating: 1, count: 2 + count)
            let clock = ContinuousClock()
            var start = clock.now
            for round in 0 ..< rounds + 10 {
                if round == 10 { start = clock.now }
                switch reduce {
                case .server:
                    world.broadcast(&parameters)
                    world.reduceSum(&sums)
                case .allreduce:
                    world.allreduceSum(&sums)
                }
            }
            let perRound = (clock.now - start).seconds / Double(rounds)
            if world.rank == 0 {
                print("{\"ranks\":\(world.size),\"reduce\":\"\(reduce.rawValue)\",\"parameters\":\(count),\"seconds_per_round\":\(perRound)}")
            }
        }
        #else
        throw CLIError("this shardtrain was built without the MPI backend: build it with `swift build -c release --traits MPI`")
        #endif
    }
}
