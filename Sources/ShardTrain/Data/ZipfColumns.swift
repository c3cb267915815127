import Foundation

/// Columns drawn by Zipf's law: column `j` with probability proportional to `1/(j + 1)ˢ`, by
/// inverting the cumulative weights (a binary search in a table of one float64 per column).
struct ZipfColumns {
    /// `cumulative[j]` = the weights of columns `0…j`.
    private let cumulative: [Double]

    init(features: Int, exponent: Double) {
        var total = 0.0
        cumulative = (0 ..< features).map { j in
            total += 1 / pow(Double(j + 1), exponent)
            return total
        }
    }

    /// One column.
    func draw(using generator: inout SeededGenerator) -> Int {
        let u = generator.nextUnit() * cumulative[cumulative.count - 1]
        var (low, high) = (0, cumulative.count - 1)
        while low < high {
            let middle = (low + high) / 2
            if cumulative[middle] <= u { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// Fills `chosen` with distinct columns, sorted (a repeat is drawn again; at most half of the
    /// columns are asked for, so this ends).
    func sample(into chosen: inout [Int], taken: inout [Bool], using generator: inout SeededGenerator) {
        for t in chosen.indices {
            var pick = draw(using: &generator)
            while taken[pick] { pick = draw(using: &generator) }
            taken[pick] = true
            chosen[t] = pick
        }
        for j in chosen { taken[j] = false }
        chosen.sort()
    }
}
