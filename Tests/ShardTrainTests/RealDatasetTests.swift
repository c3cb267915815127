import Testing
@testable import ShardTrain
import TestSupport

/// The committed real datasets parse to their documented shapes and label counts.
@Suite struct RealDatasetTests {
    private func count(_ labels: [Double], _ value: Double) -> Int { labels.filter { $0 == value }.count }

    private func sparse(_ dataset: Dataset) -> SparseMatrix? {
        if case .sparse(let m) = dataset.features { return m }
        return nil
    }

    @Test func a9a() throws {
        let d = try LIBSVMReader().read(path: Fixtures.dataset("a9a"))
        #expect(d.rowCount == 32_561)
        #expect(d.featureCount == 123)
        #expect(sparse(d)?.storedCount == 451_592)
        #expect(count(d.labels, -1) == 24_720)
        #expect(count(d.labels, 1) == 7_841)
    }

    @Test func a9aTestWithFixedFeatureCount() throws {
        let d = try LIBSVMReader(featureCount: 123).read(path: Fixtures.dataset("a9a.t"))
        #expect(d.rowCount == 16_281)
        #expect(d.featureCount == 123)
        #expect(try LIBSVMReader().read(path: Fixtures.dataset("a9a.t")).featureCount == 122)
    }

    @Test func w8a() throws {
        let d = try LIBSVMReader().read(path: Fixtures.dataset("w8a"))
        #expect(d.rowCount == 49_749)
        #expect(d.featureCount == 300)
        let m = try #require(sparse(d))
        #expect(m.storedCount == 579_586)
        // 4,044 rows are just "-1 " (as PROVENANCE.md notes) and 159 more are just "+1 ".
        let emptyRows = (0 ..< m.rows).filter { m.rowOffsets[$0] == m.rowOffsets[$0 + 1] }
        #expect(emptyRows.count == 4_203)
        #expect(emptyRows.filter { d.labels[$0] == -1 }.count == 4_044)
    }

    @Test func dnaScale() throws {
        let d = try DatasetLoader.load(Fixtures.dataset("dna.scale"))
        #expect(d.rowCount == 2_000)
        #expect(d.featureCount == 180)
        let counts: [Int] = [count(d.labels, 1), count(d.labels, 2), count(d.labels, 3)]
        #expect(counts == [464, 485, 1_051])
    }

    @Test func calHousingCSV() throws {
        let d = try DatasetLoader.load(Fixtures.dataset("cal_housing.data"), options: DataLoadOptions(format: .csv))
        #expect(d.rowCount == 20_640)
        #expect(d.featureCount == 8)
        #expect(!d.features.isSparse)
        #expect(d.labels[0] == 452_600)
        #expect(d.features[0, 0] == -122.23)
        #expect(d.labels.min() == 14_999 && d.labels.max() == 500_001)
    }

    @Test func abaloneCategoricalColumnIsAClearError() {
        expectDataError(.badValue, line: 1, column: 1, message: "non-numeric cell \"M\"") {
            try CSVReader().read(path: Fixtures.dataset("abalone.data"))
        }
    }
}
