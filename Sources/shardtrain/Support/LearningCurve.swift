import Foundation
import ShardTrain

/// `train --trace FILE`: one JSON line per iteration (epoch, for SGD and Adam) with the time
/// spent training so far, passes, objective and, when a test set is given, the test metrics of
/// the model as it stands — the learning curve, from which the time to reach an accuracy is read.
///
/// Scoring the test set is not training: its time is kept apart, and `seconds` is the clock
/// since training started minus that time.
final class LearningCurve {
    private let handle: FileHandle
    private let path: String
    private let clock = ContinuousClock()
    private let start: ContinuousClock.Instant
    private var scoringSeconds = 0.0
    private let score: (IterationReport) -> EvaluationReport?

    /// - Parameter score: the test metrics of the iterate in a report, or nil without a test set.
    init(path: String, score: @escaping (IterationReport) -> EvaluationReport?) throws {
        guard FileManager.default.createFile(atPath: path, contents: nil), let handle = FileHandle(forWritingAtPath: path) else {
            throw CLIError("\(path): cannot write the trace file")
        }
        self.handle = handle
        self.path = path
        self.score = score
        start = clock.now
    }

    /// Seconds spent scoring the test set for the trace (not counted in `seconds`).
    var scoringTime: Double { scoringSeconds }

    func record(_ report: IterationReport) {
        let seconds = (clock.now - start).seconds - scoringSeconds
        var line = JSONLine()
        line.add("iteration", report.iteration)
        line.add("seconds", seconds)
        line.add("passes", report.passes)
        line.add("objective", report.objective)
        if let norm = report.gradientNorm { line.add("gradient_norm", norm) }
        let scoringStart = clock.now
        if let metrics = score(report) {
            for (name, value) in metrics.values { line.add("test_\(name)", value) }
        }
        scoringSeconds += (clock.now - scoringStart).seconds
        handle.write(Data((line.rendered + "\n").utf8))
    }

    func close() { try? handle.close() }
}
