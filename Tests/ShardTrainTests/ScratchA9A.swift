import Foundation
import Testing
@testable import ShardTrain
import TestSupport

@Suite struct ScratchA9A {
    static func load(_ name: String, d: Int) -> Dataset {
        let text = try! String(contentsOfFile: Fixtures.dataset(name), encoding: .utf8)
        var offsets = [0], cols = [Int32](), vals = [Float](), labels = [Double]()
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: " ")
            labels.append(Double(parts[0])!)
            for p in parts.dropFirst() { let kv = p.split(separator: ":"); cols.append(Int32(kv[0])! - 1); vals.append(Float(kv[1])!) }
            offsets.append(vals.count)
        }
        return Dataset(features: .sparse(SparseMatrix(rows: labels.count, columns: d, rowOffsets: offsets, columnIndices: cols, values: vals)), labels: labels)
    }
    @Test func a9a() throws {
        let train = Self.load("a9a", d: 123), test = Self.load("a9a.t", d: 123)
        for opt in TrainingConfiguration.OptimizerChoice.allCases where opt != .exact {
            for intercept in [true, false] {
                var config = TrainingConfiguration(kind: .logistic)
                config.optimizer = opt
                config.fitIntercept = intercept
                let model = try Trainer(config).fit(train)
                let report = try model.evaluate(test)
                let h = model.summary.objectiveHistory; let fin = h.last!
                print("SCRATCHH", (h.firstIndex { $0 <= 10529.5647 * (1 + 1e-4) } ?? -1), (h.firstIndex { $0 <= fin * (1 + 1e-6) } ?? -1), (h.firstIndex { $0 <= fin * (1 + 1e-8) } ?? -1))
                print("SCRATCH", opt, intercept, model.summary.objective, model.summary.iterations, model.summary.passes, model.summary.stopReason, model.summary.trainSeconds, report.values)
            }
        }
        var config = TrainingConfiguration(kind: .logistic)
        config.l1Penalty = 1
        let model = try Trainer(config).fit(train)
        let h = model.summary.objectiveHistory; print("SCRATCHL1", h[10], h[50], h[100], h[200], h[400], h[499], model.summary.gradientNorm)
        print("SCRATCH l1", model.summary.objective, model.summary.iterations, model.weights.filter { $0 == 0 }.count, try model.evaluate(test).values)
    }
}
