import Foundation
import Testing
@testable import ShardTrain

/// The vectorized exp/log against float64 libm.
@Suite struct VectorMathTests {
    @Test func expIsAccurateOverTheLossRange() {
        var worst = 0.0
        var x: Float = -87
        while x <= 20 {
            let lanes = SIMD8<Float>((0 ..< 8).map { x + Float($0) * 0.0137 })
            let result = VectorMath.exp(lanes)
            for lane in 0 ..< 8 {
                let exact = Foundation.exp(Double(lanes[lane]))
                worst = max(worst, abs(Double(result[lane]) - exact) / exact)
            }
            x += 0.11
        }
        #expect(worst < 3e-7, "worst relative error \(worst)")
        #expect(VectorMath.exp(SIMD8(repeating: -200))[0] < 1e-37)
    }

    @Test func logIsAccurateBetweenOneAndTwo() {
        var worst = 0.0
        for step in 0 ... 10_000 {
            let z = 1 + Float(step) / 10_000
            let result = VectorMath.logOneToTwo(SIMD8(repeating: z))[3]
            worst = max(worst, abs(Double(result) - Foundation.log(Double(z))))
        }
        #expect(worst < 2e-7, "worst absolute error \(worst)")
    }
}
