import Foundation

/// A small, fast, deterministic random number generator (SplitMix64).
///
/// Everything random in the project (shuffles, splits, synthetic data, initialization) draws
/// from one of these, seeded explicitly, so a run can be repeated bit for bit.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    /// The whole internal state: a generator made with ``init(state:)`` from it continues this
    /// one's sequence exactly (checkpoints save it so that a resumed run draws the same numbers).
    public private(set) var state: UInt64

    /// Creates a generator; equal seeds give equal sequences.
    public init(seed: UInt64) { state = seed }

    /// Recreates a generator from a saved ``state``.
    public init(state: UInt64) { self.state = state }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform double in `[0, 1)`.
    public mutating func nextUnit() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// A standard normal draw (Box–Muller).
    public mutating func nextGaussian() -> Double {
        let u1 = max(nextUnit(), .leastNonzeroMagnitude)
        let u2 = nextUnit()
        return (-2 * log(u1)).squareRoot() * cos(2 * .pi * u2)
    }
}

