import Foundation
import Testing
@testable import ShardTrain
import TestSupport

/// Byte-range reads with input-split semantics give every row exactly once.
@Suite struct LIBSVMSplitTests {
    private func fileSize(_ path: String) throws -> Int {
        try #require(FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
    }

    @Test(arguments: [1, 2, 3, 7])
    func a9aSplitsConcatenateToTheWholeFile(parts: Int) throws {
        let path = Fixtures.dataset("a9a")
        let reader = LIBSVMReader(featureCount: 123)
        let whole = try reader.read(path: path)
        let ranges = LIBSVMReader.byteRanges(fileSize: try fileSize(path), count: parts)
        let pieces = try ranges.map { try reader.read(path: path, byteRange: $0) }
        let joined = Dataset(concatenating: pieces, columns: 123, source: path)
        #expect(pieces.allSatisfy { $0.featureCount == 123 })
        #expect(joined.features == whole.features)
        #expect(joined.labels == whole.labels)
    }

    @Test func everyCutPointOfASmallFileGivesEachRowOnce() throws {
        let text = "1 1:1\n\n-1 2:2\r\n# c\n3 3:3\n4"
        let path = Fixtures.writeTemporaryFile(text)
        let size = text.utf8.count
        for cut in 0 ... size + 2 {
            let first = try LIBSVMReader(featureCount: 3).read(path: path, byteRange: 0 ..< cut)
            let second = try LIBSVMReader(featureCount: 3).read(path: path, byteRange: cut ..< size + 5)
            #expect(first.labels + second.labels == [1, -1, 3, 4], "cut at \(cut)")
        }
    }

    @Test func moreRangesThanLinesGiveEmptyParts() throws {
        let path = Fixtures.writeTemporaryFile("1 1:1\n2 2:1\n")
        let ranges = LIBSVMReader.byteRanges(fileSize: 12, count: 12)
        let counts = try ranges.map { try LIBSVMReader(featureCount: 2).read(path: path, byteRange: $0).rowCount }
        #expect(counts.reduce(0, +) == 2)
    }

    @Test func severalRangesAreReadInTheOrderGivenWithAbsoluteErrorLines() throws {
        let path = Fixtures.writeTemporaryFile("1 1:1\n2 1:2\n3 1:3\n4 0:1\n")
        let rows = try LIBSVMReader(featureCount: 1).read(path: path, byteRanges: [12 ..< 18, 0 ..< 6, 6 ..< 6])
        #expect(rows.labels == [3, 1])
        #expect(rows.features == .sparse(try SparseMatrix(rows: 2, columns: 1, rowOffsets: [0, 1, 2], columnIndices: [0, 0], values: [3, 1])))
        expectDataError(.badIndex, line: 4, column: 3, message: "1-based") {
            try LIBSVMReader().read(path: path, byteRanges: [0 ..< 6, 18 ..< 24])
        }
    }

    @Test func errorLinesInASplitAreAbsolute() throws {
        let text = "1 1:1\n1 1:1\n1 1:1\n1 0:1\n"
        let path = Fixtures.writeTemporaryFile(text)
        expectDataError(.badIndex, line: 4, column: 3, message: "1-based") {
            try LIBSVMReader().read(path: path, byteRange: 13 ..< 24)
        }
    }
}

/// Parallel parsing gives exactly the sequential result.
@Suite struct LIBSVMParallelReadTests {
    @Test(arguments: [2, 3, 8])
    func parallelReadEqualsSequentialRead(threads: Int) throws {
        let reader = LIBSVMReader(featureCount: 123)
        let sequential = try reader.read(path: Fixtures.dataset("a9a"))
        let parallel = try reader.read(path: Fixtures.dataset("a9a"), threads: threads)
        #expect(parallel.features == sequential.features)
        #expect(parallel.labels == sequential.labels)
    }

    @Test func parallelReadReportsAbsoluteLineNumbers() throws {
        var text = ""
        for i in 0 ..< 2000 { text += "\(i % 2 == 0 ? 1 : -1) 1:0.5 4:1\n" }
        text += "+1 2:1 2:3\n"
        let path = Fixtures.writeTemporaryFile(text, name: "late-error.svm")
        do {
            _ = try LIBSVMReader().read(path: path, threads: 4)
            Issue.record("expected an error")
        } catch {
            #expect(error.line == 2001)
            #expect(error.code == .indicesNotIncreasing)
        }
    }
}
