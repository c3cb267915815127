// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "ShardTrain",
    platforms: [.macOS(.v13)],
    products: [
        .library(name: "ShardTrain", targets: ["ShardTrain"]),
        .library(name: "BenchmarkKit", targets: ["BenchmarkKit"]),
        .executable(name: "shardtrain", targets: ["shardtrain"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CBLAS",
            pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev", "liblapacke-dev"])]
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
                "ONNXProto",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .target(
            name: "BenchmarkKit",
            dependencies: ["ShardTrain"]
        ),
        .executableTarget(
            name: "shardtrain",
            dependencies: [
                "ShardTrain",
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
            name: "CLITests",
            dependencies: ["ShardTrain", "TestSupport"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
