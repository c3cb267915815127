import Foundation
import Testing
@testable import ShardTrain

/// The vectorized float64 exp/log1p against libm, and the logistic loss they serve against a
/// float64 reference at large margins (where the old float32 path lost every digit).
@Suite struct VectorMathTests {
    @Test func expIsAccurateOverTheLossRange() {
        var worst = 0.0
        var x = -700.0
        while x <= 20 {
            let lanes = SIMD8<Double>((0 ..< 8).map { x + Double($0) * 0.0137 })
            let result = VectorMath.exp(lanes)
            for lane in 0 ..< 8 {
                let exact = Foundation.exp(lanes[lane])
                worst = max(worst, abs(result[lane] - exact) / exact)
            }
            x += 0.173
        }
        #expect(worst < 1e-15, "worst relative error \(worst)")
        #expect(VectorMath.exp(SIMD8(repeating: -800))[0] == 0)
        #expect(VectorMath.exp(SIMD8(repeating: 0))[0] == 1)
    }

    @Test func log1pIsAccurateFromTinyToOne() {
        var worst = 0.0
        var inputs: [Double] = (0 ... 10_000).map { Double($0) / 10_000 }
        inputs += (1 ... 300).map { Foundation.exp(-Double($0) * 0.5) }
        for e in inputs {
            let result = VectorMath.log1p(SIMD8(repeating: e))[3]
            let exact = Foundation.log1p(e)
            worst = max(worst, exact == 0 ? abs(result) : abs(result - exact) / exact)
        }
        #expect(worst < 1e-15, "worst relative error \(worst)")
    }

    /// Issue: at margins 20–40 the float32 loss cancelled to nothing. Every row, in the
    /// eight-row vectorized path and the scalar tail, is now within 1e-12 of float64 libm.
    @Test func logisticLossKeepsItsDigitsAtLargeMargins() {
        let margins: [Float] = (0 ..< 84).map { 20 + Float($0) * 0.25 } + (0 ..< 84).map { -20 - Float($0) * 0.25 }
        for target in [0.0, 1.0] {
            let targets = [Double](repeating: target, count: margins.count)
            for i in margins.indices {
                // One row at a time, so each row's loss is checked on its own: rows 0..<8 of a
                // block of 8 go through the vector path, a block of 1 through the tail.
                for count in [1, 8] where i + count <= margins.count {
                    let slice = Array(margins[i ..< i + count]), t = Array(targets[i ..< i + count])
                    var d = [Double](repeating: 0, count: count)
                    let sum = slice.withUnsafeBufferPointer { m in
                        t.withUnsafeBufferPointer { tp in
                            d.withUnsafeMutableBufferPointer { LogisticLoss().derivatives(margins: m, into: $0, targets: tp, weights: nil) }
                        }
                    }
                    let reference = slice.reduce(0.0) { total, m in
                        let z = Double(m)
                        // log(1 + e^z) − y·z written without cancellation for each case.
                        return total + (target == 1 ? Foundation.log1p(Foundation.exp(-z)) : Foundation.log1p(Foundation.exp(z)))
                    }
                    #expect(abs(sum - reference) <= 1e-12 * reference, "margins from \(slice[0]), y = \(target), \(count) rows")
                }
            }
        }
    }
}
