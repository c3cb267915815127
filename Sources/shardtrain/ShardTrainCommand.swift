import ArgumentParser
import Logging
import ShardTrain

/// The `shardtrain` command-line tool: a thin layer over the ShardTrain library.
@main
struct ShardTrainCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "shardtrain",
        abstract: "Train, evaluate and deploy linear, logistic and softmax models.",
        discussion: """
        OpenBLAS kernel: picked from the CPU's instruction-set features when OpenBLAS's own \
        choice is weaker; set OPENBLAS_CORETYPE yourself to override (it is never replaced).
        """,
        version: ShardTrainVersion.current,
        subcommands: [TrainCommand.self, EvaluateCommand.self, PredictCommand.self, InspectCommand.self, PruneCommand.self,
                      QuantizeCommand.self, ExportCommand.self, ServeCommand.self, DatasetsCommand.self, BenchCommand.self,
                      WorkerCommand.self]
    )

    static func main() async {
        BLASBootstrap.ensureBestKernel()
        BLASRuntime.setThreadCount(1)
        // The library logs through swift-log; the tool shows its own messages (a warning when
        // training does not converge), so only the library's errors reach stderr.
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = .error
            return handler
        }
        do {
            var command = try parseAsRoot()
            if var asynchronous = command as? any AsyncParsableCommand {
                try await asynchronous.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }
}
