import BenchmarkKit

/// `bench scaling --json`: one object with a row per worker count.
enum ScalingJSON {
    static func line(_ report: ScalingReport) -> String {
        var line = JSONLine()
        line.add("dataset", report.dataset)
        line.add("cores", report.cores)
        line.add("target_objective", report.targetObjective)
        let rows = report.measurements.map { m -> String in
            var row = JSONLine()
            let b = m.breakdown
            row.add("workers", m.workers)
            row.add("oversubscribed", m.oversubscribed)
            row.add("seconds", m.seconds)
            row.add("passes", m.passes)
            row.add("seconds_per_pass", m.secondsPerPass)
            row.add("speedup", report.speedup(of: m))
            row.add("efficiency", report.efficiency(of: m))
            row.add("seconds_to_target", m.secondsToTarget)
            row.add("objective", m.objective)
            row.add("compute_per_pass", b.compute)
            row.add("communication_per_pass", b.communication)
            row.add("reduce_per_pass", b.reduce)
            row.add("coordinator_per_pass", b.coordinator)
            row.add("floor_per_pass", m.floorSecondsPerPass)
            row.add("bytes_moved", m.bytesMoved)
            row.add("rounds", m.rounds)
            return row.rendered
        }
        line.add("runs", raw: "[" + rows.joined(separator: ",") + "]")
        return line.rendered
    }
}
