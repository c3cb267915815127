import BenchmarkKit
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing

/// The scaling report's arithmetic, table and picture.
@Suite struct ScalingReportTests {
    private static func measurement(_ workers: Int, seconds: Double, compute: Double, wait: Double, reduce: Double,
                                    oversubscribed: Bool = false) -> ScalingMeasurement {
        ScalingMeasurement(workers: workers, oversubscribed: oversubscribed, seconds: seconds, passes: 10, iterations: 8,
                           objective: 0.5, secondsToTarget: seconds * 0.8, computeSeconds: compute, waitSeconds: wait,
                           reduceSeconds: reduce, bytesMoved: 2_000_000, rounds: 10, floorSecondsPerPass: 0.01)
    }

    private static let report = ScalingReport(
        dataset: "synthetic 1000x10 <dense>", training: "logistic, lbfgs, 8 iterations from zero", targetObjective: 0.50005,
        cores: 2,
        measurements: [measurement(1, seconds: 4, compute: 3, wait: 3.2, reduce: 0.1),
                       measurement(2, seconds: 2.5, compute: 1.6, wait: 2, reduce: 0.2),
                       measurement(4, seconds: 2, compute: 2.5, wait: 1.5, reduce: 0.3, oversubscribed: true)])

    @Test func speedupEfficiencyAndBreakdown() {
        let (one, two, four) = (Self.report.measurements[0], Self.report.measurements[1], Self.report.measurements[2])
        #expect(one.secondsPerPass == 0.4 && two.secondsPerPass == 0.25)
        #expect(abs(Self.report.speedup(of: two) - 1.6) < 1e-12)
        #expect(abs(Self.report.efficiency(of: two) - 0.8) < 1e-12)
        #expect(abs(Self.report.efficiency(of: four) - 0.5) < 1e-12)
        // 2 workers: compute 1.6, the rest of the wait 0.4, reduce 0.2, the server's own 0.3 s.
        let b = two.breakdown
        #expect(abs(b.compute - 0.16) < 1e-12 && abs(b.communication - 0.04) < 1e-12)
        #expect(abs(b.reduce - 0.02) < 1e-12 && abs(b.coordinator - 0.03) < 1e-12)
        #expect(abs(b.total - two.secondsPerPass) < 1e-12)
        // Compute is capped by the wait it is part of (clocks of different processes).
        #expect(abs(four.breakdown.compute - 0.15) < 1e-12 && four.breakdown.communication == 0)
    }

    @Test func markdownTableNamesEveryRun() {
        let text = Self.report.markdown()
        #expect(text.contains("| 1 | 0.4 | 1× | 1 | 3.2 |"))
        #expect(text.contains("| 2 | 0.25 | 1.6× | 0.8 | 2 |"))
        #expect(text.contains("| 4 (oversubscribed) |"))
        #expect(text.contains("share cores"))
    }

    @Test func svgIsWellFormedAndEscaped() throws {
        let svg = Self.report.svg()
        #expect(svg.contains("&lt;dense&gt;") && !svg.contains("<dense>"))
        #expect(svg.contains("oversubscribed") && svg.contains("ideal") && svg.contains("bandwidth floor"))
        let parser = XMLParser(data: Data(svg.utf8))
        #expect(parser.parse(), "\(parser.parserError.map { "\($0)" } ?? "")")
        #expect(svg.components(separatedBy: "<circle").count - 1 == 3)
    }
}
