import Foundation
import Testing
@testable import ShardTrain
import TestSupport

@Suite struct NPYTests {
    private func write(_ bytes: [UInt8], name: String = "a.npy") -> String {
        let path = Fixtures.scratchDirectory("npy") + "/" + name
        _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
        return path
    }

    private func header(_ dictionary: String, version: UInt8 = 1) -> [UInt8] {
        let body = Array(dictionary.utf8) + [UInt8(ascii: "\n")]
        let length = version == 1 ? [UInt8(body.count & 0xFF), UInt8(body.count >> 8)]
                                  : [UInt8(body.count & 0xFF), UInt8(body.count >> 8), 0, 0]
        return NPYHeader.magic + [version, 0] + length + body
    }

    private func floats(_ values: [Float]) -> [UInt8] { values.flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian, Array.init) } }
    private func doubles(_ values: [Double]) -> [UInt8] { values.flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian, Array.init) } }

    @Test func writerReaderRoundTrip() throws {
        let folder = Fixtures.scratchDirectory("npyrt")
        let matrix = try DenseMatrix(rows: 3, columns: 2, values: [1, -2.5, 0.1, 4, 5, 6e-7])
        try NPYWriter.write(matrix, to: folder + "/x.npy")
        try NPYWriter.write([1, 0, -3.25], to: folder + "/y.npy")
        let d = try DatasetLoader.load(folder + "/x.npy", options: DataLoadOptions(labelsPath: folder + "/y.npy"))
        #expect(d.features == .dense(matrix))
        #expect(d.labels == [1, 0, -3.25])
        let raw = try #require(FileManager.default.contents(atPath: folder + "/x.npy"))
        let headerLength = Int(raw[8]) | Int(raw[9]) << 8
        #expect((10 + headerLength) % 64 == 0)
    }

    @Test func versionTwoHeaderAndOtherDTypes() throws {
        let x = write(header("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), }", version: 2) + doubles([1, 2, 3, 4]))
        #expect(try NPYReader().readMatrix(path: x).values == [1, 2, 3, 4])
        let ints = header("{'descr': '<i8', 'fortran_order': False, 'shape': (3,), }")
            + [Int64(1), -1, 7].flatMap { withUnsafeBytes(of: $0.littleEndian, Array.init) }
        #expect(try NPYReader().readVector(path: write(ints)) == [1, -1, 7])
        let int32 = header("{'descr': '<i4', 'fortran_order': False, 'shape': (2, 1)}")
            + [Int32(2), 3].flatMap { withUnsafeBytes(of: $0.littleEndian, Array.init) }
        #expect(try NPYReader().readVector(path: write(int32)) == [2, 3])
    }

    @Test func badMagic() {
        let path = write(Array("not numpy at all".utf8))
        expectDataError(.badHeader, line: nil, column: nil, message: "magic") { try NPYReader().readMatrix(path: path) }
    }

    @Test func truncatedData() {
        let path = write(header("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }") + floats([1, 2, 3]))
        expectDataError(.truncated, line: nil, column: nil, message: "expected 24") { try NPYReader().readMatrix(path: path) }
    }

    /// A header whose shape overflows `rows × columns` is refused, not a trap; one that fits but
    /// promises more than the file holds is `truncated` before anything is allocated.
    @Test func hostileShapes() {
        let huge = write(header("{'descr': '<f4', 'fortran_order': False, 'shape': (9223372036854775807, 5), }") + floats([1]))
        expectDataError(.shapeMismatch, line: nil, column: nil, message: "more elements than can be addressed") { try NPYReader().readMatrix(path: huge) }
        let large = write(header("{'descr': '<f8', 'fortran_order': False, 'shape': (1000000000000, 5), }") + doubles([1]))
        expectDataError(.truncated, line: nil, column: nil, message: "expected 40000000000000") { try NPYReader().readMatrix(path: large) }
    }

    @Test func unsupportedDTypeAndFortranOrder() {
        let bigEndian = write(header("{'descr': '>f4', 'fortran_order': False, 'shape': (1, 1), }") + floats([1]))
        expectDataError(.unsupportedDType, line: nil, column: nil, message: "'>f4'") { try NPYReader().readMatrix(path: bigEndian) }
        let fortran = write(header("{'descr': '<f4', 'fortran_order': True, 'shape': (1, 1), }") + floats([1]))
        expectDataError(.unsupportedDType, line: nil, column: nil, message: "Fortran") { try NPYReader().readMatrix(path: fortran) }
    }

    @Test func wrongShapes() {
        let vector = write(header("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }") + floats([1, 2, 3]))
        expectDataError(.shapeMismatch, line: nil, column: nil, message: "expected 2 dimensions") { try NPYReader().readMatrix(path: vector) }
        let matrix = write(header("{'descr': '<f8', 'fortran_order': False, 'shape': (1, 2), }") + doubles([1, 2]))
        expectDataError(.shapeMismatch, line: nil, column: nil, message: "expected 1 dimension") { try NPYReader().readVector(path: matrix) }
    }

    @Test func labelCountMismatch() throws {
        let folder = Fixtures.scratchDirectory("npymm")
        try NPYWriter.write(try DenseMatrix(rows: 2, columns: 1, values: [1, 2]), to: folder + "/x.npy")
        try NPYWriter.write([1, 2, 3], to: folder + "/y.npy")
        expectDataError(.labelCountMismatch, line: nil, column: nil, message: "3 labels for 2 feature rows") {
            try NPYReader().read(featuresPath: folder + "/x.npy", labelsPath: folder + "/y.npy")
        }
    }

    @Test func nonFiniteElements() {
        let path = write(header("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }") + floats([1, 2, 3, .nan]))
        expectDataError(.nonFinite, line: 2, column: 2, message: "not a finite Float") { try NPYReader().readMatrix(path: path) }
        let labels = write(header("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }") + doubles([1, .infinity]))
        expectDataError(.nonFinite, line: 2, column: nil, message: "not finite") { try NPYReader().readVector(path: labels) }
    }

    @Test func malformedHeaderDictionary() {
        let path = write(header("{'descr': '<f4', 'fortran_order': Maybe, 'shape': (1, 1), }") + floats([1]))
        expectDataError(.badHeader, line: nil, column: nil, message: "malformed NPY header") { try NPYReader().readMatrix(path: path) }
    }

    @Test func readsFilesWrittenByNumPy() throws {
        let folder = Fixtures.scratchDirectory("numpy")
        let script = """
        import numpy as np
        x = np.arange(12, dtype=np.float32).reshape(4, 3) / 4
        np.save('\(folder)/x.npy', x)
        np.save('\(folder)/y.npy', np.array([1, -1, 1, -1], dtype=np.int64))
        np.save('\(folder)/x64.npy', np.array([[0.1, 0.2]], dtype=np.float64))
        """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [ExternalTool.python, "-c", script]
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return }  // no python3: nothing to compare with
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return }  // numpy missing
        let d = try NPYReader().read(featuresPath: folder + "/x.npy", labelsPath: folder + "/y.npy")
        #expect(d.features == .dense(try DenseMatrix(rows: 4, columns: 3, values: (0 ..< 12).map { Float($0) / 4 })))
        #expect(d.labels == [1, -1, 1, -1])
        #expect(try NPYReader().readMatrix(path: folder + "/x64.npy").values == [0.1, 0.2])
    }
}
