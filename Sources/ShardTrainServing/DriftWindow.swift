import ShardTrain
import Synchronization

/// The last `capacity` rows a model scored, kept as bin counts against its reference profile,
/// from which the population stability index of every feature and of the score follows.
///
/// Each row is remembered only by the bins it fell in that differ from the bin of zero, so a
/// sparse row costs its non-zeros; the zero bin's count is the window's size less the rest.
/// Only the profiled features are counted (all of them, or the profile's ``ReferenceProfile/featureIndices``).
final class DriftWindow: Sendable {
    let profile: ReferenceProfile
    let capacity: Int
    private let zeroBins: [Int]
    /// The profile entry of each feature, -1 for a feature the profile does not cover.
    private let slots: [Int32]
    private let state: Mutex<State>

    private struct State {
        /// Rows in the window per feature and bin, the zero bin excepted (it is derived).
        var featureCounts: [[Int]]
        var scoreCounts: [Int]
        /// Ring of the rows in the window: each one's `feature << 8 | bin` entries, and its score bin.
        var entries: [[UInt32]]
        var scoreBins: [Int]
        var next = 0
        var filled = 0
        var seen = 0
    }

    init(profile: ReferenceProfile, capacity: Int) {
        self.profile = profile
        self.capacity = max(capacity, 1)
        zeroBins = profile.features.map { $0.bin(of: 0) }
        var slots = [Int32](repeating: -1, count: (profile.featureIndices?.last).map { $0 + 1 } ?? profile.features.count)
        for (k, j) in profile.profiledFeatures.enumerated() { slots[j] = Int32(k) }
        self.slots = slots
        state = Mutex(State(featureCounts: profile.features.map { [Int](repeating: 0, count: $0.expected.count) },
                            scoreCounts: [Int](repeating: 0, count: profile.score.expected.count),
                            entries: [], scoreBins: []))
    }

    /// Adds the rows of `features` and their `scores` (one per row), dropping the oldest rows
    /// beyond the capacity.
    func record(_ features: FeatureMatrix, scores: [Double]) {
        let columns = min(features.columns, slots.count)
        var rows: [[UInt32]] = []
        rows.reserveCapacity(features.rows)
        switch features {
        case .dense(let matrix):
            for i in 0 ..< matrix.rows {
                var entry: [UInt32] = []
                let base = i * matrix.columns
                for j in 0 ..< columns where slots[j] >= 0 {
                    let k = Int(slots[j])
                    let bin = profile.features[k].bin(of: Double(matrix.values[base + j]))
                    if bin != zeroBins[k] { entry.append(UInt32(k) << 8 | UInt32(bin)) }
                }
                rows.append(entry)
            }
        case .sparse(let matrix):
            for i in 0 ..< matrix.rows {
                var entry: [UInt32] = []
                for p in matrix.rowOffsets[i] ..< matrix.rowOffsets[i + 1] {
                    let j = Int(matrix.columnIndices[p])
                    guard j < columns, slots[j] >= 0 else { continue }
                    let k = Int(slots[j])
                    let bin = profile.features[k].bin(of: Double(matrix.values[p]))
                    if bin != zeroBins[k] { entry.append(UInt32(k) << 8 | UInt32(bin)) }
                }
                rows.append(entry)
            }
        }
        let scoreBins = scores.map { profile.score.bin(of: $0) }
        state.withLock { s in
            for (entry, scoreBin) in zip(rows, scoreBins) {
                if s.filled == capacity {
                    for packed in s.entries[s.next] { s.featureCounts[Int(packed >> 8)][Int(packed & 0xFF)] -= 1 }
                    s.scoreCounts[s.scoreBins[s.next]] -= 1
                    s.entries[s.next] = entry
                    s.scoreBins[s.next] = scoreBin
                } else {
                    s.entries.append(entry)
                    s.scoreBins.append(scoreBin)
                    s.filled += 1
                }
                for packed in entry { s.featureCounts[Int(packed >> 8)][Int(packed & 0xFF)] += 1 }
                s.scoreCounts[scoreBin] += 1
                s.next = (s.next + 1) % capacity
                s.seen += 1
            }
        }
    }

    /// The window's PSI per profiled feature (in the order of ``ReferenceProfile/profiledFeatures``)
    /// and for the score, with the rows it holds and has seen.
    struct Report: Sendable {
        var rows: Int
        var seen: Int
        var featurePSI: [Double]
        /// The 1-based feature number of each entry of `featurePSI`.
        var featureNumbers: [Int]
        var scorePSI: Double
    }

    func report() -> Report {
        let (counts, scoreCounts, filled, seen) = state.withLock { ($0.featureCounts, $0.scoreCounts, $0.filled, $0.seen) }
        var psi: [Double] = []
        psi.reserveCapacity(counts.count)
        for (j, var observed) in counts.enumerated() {
            observed[zeroBins[j]] = filled - observed.reduce(0, +)
            psi.append(ReferenceProfile.psi(expected: profile.features[j].expected, observed: observed))
        }
        return Report(rows: filled, seen: seen, featurePSI: psi, featureNumbers: profile.profiledFeatures.map { $0 + 1 },
                      scorePSI: ReferenceProfile.psi(expected: profile.score.expected, observed: scoreCounts))
    }
}
