import Foundation
import Testing
import TestSupport

/// `bench scaling` end to end on a small synthetic set, with real worker processes.
@Suite struct CLIScalingBenchTests {
    @Test func everyWorkerCountTrainsTheSameModel() throws {
        let folder = Fixtures.scratchDirectory("cli-scaling")
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let counts = [1, 2, cores + 1]
        let run = try CLI.run(["bench", "scaling", "--synth", "3000x20", "--workers", counts.map(String.init).joined(separator: ","),
                               "--max-iterations", "6", "--report", folder + "/scaling.md", "--plot", folder + "/scaling.svg", "--json"])
        #expect(run.status == 0, "\(run.stderr)")
        let json = try CLI.lastJSON(run)
        let runs = try #require(json["runs"] as? [[String: Any]])
        #expect(runs.map { $0["workers"] as? Int } == counts)
        #expect(runs.map { $0["oversubscribed"] as? Bool } == [false, cores < 2, true])
        // The same training whatever the count: the same objective to float32 summation order.
        let objectives = runs.compactMap { $0["objective"] as? Double }
        #expect(objectives.count == 3)
        for value in objectives { #expect(abs(value - objectives[0]) <= 1e-6 * abs(objectives[0]), "\(objectives)") }
        for row in runs {
            #expect((row["seconds_per_pass"] as? Double ?? 0) > 0)
            #expect((row["floor_per_pass"] as? Double ?? 0) > 0)
            #expect((row["bytes_moved"] as? Int ?? 0) > 0)
            #expect(row["seconds_to_target"] as? Double != nil, "every run reaches the first run's objective")
        }
        #expect(abs((runs[0]["speedup"] as? Double ?? 0) - 1) < 1e-12)
        let markdown = try String(contentsOfFile: folder + "/scaling.md", encoding: .utf8)
        #expect(markdown.contains("\(cores + 1) (oversubscribed)"))
        let svg = try String(contentsOfFile: folder + "/scaling.svg", encoding: .utf8)
        #expect(svg.hasPrefix("<svg") && svg.contains("</svg>"))
    }

    @Test func badOptionsAreRefused() throws {
        let both = try CLI.run(["bench", "scaling", "--synth", "10x2", "--data", "datasets/a9a"])
        #expect(both.status != 0 && both.stderr.contains("give --data FILE or --synth"))
        let shape = try CLI.run(["bench", "scaling", "--synth", "10by2"])
        #expect(shape.status != 0 && shape.stderr.contains("--synth takes ROWSxFEATURES"))
        let counts = try CLI.run(["bench", "scaling", "--synth", "10x2", "--workers", "1,0"])
        #expect(counts.status != 0 && counts.stderr.contains("--workers takes counts"))
    }
}
