import Foundation
import Testing
import TestSupport

/// `train --trace`: the learning curve, one line per iteration, ending at the model written.
@Suite(.serialized) struct CLITraceTests {
    static func lines(_ path: String) throws -> [[String: Any]] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        }
    }

    @Test func traceEndsAtTheWrittenModelAndItsTestScore() throws {
        let folder = Fixtures.scratchDirectory("cli-trace")
        let trace = folder + "/a9a.trace"
        let run = try CLI.run(["train", "--model", "logistic", "--data", "datasets/a9a", "--test", "datasets/a9a.t",
                               "--optimizer", "lbfgs", "--quiet", "--json", "--trace", trace, "--output", folder + "/a9a.model"])
        #expect(run.status == 0, "\(run.stderr)")
        let summary = try CLI.lastJSON(run)
        let curve = try Self.lines(trace)
        #expect(curve.count == summary["iterations"] as? Int)
        #expect(curve.enumerated().allSatisfy { $0.element["iteration"] as? Int == $0.offset + 1 })
        let seconds = curve.compactMap { $0["seconds"] as? Double }
        #expect(seconds.count == curve.count && zip(seconds, seconds.dropFirst()).allSatisfy { $0 <= $1 })
        // Scoring for the trace is left out of the run's train time as it is of the trace's clock.
        let trainSeconds = try #require(summary["train_seconds"] as? Double)
        #expect(seconds.last! <= trainSeconds)
        #expect((summary["trace_scoring_seconds"] as? Double ?? 0) > 0)
        let last = try #require(curve.last)
        // The trace holds the optimizer's objective (float32 margins); the summary's is recomputed
        // in float64 from the written coefficients: the same to the optimizer's precision.
        let traced = try #require(last["objective"] as? Double), reported = try #require(summary["objective"] as? Double)
        #expect(abs(traced - reported) <= 1e-6 * reported)
        #expect(last["passes"] as? Double == summary["passes"] as? Double)
        // The last iterate is the model written, so its test accuracy is the run's (to rounding of
        // the model file's float32 weights: within one row of 16,281).
        let accuracy = try #require(last["test_accuracy"] as? Double)
        #expect(abs(accuracy - (summary["test_accuracy"] as? Double ?? 0)) <= 1.0 / 16_281 + 1e-12)
        // L-BFGS lowers the objective at every iteration (up to float32 summation noise, which the
        // approximate Wolfe test accepts: 1e-7 relative), and test accuracy climbs from the start.
        let objectives = curve.compactMap { $0["objective"] as? Double }
        #expect(zip(objectives, objectives.dropFirst()).allSatisfy { $1 <= $0 * (1 + 1e-7) })
        #expect(objectives.last! < objectives.first! * 0.55)
        #expect((curve.first?["test_accuracy"] as? Double ?? 1) < accuracy)
    }

    @Test func traceWithoutATestSetHasNoTestMetricsAndSGDRecordsEpochs() throws {
        let folder = Fixtures.scratchDirectory("cli-trace-sgd")
        let trace = folder + "/sgd.trace"
        let run = try CLI.run(["train", "--model", "logistic", "--data", "datasets/a9a", "--optimizer", "sgd", "--epochs", "3",
                               "--workers", "2", "--quiet", "--json", "--trace", trace, "--output", folder + "/sgd.model"])
        #expect(run.status == 0, "\(run.stderr)")
        let curve = try Self.lines(trace)
        #expect(curve.map { $0["iteration"] as? Int } == [1, 2, 3])
        #expect(curve.allSatisfy { $0["test_accuracy"] == nil && $0["gradient_norm"] == nil })
        let traced = try #require(curve.last?["objective"] as? Double)
        let reported = try #require((try CLI.lastJSON(run))["objective"] as? Double)
        #expect(abs(traced - reported) <= 1e-6 * reported)
    }

    @Test func anUnwritableTracePathIsAClearError() throws {
        let run = try CLI.run(["train", "--model", "logistic", "--data", "datasets/a9a", "--quiet",
                               "--trace", "/nonexistent-folder/t.jsonl", "--output", Fixtures.scratchDirectory() + "/m"])
        #expect(run.status != 0)
        #expect(run.stderr.contains("/nonexistent-folder/t.jsonl: cannot write the trace file"))
    }
}
