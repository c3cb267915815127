import Foundation
import ShardTrain

/// Shows training progress on stderr: a redrawn bar on a terminal, plain lines otherwise, at
/// most a few times a second.
final class ProgressReporter {
    private let quiet: Bool
    private let terminal = StandardError.isTerminal
    private let maxIterations: Int
    private let clock = ContinuousClock()
    private let start: ContinuousClock.Instant
    private var lastShown: ContinuousClock.Instant?
    private let score: ((IterationReport) -> Double?)?
    private let scoreName: String
    private let cluster: (() -> String)?

    /// - Parameters:
    ///   - score: computes the accuracy (or R²) to show with a line; called only when a line is
    ///     shown, so it may cost a pass over held-out data.
    ///   - cluster: the parameter server's counters so far, for a distributed run.
    init(quiet: Bool, maxIterations: Int, scoreName: String, cluster: (() -> String)? = nil,
         score: ((IterationReport) -> Double?)?) {
        self.quiet = quiet
        self.cluster = cluster
        self.maxIterations = maxIterations
        self.scoreName = scoreName
        self.score = score
        start = clock.now
    }

    func update(_ report: IterationReport) {
        guard !quiet else { return }
        let now = clock.now
        if let lastShown, now - lastShown < .milliseconds(terminal ? 100 : 500) { return }
        lastShown = now
        show(report, final: false)
    }

    func finish(_ report: IterationReport?) {
        guard !quiet, let report else { return }
        show(report, final: true)
    }

    private func show(_ report: IterationReport, final: Bool) {
        let elapsed = (clock.now - start).seconds
        var parts = ["iter \(report.iteration)", "objective \(format(report.objective, digits: 8))"]
        if let g = report.gradientNorm { parts.append("|g| \(format(g, digits: 3))") }
        if let value = score?(report) { parts.append("\(scoreName) \(String(format: "%.4f", value))") }
        parts.append("passes \(String(format: "%.0f", report.passes))")
        parts.append("\(format(report.rowsProcessed / max(elapsed, 1e-9), digits: 3)) rows/s")
        if let cluster { parts.append(cluster()) }
        if !final {
            let perIteration = elapsed / Double(max(report.iteration, 1))
            let remaining = perIteration * Double(max(maxIterations - report.iteration, 0))
            parts.append("ETA ≤ \(String(format: "%.1f", remaining)) s")
        }
        let text = parts.joined(separator: "  ")
        if terminal {
            let fraction = min(1, Double(report.iteration) / Double(max(maxIterations, 1)))
            let filled = Int(fraction * 20)
            let bar = "[" + String(repeating: "#", count: filled) + String(repeating: ".", count: 20 - filled) + "]"
            StandardError.write("\r\u{1B}[K\(bar) \(text)" + (final ? "\n" : ""))
        } else {
            StandardError.line(text)
        }
    }

    private func format(_ value: Double, digits: Int) -> String {
        String(format: "%.\(digits)g", value)
    }
}
