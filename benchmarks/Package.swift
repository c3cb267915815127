// swift-tools-version: 6.1
// The benchmarks are their own package, so that users of the library never build them.
import PackageDescription

let package = Package(
    name: "ShardTrainBenchmarks",
    dependencies: [
        .package(name: "ShardTrain", path: ".."),
    ],
    targets: [
        .executableTarget(
            name: "KernelBenchmarks",
            dependencies: [.product(name: "BenchmarkKit", package: "ShardTrain"),
                           .product(name: "ShardTrain", package: "ShardTrain")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
