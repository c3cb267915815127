import Testing
@testable import ShardTrain
import TestSupport

@Suite struct LIBSVMReaderTests {
    private func parse(_ text: String, featureCount: Int? = nil) throws(DataError) -> Dataset {
        try LIBSVMReader(featureCount: featureCount).parse(text: text, source: "t")
    }

    private func sparse(_ dataset: Dataset) -> SparseMatrix? {
        if case .sparse(let m) = dataset.features { return m }
        return nil
    }

    @Test func readsLabelsIndicesAndValues() throws {
        let d = try parse("+1 1:0.5 3:-2.5E+02 10:1e-3\n-1 2:7\n0 \n2.5 4:.25\n")
        #expect(d.labels == [1, -1, 0, 2.5])
        #expect(d.featureCount == 10)
        let m = try #require(sparse(d))
        #expect(m.rowOffsets == [0, 3, 4, 4, 5])
        #expect(m.columnIndices == [0, 2, 9, 1, 3])
        #expect(m.values == [0.5, -250, 0.001, 7, 0.25])
    }

    @Test func acceptsLabelSpellings() throws {
        let d = try parse("1.0 1:1\n-1.5e1 1:1\n+3 1:1\n1e0 1:1\n0 1:1\n")
        #expect(d.labels == [1, -15, 3, 1, 0])
    }

    @Test func skipsCommentsBlankLinesAndQueryIDs() throws {
        let text = "# header comment\n\n   \n\t\n1 qid:3 1:1 2:2 # trailing\n-1 qid:4 #only comment\n  # indented comment\n2 5:1#glued\n"
        let d = try parse(text)
        #expect(d.labels == [1, -1, 2])
        let m = try #require(sparse(d))
        #expect(m.rowOffsets == [0, 2, 2, 3])
        #expect(m.columnIndices == [0, 1, 4])
    }

    @Test func handlesCRLFAndMissingFinalNewline() throws {
        let d = try parse("1 1:1 2:2\r\n-1 3:3\r\n\r\n1 2:1")
        #expect(d.labels == [1, -1, 1])
        #expect(sparse(d)?.values == [1, 2, 3, 1])
    }

    @Test func dropsExplicitZerosButCountsTheirIndex() throws {
        let d = try parse("1 1:1 5:0\n-1 2:0.0\n")
        let m = try #require(sparse(d))
        #expect(m.storedCount == 1)
        #expect(m.rowOffsets == [0, 1, 1])
        #expect(d.featureCount == 5)
    }

    @Test func fixedFeatureCountWidensTheMatrix() throws {
        let d = try parse("1 1:1\n", featureCount: 123)
        #expect(d.featureCount == 123)
    }

    @Test func emptyInputHasNoRowsAndEmptyFileIsAnError() throws {
        #expect(try parse("# nothing\n\n").rowCount == 0)
        let path = Fixtures.writeTemporaryFile("\n# only comments\n  \n")
        expectDataError(.emptyFile, line: nil, column: nil, message: "no rows") {
            try LIBSVMReader().read(path: path)
        }
    }

    @Test func missingFileIsReported() {
        expectDataError(.fileNotFound, line: nil, column: nil, message: "no such file") {
            try LIBSVMReader().read(path: "/nonexistent/shardtrain/data.txt")
        }
    }

    @Test func directoryIsUnreadable() {
        let folder = Fixtures.scratchDirectory("dir")
        expectDataError(.unreadable, line: nil, column: nil, message: "directory") {
            try LIBSVMReader().read(path: folder)
        }
    }

    @Test func writerRoundTripsThroughReader() throws {
        let original = try parse("1 1:0.1 3:-2.5 7:1e-07\n-1\n2.75 2:3.4028235e38 7:1\n")
        let path = Fixtures.scratchDirectory("svmw") + "/out.svm"
        try LIBSVMWriter.write(original, to: path)
        let back = try LIBSVMReader(featureCount: 7).read(path: path)
        #expect(back.features == original.features)
        #expect(back.labels == original.labels)
    }

    @Test func writerWritesDenseRowsSparsely() {
        let dense = try! Dataset(features: .dense(try! DenseMatrix(rows: 2, columns: 3, values: [0, 1.5, 0, 2, 0, 0])), labels: [1, -0.5])
        #expect(String(decoding: LIBSVMWriter.encode(dense), as: UTF8.self) == "1 2:1.5\n-0.5 1:2\n")
    }
}
