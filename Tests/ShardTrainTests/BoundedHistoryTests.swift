import Foundation
import Testing
import TestSupport
@testable import ShardTrain

/// The objective history stored in a model file is bounded to 32 entries.
@Suite struct BoundedHistoryTests {
    @Test func longHistoriesKeepFirstLastAndEvenlySpacedEntries() throws {
        var summary = ModelFileSamples.summary
        summary.objectiveHistory = (0 ... 300).map { Double($0) }
        let model = LinearModel(kind: .linear, featureCount: 1, weights: [2], intercepts: [1], classes: [],
                                standardization: nil, summary: summary)
        let loaded = try ModelFile.decode(ModelFile.encode(model), source: "m")
        // Positions round(i · 300 / 31): 0, 10, 19, 29, … 300.
        #expect(loaded.summary.objectiveHistory == (0 ..< 32).map { (Double($0) * 300 / 31).rounded() })
        #expect(loaded.summary.objectiveHistory.first == 0 && loaded.summary.objectiveHistory.last == 300)
        #expect(loaded.summary.objectiveHistory[1] == 10 && loaded.summary.objectiveHistory[2] == 19)
        // Short histories are kept whole.
        summary.objectiveHistory = (0 ..< 32).map { Double($0) / 3 }
        let short = LinearModel(kind: .linear, featureCount: 1, weights: [2], intercepts: [1], classes: [],
                                standardization: nil, summary: summary)
        #expect(try ModelFile.decode(ModelFile.encode(short), source: "m").summary.objectiveHistory == summary.objectiveHistory)
    }
}
