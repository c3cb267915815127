// benchmarks/loss-precision.sh compiles this with the loss before and after the fidelity change.
import Foundation
let n = 1 << 20
var g = SystemRandomNumberGenerator()
let margins = (0 ..< n).map { _ in Float.random(in: -8 ... 8, using: &g) }
let targets = (0 ..< n).map { _ in Double(Int.random(in: 0 ... 1, using: &g)) }
var d = [Double](repeating: 0, count: n)
func time(_ name: String, _ body: () -> Double) {
    var best = Double.infinity, s = 0.0
    for _ in 0 ..< 15 {
        let t = DispatchTime.now().uptimeNanoseconds
        s += body()
        best = min(best, Double(DispatchTime.now().uptimeNanoseconds - t) / 1e9)
    }
    print(name, String(format: "%.3f ms, %.2f ns/row", best * 1e3, best * 1e9 / Double(n)), s > 0 ? "" : "!")
}
margins.withUnsafeBufferPointer { m in targets.withUnsafeBufferPointer { t in d.withUnsafeMutableBufferPointer { dp in
    time("float32 loss (before)") { OldLoss().derivatives(margins: m, into: dp, targets: t, weights: nil) }
    time("float64 loss (after) ") { NewLoss().derivatives(margins: m, into: dp, targets: t, weights: nil) }
} } }
