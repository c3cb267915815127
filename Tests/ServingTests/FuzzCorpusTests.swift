import Foundation
import FuzzTargets
import Testing
import TestSupport

/// The fuzz targets' committed inputs, replayed on every test run: the seeds in fuzz/corpus and
/// every crash a campaign found (fuzz/crashes, kept after the fix as a regression test), plus
/// seeded mutations of each seed — a short fuzz run without libFuzzer. A target that crashed
/// would take the test process down with it.
@Suite struct FuzzCorpusTests {
    static func files(_ folder: String, _ keep: (String) -> Bool) -> [String] {
        let path = Fixtures.repositoryRoot.appendingPathComponent(folder).path
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        return names.filter { keep($0) && !$0.hasPrefix(".") }.sorted().map { path + "/" + $0 }
    }

    @Test(arguments: FuzzTarget.allCases)
    func seedsCrashesAndMutationsAreRefusedCleanly(target: FuzzTarget) throws {
        let seeds = Self.files("fuzz/corpus/" + target.rawValue) { _ in true }
        #expect(seeds.count >= 2, "no seeds for \(target)")
        let crashes = Self.files("fuzz/crashes") { $0.hasPrefix(target.rawValue + "-") }
        for path in seeds + crashes {
            target.run(Array(try Data(contentsOf: URL(fileURLWithPath: path))))
        }
        // Mutations: flip, insert, delete and overwrite bytes with extreme values.
        var seeded = SeededMutator(seed: UInt64(target.rawValue.utf8.reduce(7) { $0 &* 31 &+ UInt64($1) }))
        for path in seeds {
            let original = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
            for _ in 0 ..< 300 { target.run(seeded.mutate(original)) }
        }
    }
}

/// A small deterministic byte mutator (xorshift), so that a failing mutation recurs.
struct SeededMutator {
    var state: UInt64

    init(seed: UInt64) { state = seed | 1 }

    mutating func next() -> UInt64 {
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        return state
    }

    mutating func mutate(_ bytes: [UInt8]) -> [UInt8] {
        var out = bytes
        let edits = 1 + Int(next() % 4)
        for _ in 0 ..< edits {
            let position = out.isEmpty ? 0 : Int(next() % UInt64(out.count))
            let extremes: [UInt8] = [0x00, 0xFF, 0x7F, 0x80, 0x30, 0x39, 0x2D, 0x3A, 0x22, 0x5B, 0x0A, 0x0D]
            switch next() % 5 {
            case 0 where !out.isEmpty: out[position] ^= UInt8(1 << (next() % 8))
            case 1: out.insert(extremes[Int(next() % UInt64(extremes.count))], at: position)
            case 2 where !out.isEmpty: out.remove(at: position)
            case 3 where !out.isEmpty: out[position] = extremes[Int(next() % UInt64(extremes.count))]
            default:
                let digits = Array("99999999999999999999".utf8.prefix(1 + Int(next() % 20)))
                out.insert(contentsOf: digits, at: position)
            }
        }
        return out
    }
}
