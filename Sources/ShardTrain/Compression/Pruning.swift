/// Magnitude pruning: sets the smallest coefficients of a ``LinearModel`` to zero.
///
/// Intercepts are never pruned. With a ``Target/sparsity(_:)`` target, exactly
/// `round(s · n)` of the `n` weights in scope are zero afterwards (weights that are zero
/// already count, so an L1 model needs fewer new zeros); ties in magnitude are broken by
/// position, lowest first, so the count is exact and the result deterministic. With a
/// ``Target/threshold(_:)`` target, every weight with `|w| < t` becomes zero.
///
/// A quantized model stays quantized: its int8 levels are zeroed where its weights are, and
/// scales are kept (quantizing after pruning gives the same zeros: a zero weight has level 0).
///
/// The pruned model records what was done in ``LinearModel/metadata`` under ``metadataKey``,
/// as a JSON object: `method`, `scope`, `target_sparsity` or `threshold`, `pruned_weights`
/// (weights set to zero by this step) and `achieved_sparsity` (zero weights / all weights).
public struct Pruning: Sendable, Equatable {
    /// How many weights to remove.
    public enum Target: Sendable, Equatable {
        /// Zero this fraction of the weights in scope, in `[0, 1)`.
        case sparsity(Double)
        /// Zero every weight whose magnitude is below this value, `≥ 0`.
        case threshold(Double)
    }

    /// Which weights compete with each other for survival.
    public enum Scope: String, Sendable, Equatable, CaseIterable {
        /// All weights of the model together (for softmax: across classes).
        case global
        /// Each output's row separately (for softmax: each class keeps its own share).
        case perOutput = "per-output"
    }

    /// The ``LinearModel/metadata`` key of the pruning record.
    public static let metadataKey = "pruning"

    public var target: Target
    public var scope: Scope

    /// Creates a pruning step.
    /// - Throws: ``TrainingError/Code/invalidConfiguration`` for a sparsity outside `[0, 1)` or
    ///   a negative or non-finite threshold.
    public init(_ target: Target, scope: Scope = .global) throws(TrainingError) {
        switch target {
        case .sparsity(let s) where !(s >= 0 && s < 1):
            throw TrainingError(.invalidConfiguration, "the sparsity must be in [0, 1), got \(s)")
        case .threshold(let t) where !(t >= 0 && t.isFinite):
            throw TrainingError(.invalidConfiguration, "the threshold must be a finite number ≥ 0, got \(t)")
        default:
            break
        }
        self.target = target
        self.scope = scope
    }

    /// `model` with its smallest weights set to zero, intercepts untouched, and the record of
    /// the step in its metadata.
    /// - Complexity: O(n log n) for n weights.
    public func apply(to model: LinearModel) -> LinearModel {
        var weights = model.weights
        let d = model.featureCount
        let groups: [Range<Int>] = switch scope {
        case .global: [0 ..< weights.count]
        case .perOutput: (0 ..< model.outputs).map { $0 * d ..< ($0 + 1) * d }
        }
        var pruned = 0
        for group in groups {
            for position in positionsToZero(in: weights, group) where weights[position] != 0 {
                weights[position] = 0
                pruned += 1
            }
        }
        var metadata = model.metadata
        metadata[Self.metadataKey] = record(pruned: pruned, sparsity: Self.sparsity(of: weights))
        return LinearModel(kind: model.kind, featureCount: d, weights: weights, intercepts: model.intercepts,
                           classes: model.classes, standardization: model.standardization, summary: model.summary,
                           metadata: metadata, quantization: model.quantization?.zeroing { weights[$0] == 0 })
    }

    /// The fraction of `weights` that are zero (0 for no weights).
    public static func sparsity(of weights: [Double]) -> Double {
        weights.isEmpty ? 0 : Double(weights.count(where: { $0 == 0 })) / Double(weights.count)
    }

    /// The positions in `group` this target removes.
    private func positionsToZero(in weights: [Double], _ group: Range<Int>) -> [Int] {
        switch target {
        case .threshold(let t):
            return group.filter { abs(weights[$0]) < t }
        case .sparsity(let s):
            let count = Int((s * Double(group.count)).rounded())
            let order = group.sorted { a, b in
                let (x, y) = (abs(weights[a]), abs(weights[b]))
                return x != y ? x < y : a < b
            }
            return Array(order.prefix(count))
        }
    }

    /// The JSON record stored under ``metadataKey``.
    private func record(pruned: Int, sparsity: Double) -> String {
        let goal = switch target {
        case .sparsity(let s): "\"target_sparsity\":\(s)"
        case .threshold(let t): "\"threshold\":\(t)"
        }
        return "{\"method\":\"magnitude\",\"scope\":\"\(scope.rawValue)\",\(goal),\"pruned_weights\":\(pruned),\"achieved_sparsity\":\(sparsity)}"
    }
}
