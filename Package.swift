// swift-tools-version: 6.1
import PackageDescription

/// With the trait `Fuzzing` (Scripts/fuzz): coverage and address sanitizing for the code that
/// decodes outside input, and libFuzzer's entry point in `shardtrain-fuzz`.
let fuzzing: [SwiftSetting] = [.unsafeFlags(["-sanitize=fuzzer,address"], .when(traits: ["Fuzzing"]))]

let package = Package(
    name: "ShardTrain",
    platforms: [.macOS(.v13)],
    products: [
        .library(name: "ShardTrain", targets: ["ShardTrain"]),
        .library(name: "ShardTrainServing", targets: ["ShardTrainServing"]),
        .library(name: "BenchmarkKit", targets: ["BenchmarkKit"]),
        .executable(name: "shardtrain", targets: ["shardtrain"]),
        .executable(name: "shardtrain-fuzz", targets: ["ShardTrainFuzz"]),
    ],
    traits: [
        .trait(name: "MPI", description: "The MPI backend of train (mpirun/srun), over OpenMPI (Debian: libopenmpi-dev, openmpi-bin)."),
        .trait(name: "Fuzzing", description: "Build shardtrain-fuzz as a libFuzzer harness, with address sanitizing (Scripts/fuzz; build only that product)."),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.34.1"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.0"),
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: []),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CBLAS",
            pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev", "liblapacke-dev"])]
        ),
        .systemLibrary(
            name: "CMPI",
            pkgConfig: "ompi-c",
            providers: [.apt(["libopenmpi-dev"])]
        ),
        .target(
            name: "ONNXProto",
            dependencies: [.product(name: "SwiftProtobuf", package: "swift-protobuf")],
            exclude: ["README.md"]
        ),
        .target(
            name: "ShardTrain",
            dependencies: [
                "CBLAS",
                .target(name: "CMPI", condition: .when(traits: ["MPI"])),
                "ONNXProto",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: fuzzing
        ),
        .target(
            name: "ShardTrainServing",
            dependencies: [
                "ShardTrain",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: fuzzing
        ),
        .target(
            name: "FuzzTargets",
            dependencies: ["ShardTrain", "ShardTrainServing"],
            swiftSettings: fuzzing
        ),
        .executableTarget(
            name: "ShardTrainFuzz",
            dependencies: ["FuzzTargets"],
            swiftSettings: fuzzing + [.define("FUZZING", .when(traits: ["Fuzzing"]))],
            linkerSettings: [.unsafeFlags(["-sanitize=fuzzer,address", "-use-ld=lld"], .when(traits: ["Fuzzing"]))]
        ),
        .target(
            name: "BenchmarkKit",
            dependencies: ["ShardTrain"]
        ),
        .executableTarget(
            name: "shardtrain",
            dependencies: [
                "ShardTrain",
                "ShardTrainServing",
                "BenchmarkKit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "QuickStart",
            dependencies: ["ShardTrain"],
            path: "Examples/QuickStart"
        ),
        .target(
            name: "TestSupport",
            dependencies: ["ShardTrain"],
            path: "Tests/TestSupport"
        ),
        .testTarget(
            name: "ShardTrainTests",
            dependencies: ["ShardTrain", "BenchmarkKit", "TestSupport"]
        ),
        .testTarget(
            name: "ServingTests",
            dependencies: ["ShardTrain", "ShardTrainServing", "TestSupport", "FuzzTargets"]
        ),
        .testTarget(
            name: "CLITests",
            dependencies: ["ShardTrain", "ShardTrainServing", "TestSupport"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
