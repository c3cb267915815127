import ArgumentParser
import BenchmarkKit
import Foundation
import ShardTrain

/// `shardtrain bench`: measurements reported against a baseline taken in the same run.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Benchmarks, each reported as a ratio to a baseline measured in the same run.",
        subcommands: [KernelBenchCommand.self, StreamBenchCommand.self, Int8BenchCommand.self, ScalingBenchCommand.self,
                      MPIReduceBenchCommand.self, TransportBenchCommand.self]
    )
}

/// `shardtrain bench kernel`: one-core gradient pass vs stream-reading the same bytes.
struct KernelBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kernel",
        abstract: "Time one full logistic gradient on one core against stream-reading the same bytes."
    )

    @Option(help: "Rows of the synthetic matrix.")
    var rows: Int = 1_000_000

    @Option(help: "Features of the synthetic matrix.")
    var features: Int = 100

    @Option(help: "Also run a sparse matrix with this many stored entries per row.")
    var nnzPerRow: Int?

    @Option(help: "Rows per kernel block (default: about 128 KiB of features).")
    var blockRows: Int?

    @Option(help: "Timed runs (best is reported).")
    var runs: Int = 5

    @Flag(help: "Print one JSON object as the last line of stdout.")
    var json = false

    func run() throws {
        StandardError.line(BLASBootstrap.describe())
        let benchmark = KernelBenchmark(rows: rows, features: features, runs: runs, blockRows: blockRows)
        var results = [benchmark.runDense()]
        if let nnzPerRow { results.append(benchmark.runSparse(nonzerosPerRow: nnzPerRow)) }
        for result in results {
            print(result.name)
            print(String(format: "  stream read  %.4f s  (%.2f GB/s)", result.baseline.best, result.baselineGBps))
            print(String(format: "  gradient     %.4f s  (%.2f GB/s)", result.kernel.best, result.kernelGBps))
            print(String(format: "  ratio        %.3f × the stream-read time", result.ratio))
            if let blas = result.blasOnly {
                print(String(format: "  BLAS sgemv alone (margins only) %.4f s = %.3f × the stream-read time", blas.best, blas.best / result.baseline.best))
            }
        }
        if json {
            var line = JSONLine()
            line.add("kernel", BLASRuntime.coreName)
            for (index, result) in results.enumerated() {
                let prefix = index == 0 ? "dense" : "sparse"
                line.add("\(prefix)_stream_seconds", result.baseline.best)
                line.add("\(prefix)_gradient_seconds", result.kernel.best)
                line.add("\(prefix)_ratio", result.ratio)
                if let blas = result.blasOnly { line.add("\(prefix)_blas_only_ratio", blas.best / result.baseline.best) }
            }
            print(line.rendered)
        }
    }
}
