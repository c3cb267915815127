/// Times a closure: the best (minimum) and median of several runs, in seconds.
public struct Timing: Sendable {
    public var best: Double
    public var median: Double
    public var runs: Int

    /// Runs `body` `warmup` times untimed, then `runs` times timed.
    public static func measure(runs: Int = 5, warmup: Int = 1, _ body: () -> Void) -> Timing {
        let clock = ContinuousClock()
        for _ in 0 ..< warmup { body() }
        var samples: [Double] = []
        for _ in 0 ..< max(1, runs) {
            let start = clock.now
            body()
            let elapsed = clock.now - start
            let (seconds, attoseconds) = elapsed.components
            samples.append(Double(seconds) + Double(attoseconds) * 1e-18)
        }
        samples.sort()
        return Timing(best: samples[0], median: samples[samples.count / 2], runs: samples.count)
    }
}

extension Timing {
    /// Times `baseline` and `subject` alternately, `runs` times each after one warm-up of each,
    /// so that both see the same machine state (load from other processes, frequency).
    public static func measurePair(runs: Int, baseline: () -> Void, subject: () -> Void) -> (baseline: Timing, subject: Timing) {
        let clock = ContinuousClock()
        baseline()
        subject()
        var first: [Double] = [], second: [Double] = []
        func seconds(_ body: () -> Void) -> Double {
            let start = clock.now
            body()
            let (s, attoseconds) = (clock.now - start).components
            return Double(s) + Double(attoseconds) * 1e-18
        }
        for _ in 0 ..< max(1, runs) {
            first.append(seconds(baseline))
            second.append(seconds(subject))
        }
        func summary(_ samples: [Double]) -> Timing {
            let sorted = samples.sorted()
            return Timing(best: sorted[0], median: sorted[sorted.count / 2], runs: sorted.count)
        }
        return (summary(first), summary(second))
    }
}

/// Keeps a computed value alive so the optimizer cannot drop the work that produced it.
@inline(never) @_optimize(none)
public func blackHole<T>(_ value: T) {}
