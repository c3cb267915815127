import Foundation
import Testing
import TestSupport

/// `datasets synth --zipf S`: skewed columns for text-like data, and its refusals.
@Suite struct CLISynthTests {
    @Test func zipfWritesSkewedRowsAndRefusesBadShapes() throws {
        let folder = Fixtures.scratchDirectory("cli-synth")
        let path = folder + "/zipf.svm"
        let run = try CLI.run(["datasets", "synth", "--kind", "logistic", "--rows", "3000", "--features", "2000",
                               "--nnz-per-row", "8", "--zipf", "1.2", "--seed", "4", "--output", path])
        #expect(run.status == 0, "\(run.stderr)")
        // Feature 1 (column 0) is in far more rows than feature 2000's last half put together.
        var head = 0, tail = 0
        for line in try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n") {
            for token in line.split(separator: " ").dropFirst() {
                let index = Int(token.split(separator: ":")[0]) ?? 0
                if index == 1 { head += 1 } else if index > 1000 { tail += 1 }
            }
        }
        #expect(head > 2 * tail && tail > 0, "\(head) vs \(tail)")
        for (arguments, reason) in [(["--zipf", "0"], "--zipf must be a number > 0"),
                                    (["--zipf", "1.1", "--nnz-per-row", "1500"], "at most half of --features")] {
            var command = ["datasets", "synth", "--kind", "logistic", "--rows", "10", "--features", "2000", "--output", path]
            if !arguments.contains("--nnz-per-row") { command += ["--nnz-per-row", "8"] }
            let bad = try CLI.run(command + arguments)
            #expect(bad.status != 0 && bad.stderr.contains(reason), "\(bad.stderr)")
        }
        try? FileManager.default.removeItem(atPath: folder)
    }
}
