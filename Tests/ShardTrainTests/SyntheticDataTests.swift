import Foundation
import Testing
@testable import ShardTrain

@Suite struct SyntheticDataTests {
    @Test(arguments: [ModelKind.linear, .logistic, .softmax])
    func sameSeedGivesIdenticalData(kind: ModelKind) {
        for nonzeros in [nil, 5] as [Int?] {
            let a = SyntheticData.generate(kind: kind, rows: 200, features: 20, nonzerosPerRow: nonzeros, noise: 0.1, seed: 42)
            let b = SyntheticData.generate(kind: kind, rows: 200, features: 20, nonzerosPerRow: nonzeros, noise: 0.1, seed: 42)
            let c = SyntheticData.generate(kind: kind, rows: 200, features: 20, nonzerosPerRow: nonzeros, noise: 0.1, seed: 43)
            #expect(a.features == b.features && a.labels == b.labels)
            #expect(a.features != c.features)
        }
    }

    @Test func denseShapesAndLinearLabelsFollowTheWeights() throws {
        let d = SyntheticData.generate(kind: .linear, rows: 100, features: 7, noise: 0, seed: 1)
        #expect(d.rowCount == 100 && d.featureCount == 7 && !d.features.isSparse)
        let w = SyntheticData.trueWeights(kind: .linear, features: 7, seed: 1)
        for i in 0 ..< 100 {
            let score = (0 ..< 7).reduce(0.0) { $0 + Double(d.features[i, $1]) * w[$1] }
            #expect(abs(score - d.labels[i]) < 1e-9)
        }
    }

    /// With a column skew `s`, column `j` is drawn with probability ∝ `1/(j + 1)ˢ`: the counts
    /// of the first columns follow the law (before the distinctness within a row bends it), the
    /// tail is rare, rows keep `k` distinct sorted columns, and the same seed gives the same data.
    @Test func zipfColumnsFollowTheLaw() throws {
        let make = { (seed: UInt64) in
            SyntheticData.generate(kind: .logistic, rows: 20_000, features: 10_000, nonzerosPerRow: 10, columnSkew: 1.1,
                                   noise: 0, seed: seed)
        }
        let d = make(3)
        #expect(d.features == make(3).features && d.features != make(4).features)
        guard case .sparse(let m) = d.features else { Issue.record("expected sparse"); return }
        #expect(m.storedCount == 20_000 * 10)
        var counts = [Int](repeating: 0, count: 10_000)
        for j in m.columnIndices { counts[Int(j)] += 1 }
        for i in 0 ..< m.rows {
            let row = m.columnIndices[m.rowOffsets[i] ..< m.rowOffsets[i + 1]]
            #expect(zip(row, row.dropFirst()).allSatisfy { $0 < $1 })
        }
        // Draws in columns 100–199 and 1000–1999 against the law's ratio to those in 3000–9999,
        // within 5 % (thousands of draws in each range; the head, capped by distinctness, is left out).
        func law(_ range: Range<Int>) -> Double { range.reduce(0) { $0 + pow(Double($1 + 1), -1.1) } }
        func drawn(_ range: Range<Int>) -> Double { Double(counts[range].reduce(0, +)) }
        for range in [100 ..< 200, 1000 ..< 2000] {
            let ratio = drawn(range) / drawn(3000 ..< 10_000), expected = law(range) / law(3000 ..< 10_000)
            #expect(abs(ratio / expected - 1) < 0.05, "\(range): \(ratio) vs \(expected)")
        }
        // Half of all draws fall in the first few hundred columns.
        #expect(counts[0 ..< 500].reduce(0, +) > counts.reduce(0, +) / 2)
    }

    @Test func sparseRowsHaveKDistinctSortedColumns() throws {
        let d = SyntheticData.generate(kind: .logistic, rows: 300, features: 50, nonzerosPerRow: 8, noise: 0, seed: 3)
        guard case .sparse(let m) = d.features else { Issue.record("expected sparse"); return }
        #expect(m.columns == 50 && m.storedCount == 300 * 8)
        for i in 0 ..< m.rows {
            let columns = Array(m.columnIndices[m.rowOffsets[i] ..< m.rowOffsets[i + 1]])
            #expect(columns.count == 8 && zip(columns, columns.dropFirst()).allSatisfy { $0 < $1 })
            #expect(columns.allSatisfy { $0 >= 0 && $0 < 50 })
        }
        #expect(Set(d.labels) == [-1, 1])
        let full = SyntheticData.generate(kind: .linear, rows: 5, features: 6, nonzerosPerRow: 6, noise: 0, seed: 3)
        if case .sparse(let f) = full.features { #expect(f.columnIndices == Array(repeating: Array(0 ..< 6), count: 5).flatMap { $0 }) }
    }

    @Test func softmaxLabelsAreClassIDs() {
        let d = SyntheticData.generate(kind: .softmax, rows: 2000, features: 10, classes: 4, noise: 0.5, seed: 9)
        #expect(Set(d.labels) == [1, 2, 3, 4])
        #expect(SyntheticData.trueWeights(kind: .softmax, features: 10, classes: 4, seed: 9).count == 40)
    }
}
