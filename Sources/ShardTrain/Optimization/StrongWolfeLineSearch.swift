/// A line search for a step `α` along a descent direction that satisfies the strong Wolfe
/// conditions (Nocedal & Wright, Algorithms 3.5 and 3.6):
///
///     φ(α) ≤ φ(0) + c₁·α·φ'(0)          (sufficient decrease)
///     |φ'(α)| ≤ c₂·|φ'(0)|               (curvature)
///
/// with `φ(α) = F(x + α·d)`. Trial steps are bracketed, then refined by safeguarded cubic
/// interpolation. Each trial is one evaluation of the objective and gradient (one pass).
///
/// Near an optimum the objective's change per step falls below the rounding noise of its
/// float32 evaluation (about 1e-8 of its value), and sufficient decrease can no longer be
/// verified from values. There a trial is also accepted on the approximate Wolfe conditions of
/// Hager & Zhang (2005), which use only slopes: `φ(α) ≤ φ(0) + ε·|φ(0)|` and
/// `σ·φ'(0) ≤ φ'(α) ≤ (2δ − 1)·φ'(0)`.
struct StrongWolfeLineSearch {
    /// A trial point on the line.
    struct Point {
        var alpha: Double
        var value: Double
        var slope: Double
        var parameters: [Double]
        var gradient: [Double]
    }

    var sufficientDecrease = 1e-4
    var curvature = 0.9
    var maxEvaluations = 25
    /// `ε`: the relative noise of an objective value, below which values cannot be compared.
    var valueNoise = 1e-7

    /// The approximate Wolfe conditions (slopes only, value within noise).
    func acceptsApproximately(_ trial: Point, origin: Point) -> Bool {
        trial.value <= origin.value + valueNoise * abs(origin.value)
            && trial.slope >= curvature * origin.slope
            && trial.slope <= (2 * sufficientDecrease - 1) * origin.slope
    }

    /// Searches from `origin` (α = 0) with the first trial at `initialStep`.
    /// - Parameter evaluate: evaluates `φ` and `φ'` at a step.
    /// - Returns: an acceptable point, or the best decreasing point found if the conditions could
    ///   not be met within the evaluation budget, or `nil` if no trial decreased the objective.
    func search(origin: Point, initialStep: Double, evaluate: (Double) throws -> Point) throws -> (Point?, evaluations: Int) {
        var evaluations = 0
        var previous = origin
        var alpha = initialStep
        var best: Point?
        while evaluations < maxEvaluations {
            let trial = try evaluate(alpha)
            evaluations += 1
            guard trial.value.isFinite, trial.slope.isFinite else {
                // Overshot into overflow: shrink towards the origin.
                alpha = 0.5 * (previous.alpha + alpha)
                continue
            }
            if trial.value < origin.value, trial.value < (best?.value ?? .infinity) { best = trial }
            if acceptsApproximately(trial, origin: origin) { return (trial, evaluations) }
            if trial.value > origin.value + sufficientDecrease * alpha * origin.slope
                || (evaluations > 1 && trial.value >= previous.value) {
                return try zoom(origin: origin, low: previous, high: trial, used: evaluations, best: best, evaluate: evaluate)
            }
            if abs(trial.slope) <= -curvature * origin.slope { return (trial, evaluations) }
            if trial.slope >= 0 {
                return try zoom(origin: origin, low: trial, high: previous, used: evaluations, best: best, evaluate: evaluate)
            }
            previous = trial
            alpha *= 2.5
        }
        return (best, evaluations)
    }

    private func zoom(origin: Point, low: Point, high: Point, used: Int, best: Point?,
                      evaluate: (Double) throws -> Point) throws -> (Point?, evaluations: Int) {
        var low = low, high = high, evaluations = used, best = best
        while evaluations < maxEvaluations {
            let alpha = interpolate(low, high)
            let trial = try evaluate(alpha)
            evaluations += 1
            if trial.value.isFinite, trial.value < origin.value, trial.value < (best?.value ?? .infinity) { best = trial }
            if trial.value.isFinite, acceptsApproximately(trial, origin: origin) { return (trial, evaluations) }
            if !trial.value.isFinite || trial.value > origin.value + sufficientDecrease * alpha * origin.slope
                || trial.value >= low.value {
                high = trial
            } else {
                if abs(trial.slope) <= -curvature * origin.slope { return (trial, evaluations) }
                if trial.slope * (high.alpha - low.alpha) >= 0 { high = low }
                low = trial
            }
            if abs(high.alpha - low.alpha) <= 1e-14 * max(abs(low.alpha), 1e-300) { break }
        }
        return (best, evaluations)
    }

    /// The minimizer of the cubic through two points and their slopes, kept well inside the
    /// interval (bisection when the cubic is unusable).
    private func interpolate(_ a: Point, _ b: Point) -> Double {
        let lower = min(a.alpha, b.alpha), upper = max(a.alpha, b.alpha)
        let width = upper - lower
        let d1 = a.slope + b.slope - 3 * (a.value - b.value) / (a.alpha - b.alpha)
        let discriminant = d1 * d1 - a.slope * b.slope
        if discriminant >= 0, b.alpha != a.alpha {
            let d2 = (b.alpha > a.alpha ? 1.0 : -1.0) * discriminant.squareRoot()
            let candidate = b.alpha - (b.alpha - a.alpha) * (b.slope + d2 - d1) / (b.slope - a.slope + 2 * d2)
            if candidate.isFinite, candidate > lower + 0.1 * width, candidate < upper - 0.1 * width {
                return candidate
            }
        }
        return lower + 0.5 * width
    }
}
