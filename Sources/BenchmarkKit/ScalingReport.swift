import Foundation

/// The result of a scaling benchmark: one ``ScalingMeasurement`` per worker count, compared
/// with the first (the baseline, normally 1 worker), as a Markdown report.
public struct ScalingReport: Sendable {
    /// What was trained on, in words (file or synthetic shape, rows × features).
    public var dataset: String
    /// The training, in words (model, optimizer, iterations).
    public var training: String
    /// The objective "time to target" aims for.
    public var targetObjective: Double
    /// Cores of the machine.
    public var cores: Int
    /// One per worker count, the baseline first.
    public var measurements: [ScalingMeasurement]

    public init(dataset: String, training: String, targetObjective: Double, cores: Int, measurements: [ScalingMeasurement]) {
        self.dataset = dataset
        self.training = training
        self.targetObjective = targetObjective
        self.cores = cores
        self.measurements = measurements
    }

    /// Time per pass of the baseline over that of `m`, scaled to the baseline's worker count:
    /// with a 1-worker baseline, how many times faster `m` is.
    public func speedup(of m: ScalingMeasurement) -> Double {
        guard let base = measurements.first, m.secondsPerPass > 0 else { return 0 }
        return base.secondsPerPass / m.secondsPerPass * Double(base.workers)
    }

    /// Speed-up per worker (1 is perfect scaling).
    public func efficiency(of m: ScalingMeasurement) -> Double { speedup(of: m) / Double(max(1, m.workers)) }

    /// The report as Markdown: the table, then what it means.
    public func markdown() -> String {
        var lines = [
            "# Scaling: \(dataset)",
            "",
            "\(training); \(cores) cores. Target objective \(format(targetObjective, digits: 8)).",
            "",
            "| workers | s / pass | speedup | efficiency | s to target | compute | communication | reduce | coordinator | floor (stream read) | MB moved / pass | rounds |",
            "|---|---|---|---|---|---|---|---|---|---|---|---|",
        ]
        for m in measurements {
            let b = m.breakdown
            let label = m.oversubscribed ? "\(m.workers) (oversubscribed)" : "\(m.workers)"
            let megabytes = Double(m.bytesMoved) / 1e6 / max(m.passes, 1)
            let cells = [label, format(m.secondsPerPass), format(speedup(of: m), digits: 2) + "×", format(efficiency(of: m), digits: 2),
                         m.secondsToTarget.map { format($0) } ?? "not reached", format(b.compute), format(b.communication),
                         format(b.reduce), format(b.coordinator), format(m.floorSecondsPerPass), format(megabytes, digits: 3),
                         String(m.rounds)]
            lines.append("| " + cells.joined(separator: " | ") + " |")
        }
        lines += [
            "",
            "Times are seconds per pass over the data. *compute*: the slowest worker's gradient time in each round;",
            "*communication*: the rest of the parameter server's wait (messages, scheduling, stragglers); *reduce*:",
            "summing the workers' contributions; *coordinator*: the optimizer's own work on the server. *floor*:",
            "reading the feature bytes once with min(workers, cores) threads, the memory-bandwidth bound of a pass.",
            "Speedup and efficiency compare time per pass with the first row.",
        ]
        if measurements.contains(where: \.oversubscribed) {
            lines.append("Rows marked oversubscribed run more worker processes than the machine has cores: they share cores, so they measure overhead, not scaling.")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    func format(_ value: Double, digits: Int = 4) -> String {
        guard value.isFinite else { return "—" }
        return String(format: "%.\(digits)g", value)
    }
}
