import Foundation
import ShardTrain

/// Plain, loop-by-loop float64 versions of the objectives, to check the fast kernels against.
public enum ReferenceObjective {
    /// `Σᵢ sᵢ·ℓ(xᵢ)` and its gradient for parameters in training layout (`d × K`, then `K`).
    public static func evaluate(kind: ModelKind, classes: Int, features: DenseMatrix, targets: [Double],
                                weights: [Double]?, parameters: [Double]) -> (loss: Double, gradient: [Double]) {
        let d = features.columns, k = kind == .softmax ? classes : 1
        var loss = 0.0
        var gradient = [Double](repeating: 0, count: d * k + k)
        for i in 0 ..< features.rows {
            let s = weights?[i] ?? 1
            var z = [Double](repeating: 0, count: k)
            for c in 0 ..< k {
                z[c] = parameters[d * k + c]
                for j in 0 ..< d { z[c] += Double(features[i, j]) * parameters[j * k + c] }
            }
            var derivative = [Double](repeating: 0, count: k)
            switch kind {
            case .linear:
                let r = z[0] - targets[i]
                loss += s * 0.5 * r * r
                derivative[0] = r
            case .logistic:
                let y = targets[i]
                loss += s * (log(1 + exp(z[0])) - y * z[0])
                derivative[0] = 1 / (1 + exp(-z[0])) - y
            case .softmax:
                let total = z.map(exp).reduce(0, +)
                loss += s * (log(total) - z[Int(targets[i])])
                for c in 0 ..< k { derivative[c] = exp(z[c]) / total - (c == Int(targets[i]) ? 1 : 0) }
            }
            for c in 0 ..< k {
                for j in 0 ..< d { gradient[j * k + c] += s * derivative[c] * Double(features[i, j]) }
                gradient[d * k + c] += s * derivative[c]
            }
        }
        return (loss, gradient)
    }

    /// A random dense problem: features in [−1, 1] with about `density` nonzeros, targets fit
    /// for `kind`, and optional positive sample weights.
    public static func randomProblem(kind: ModelKind, rows: Int, features: Int, classes: Int = 3, density: Double = 1,
                                     weighted: Bool = false, seed: UInt64 = 7) -> (DenseMatrix, [Double], [Double]?) {
        var generator = SeededGenerator(seed: seed)
        var matrix = try! DenseMatrix(rows: rows, columns: features)
        for i in 0 ..< rows {
            for j in 0 ..< features where generator.nextUnit() < density {
                matrix[i, j] = Float(generator.nextUnit() * 2 - 1)
            }
        }
        let targets: [Double] = (0 ..< rows).map { _ in
            switch kind {
            case .linear: generator.nextGaussian() * 3
            case .logistic: generator.nextUnit() < 0.4 ? 1 : 0
            case .softmax: Double(Int(generator.nextUnit() * Double(classes)))
            }
        }
        let weights = weighted ? (0 ..< rows).map { _ in 0.5 + generator.nextUnit() } : nil
        return (matrix, targets, weights)
    }
}
