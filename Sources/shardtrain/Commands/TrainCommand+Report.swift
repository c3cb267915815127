import Foundation
import ShardTrain

/// `train`'s results: the model file, the summary on stdout, the `--json` line.
extension TrainCommand {
    func finish(_ outcome: Outcome) throws {
        var fitted = outcome.model
        let trainReport = try outcome.train.map { set in try report { try fitted.evaluate(set) } }
        let testReport = try outcome.test.map { set in try report { try fitted.evaluate(set) } }
        var metrics = JSONLine()
        if let trainReport { metrics.add("train", object: trainReport.json) }
        if let testReport { metrics.add("test", object: testReport.json) }
        fitted.metadata["metrics"] = metrics.rendered
        if let profile = referenceProfile(of: fitted, train: outcome.train) {
            fitted.metadata[ModelFile.referenceProfileKey] = profile
        }
        let model = fitted
        try report { try ModelFile.write(model, to: output) }

        let summary = fitted.summary
        let trainSeconds = summary.trainSeconds - outcome.traceScoringSeconds
        if !summary.converged {
            StandardError.line("WARNING: training did not converge (\(summary.stopReason.rawValue) after \(summary.iterations) iterations); the model is the last iterate")
        }
        if !quiet {
            print("trained \(model.kind.rawValue) model on \(outcome.rows) rows × \(outcome.features) features with \(summary.optimizer), \(workers) worker(s)")
            print(String(format: "objective %.6f after %d iterations, %.0f passes, %@ (%@) in %.3f s (load %.3f s)",
                         summary.objective, summary.iterations, summary.passes,
                         summary.converged ? "converged" : "NOT converged", summary.stopReason.rawValue,
                         trainSeconds, outcome.loadSeconds))
            if let stats = outcome.distributed {
                print(String(format: "reduce rounds %d, waiting on workers %.3f s, reducing %.4f s, %d bytes sent, %d received",
                             stats.rounds, stats.waitSeconds, stats.reduceSeconds, stats.bytesSent, stats.bytesReceived))
                if async {
                    print(String(format: "staleness: largest %d updates, mean %.2f", stats.largestStaleness, stats.meanStaleness))
                }
            }
            if let mpi = outcome.mpi {
                print(String(format: "MPI: %d ranks, %@ reduce, %d rounds, %.3f s in broadcasts and reduces", mpi.ranks, mpi.mode,
                             mpi.rounds, mpi.collectiveSeconds))
            }
            if let trainReport { print("train: " + describe(trainReport)) }
            if let testReport { print("test:  " + describe(testReport)) }
            print("model written to \(output)")
        }
        if json {
            var line = JSONLine()
            line.add("model", model.kind.rawValue)
            line.add("optimizer", summary.optimizer)
            line.add("objective", summary.objective)
            line.add("train_seconds", trainSeconds)
            if trace != nil { line.add("trace_scoring_seconds", outcome.traceScoringSeconds) }
            line.add("load_seconds", outcome.loadSeconds)
            line.add("iterations", summary.iterations)
            line.add("passes", summary.passes)
            line.add("workers", outcome.mpi.map { $0.mode == "server" ? $0.ranks - 1 : $0.ranks } ?? (listen == nil ? workers : expectWorkers ?? 1))
            if let mpi = outcome.mpi {
                line.add("backend", "mpi")
                line.add("mpi_ranks", mpi.ranks)
                line.add("mpi_reduce", mpi.mode)
                line.add("mpi_rounds", mpi.rounds)
                line.add("mpi_collective_seconds", mpi.collectiveSeconds)
            }
            line.add("converged", summary.converged)
            line.add("stop_reason", summary.stopReason.rawValue)
            line.add("rows", outcome.rows)
            line.add("features", outcome.features)
            if let stats = outcome.distributed {
                line.add("reduce_rounds", stats.rounds)
                line.add("replaced_workers", stats.replacedWorkers)
                line.add("wait_seconds", stats.waitSeconds)
                line.add("reduce_seconds", stats.reduceSeconds)
                line.add("bytes_sent", stats.bytesSent)
                line.add("bytes_received", stats.bytesReceived)
                if async {
                    line.add("largest_staleness", stats.largestStaleness)
                    line.add("mean_staleness", stats.meanStaleness)
                }
            }
            if let trainReport { for (name, value) in trainReport.values { line.add("train_\(name)", value) } }
            if let testReport { for (name, value) in testReport.values { line.add("test_\(name)", value) } }
            line.add("output", output)
            print(line.rendered)
        }
    }
}
