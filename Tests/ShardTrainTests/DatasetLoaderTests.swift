import Testing
@testable import ShardTrain
import TestSupport

@Suite struct DatasetLoaderTests {
    @Test func formatDetection() {
        #expect(DataFormat(detectingFrom: "a/b/data.csv") == .csv)
        #expect(DataFormat(detectingFrom: "X.NPY") == .npy)
        #expect(DataFormat(detectingFrom: "a9a.t") == .libsvm)
        #expect(DataFormat(detectingFrom: "dir.csv/file") == .libsvm)
    }

    @Test func csvThroughLoaderWithOptions() throws {
        let path = Fixtures.writeTemporaryFile("y,a\n1,2\n3,4\n", name: "d.csv")
        let d = try DatasetLoader.load(path, options: DataLoadOptions(labelColumn: .name("y")))
        #expect(d.labels == [1, 3])
        expectDataError(.shapeMismatch, line: nil, column: nil, message: "expected 5") {
            try DatasetLoader.load(path, options: DataLoadOptions(featureCount: 5, labelColumn: .name("y")))
        }
    }

    @Test func libsvmFeatureCountOption() throws {
        let path = Fixtures.writeTemporaryFile("1 2:1\n")
        #expect(try DatasetLoader.load(path, options: DataLoadOptions(featureCount: 10)).featureCount == 10)
    }

    @Test func npyNeedsLabels() {
        expectDataError(.invalidOption, line: nil, column: nil, message: "labels file") {
            try DatasetLoader.load("x.npy", options: DataLoadOptions())
        }
    }
}
