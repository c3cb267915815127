import Testing
@testable import ShardTrain
import TestSupport

/// The column kernel for wide sparse data (``FeatureMatrix/accumulateGradientByColumns``) gives
/// bit for bit what the row scatter gives: the same products added in the same order.
@Suite struct ColumnKernelTests {
    /// A wide random sparse matrix (`columns` features, about 12 entries a row), and the same
    /// rows with one empty row appended: evaluating its first `rows` rows is not "every row",
    /// so it takes the row scatter.
    static func matrices(rows: Int, columns: Int) throws -> (wide: SparseMatrix, padded: SparseMatrix) {
        var generator = SeededGenerator(seed: 21)
        var offsets = [0], indices: [Int32] = [], values: [Float] = []
        for _ in 0 ..< rows {
            let picks = Set((0 ..< 12).map { _ in Int(generator.next(upperBound: UInt64(columns))) }).sorted()
            for j in picks {
                indices.append(Int32(j))
                values.append(Float(generator.nextGaussian()))
            }
            offsets.append(indices.count)
        }
        let wide = try SparseMatrix(rows: rows, columns: columns, rowOffsets: offsets, columnIndices: indices, values: values)
        let padded = try SparseMatrix(rows: rows + 1, columns: columns, rowOffsets: offsets + [indices.count],
                                      columnIndices: indices, values: values)
        return (wide, padded)
    }

    @Test(arguments: [(ModelKind.logistic, 1), (.linear, 1), (.softmax, 3)])
    func columnsGiveTheScattersBits(kind: ModelKind, outputs: Int) throws {
        let rows = 3_000, columns = 70_000
        let (wide, padded) = try Self.matrices(rows: rows, columns: columns)
        var generator = SeededGenerator(seed: 5)
        let targets: [Double] = (0 ..< rows).map { _ in
            kind == .linear ? generator.nextGaussian() : Double(generator.next(upperBound: UInt64(max(outputs, 2))))
        }
        let weights = (0 ..< rows).map { _ in 0.5 + generator.nextUnit() }
        let loss = kind.makeLoss(classes: 3)
        let a = try Objective(loss: loss, features: .sparse(wide), targets: targets, sampleWeights: weights)
        let b = try Objective(loss: loss, features: .sparse(padded), targets: targets + [0], sampleWeights: weights + [1])
        #expect(a.features.usesColumnKernel(rows: 0 ..< rows, outputs: outputs))
        #expect(!b.features.usesColumnKernel(rows: 0 ..< rows, outputs: outputs))
        let theta = (0 ..< a.parameterCount).map { _ in Double(Float(generator.nextGaussian() * 0.2)) }
        let direction = (0 ..< a.parameterCount).map { _ in Double(Float(generator.nextGaussian())) }
        var wa = a.makeWorkspace(), wb = b.makeWorkspace()
        for _ in 0 ..< 2 {  // the second time from the kept copy
            let ea = a.evaluate(theta, rows: 0 ..< rows, workspace: &wa), eb = b.evaluate(theta, rows: 0 ..< rows, workspace: &wb)
            #expect(ea == eb)
        }
        let ca = a.curvature(theta, rows: 0 ..< rows, workspace: &wa), cb = b.curvature(theta, rows: 0 ..< rows, workspace: &wb)
        #expect(ca == cb)
        #expect(a.hessianProduct(curvature: ca, direction: direction, rows: 0 ..< rows, workspace: &wa)
                == b.hessianProduct(curvature: cb, direction: direction, rows: 0 ..< rows, workspace: &wb))
        #expect(a.hessianDiagonal(curvature: ca, rows: 0 ..< rows, workspace: &wa)
                == b.hessianDiagonal(curvature: cb, rows: 0 ..< rows, workspace: &wb))
        // A matrix with the same shape but other storage is never taken for the kept one.
        let other = try Self.matrices(rows: rows, columns: columns).wide
        #expect(other == wide && !other.sharesStorage(with: wide))
        #expect(wide.transposed().transposed() == wide)
    }
}
