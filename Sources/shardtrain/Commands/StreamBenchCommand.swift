import ArgumentParser
import BenchmarkKit
import Foundation
import ShardTrain

/// `shardtrain bench stream`: the memory-bandwidth floor of one pass over a data file.
struct StreamBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stream",
        abstract: "Time reading a dataset's feature bytes once with T threads: the floor of one epoch."
    )

    @Option(help: "Data file (its features are loaded, then read).")
    var data: String

    @OptionGroup var dataOptions: DataOptions

    @Option(help: "Reading threads.")
    var threads: Int = 1

    @Option(help: "Timed runs (best is reported).")
    var runs: Int = 5

    @Flag(help: "Print one JSON object as the last line of stdout.")
    var json = false

    func run() throws {
        let (dataset, _) = try loadDataset(data, dataOptions.loadOptions())
        let values: [Float] = switch dataset.features {
        case .dense(let m): m.values
        case .sparse(let m): [Float](repeating: 1, count: m.storageBytes / 4)
        }
        let timing = Timing.measure(runs: runs) {
            values.withUnsafeBufferPointer { blackHole(StreamRead.parallelSum($0, threads: threads)) }
        }
        let bytes = values.count * 4
        print(String(format: "read %d bytes with %d thread(s): %.4f s (%.2f GB/s)", bytes, threads, timing.best,
                     Double(bytes) / timing.best / 1e9))
        if json {
            var line = JSONLine()
            line.add("bytes", bytes)
            line.add("threads", threads)
            line.add("seconds", timing.best)
            print(line.rendered)
        }
    }
}
