import ArgumentParser
import BenchmarkKit
import ShardTrain

/// `shardtrain bench int8`: int8 against float32 inference on one dense batch.
struct Int8BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "int8",
        abstract: "Time int8 inference (pre-quantized batch, and end to end) against float32 inference on one core."
    )

    @Option(help: "Rows of the synthetic batch.")
    var rows: Int = 100_000

    @Option(help: "Features of the synthetic batch.")
    var features: Int = 1_000

    @Option(help: "Timed runs (best is reported).")
    var runs: Int = 5

    @Flag(help: "Print one JSON object as the last line of stdout.")
    var json = false

    func run() throws {
        StandardError.line(BLASBootstrap.describe())
        let result = try report { try Int8InferenceBenchmark(rows: rows, features: features, runs: runs).run() }
        print("dense \(rows) × \(features), logistic model, one core")
        print(String(format: "  float32 margins          %.4f s", result.float32.best))
        print(String(format: "  int8 (quantized batch)   %.4f s  = %.3f × float32", result.int8.best, result.ratio))
        print(String(format: "  int8 end to end          %.4f s  = %.3f × float32 (quantizes each row first)",
                     result.int8EndToEnd.best, result.endToEndRatio))
        print(String(format: "  largest margin change    %.4g", result.largestMarginChange))
        if json {
            var line = JSONLine()
            line.add("rows", rows)
            line.add("features", features)
            line.add("float32_seconds", result.float32.best)
            line.add("int8_seconds", result.int8.best)
            line.add("int8_end_to_end_seconds", result.int8EndToEnd.best)
            line.add("ratio", result.ratio)
            line.add("end_to_end_ratio", result.endToEndRatio)
            line.add("largest_margin_change", result.largestMarginChange)
            print(line.rendered)
        }
    }
}
