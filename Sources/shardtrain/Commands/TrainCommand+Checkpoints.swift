import Foundation
import ShardTrain

/// `train --checkpoint-dir D [--checkpoint-every K] [--resume]`: where the optimizer's state is
/// saved and what run it must belong to.
extension TrainCommand {
    /// The checkpoint policy (nil without `--checkpoint-dir`) and, with `--resume`, the saved
    /// state to continue from.
    func checkpointing(_ trainer: Trainer, prepared: PreparedTraining) throws -> (CheckpointPolicy?, OptimizerCheckpoint?) {
        guard let directory = checkpointDir else { return (nil, nil) }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let run = checkpointRun(trainer.configuration, prepared: prepared)
        var resumeFrom: OptimizerCheckpoint?
        if resume {
            let state = try CheckpointFile.read(directory: directory, expecting: run)
            let unit = if case .miniBatch = state { "epoch" } else { "iteration" }
            if !quiet { StandardError.line("resuming from \(unit) \(state.completed) (\(CheckpointFile.path(in: directory)))") }
            resumeFrom = state
        }
        let policy = CheckpointPolicy(every: checkpointEvery) { state in
            try CheckpointFile.write(state, run: run, directory: directory)
        }
        return (policy, resumeFrom)
    }

    /// What identifies this run in its checkpoints.
    ///
    /// SGD and Adam also record the batch size and the rows in the order they see them, since
    /// the saved batch order refers to both: in one process the rows are shuffled with `--seed`;
    /// with workers they are the shards in rank order, so the worker count and
    /// `--shuffle-shards` must stay the same. L-BFGS may resume with another worker count.
    func checkpointRun(_ configuration: TrainingConfiguration, prepared: PreparedTraining) -> CheckpointFile.Run {
        var run = CheckpointFile.Run(model: model.rawValue, data: data ?? listen ?? "", l2: configuration.l2Penalty, l1: l1,
                                     fitIntercept: !noIntercept, features: dataOptions.features,
                                     optimizer: configuration.makeMinimizer(hessianProducts: backend != .mpi,
                                                                            classCounts: prepared.classCounts).name)
        let shards = prepared.fingerprint.hasPrefix("shards:") ? prepared.fingerprint.split(separator: ",").count : 1
        run.dataFingerprint = "\(shards):\(prepared.fingerprint)"
        run.penaltyConvention = configuration.penaltyConvention.rawValue
        if configuration.optimizer == .sgd || configuration.optimizer == .adam {
            run.batchSize = configuration.batchSize
            let inProcess = workers == 1 && listen == nil && backend == .socket
            run.rowOrder = inProcess ? "\(prepared.fingerprint) shuffled with seed \(configuration.seed)" : prepared.fingerprint
        }
        return run
    }
}
