// swift-tools-version: 6.1
// The benchmarks are their own package, so that users of the library never build them.
//   swift run -c release KernelBenchmarks            the kernel against the stream-read floor
//   swift package benchmark                           microbenchmarks (ordo-one/benchmark)
//   swift package benchmark thresholds check          ... against the committed thresholds
import PackageDescription

let package = Package(
    name: "ShardTrainBenchmarks",
    dependencies: [
        .package(name: "ShardTrain", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "KernelBenchmarks",
            dependencies: [.product(name: "BenchmarkKit", package: "ShardTrain"),
                           .product(name: "ShardTrain", package: "ShardTrain")]
        ),
        .executableTarget(
            name: "ShardTrainBenchmarks",
            dependencies: [.product(name: "Benchmark", package: "benchmark"),
                           .product(name: "BenchmarkKit", package: "ShardTrain"),
                           .product(name: "ShardTrain", package: "ShardTrain")],
            path: "Benchmarks/ShardTrainBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
