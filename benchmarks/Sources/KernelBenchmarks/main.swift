// Gradient kernels against the stream-read floor, measured in the same run.
// Usage: swift run -c release KernelBenchmarks [rows] [features] [nnz-per-row]
import BenchmarkKit
import ShardTrain

let arguments = CommandLine.arguments.dropFirst().compactMap { Int($0) }
let rows = arguments.count > 0 ? arguments[0] : 1_000_000
let features = arguments.count > 1 ? arguments[1] : 100
let nonzeros = arguments.count > 2 ? arguments[2] : 10

BLASRuntime.setThreadCount(1)
print("OpenBLAS kernel \(BLASRuntime.coreName), 1 thread")
let benchmark = KernelBenchmark(rows: rows, features: features, runs: 5)
for result in [benchmark.runDense(), benchmark.runSparse(nonzerosPerRow: nonzeros)] {
    print(result.name)
    print("  stream read \(result.baseline.best) s (\(result.baselineGBps) GB/s)")
    print("  gradient    \(result.kernel.best) s (\(result.kernelGBps) GB/s)")
    print("  ratio       \(result.ratio)")
}
