import Foundation
import Testing
@testable import ShardTrain
import TestSupport

/// Byte-range reads with input-split semantics give every row exactly once.
@Suite struct LIBSVMSplitTests {
    /// Concatenates sparse datasets row-wise.
    private func concatenate(_ parts: [Dataset], columns: Int) -> Dataset {
        var offsets = [0], indices = [Int32](), values = [Float](), labels = [Double]()
        for part in parts {
            guard case .sparse(let m) = part.features else { continue }
            for i in 0 ..< m.rows {
                indices.append(contentsOf: m.columnIndices[m.rowOffsets[i] ..< m.rowOffsets[i + 1]])
                values.append(contentsOf: m.values[m.rowOffsets[i] ..< m.rowOffsets[i + 1]])
                offsets.append(values.count)
            }
            labels += part.labels
        }
        let matrix = SparseMatrix(rows: labels.count, columns: columns, rowOffsets: offsets, columnIndices: indices, values: values)
        return Dataset(features: .sparse(matrix), labels: labels)
    }

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
        let joined = concatenate(pieces, columns: 123)
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
