import FuzzTargets
import Foundation

/// `shardtrain-fuzz`: built with the trait `Fuzzing`, a libFuzzer harness for the target named
/// by `SHARDTRAIN_FUZZ_TARGET` (libFuzzer's own options on the command line; Scripts/fuzz runs
/// it); built without, it replays files through a target, `shardtrain-fuzz TARGET FILE...` (a
/// crash the fuzzer found, reproduced without its instrumentation).
@main struct FuzzMain {
    static func main() {
        #if FUZZING
        guard let name = ProcessInfo.processInfo.environment["SHARDTRAIN_FUZZ_TARGET"], let target = FuzzTarget(rawValue: name) else {
            fail("set SHARDTRAIN_FUZZ_TARGET to one of: \(names)")
        }
        selected = target
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        exit(runFuzzerDriver(&argc, &argv, fuzzOneInput))
        #else
        let arguments = CommandLine.arguments.dropFirst()
        guard let name = arguments.first, let target = FuzzTarget(rawValue: name) else {
            fail("usage: shardtrain-fuzz TARGET FILE...  (targets: \(names); build with --traits Fuzzing to fuzz)")
        }
        for path in arguments.dropFirst() {
            guard let data = FileManager.default.contents(atPath: path) else { fail("\(path): unreadable") }
            target.run(Array(data))
            print("\(path): ok")
        }
        #endif
    }

    static var names: String { FuzzTarget.allCases.map(\.rawValue).joined(separator: ", ") }

    static func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data((message + "\n").utf8))
        exit(2)
    }
}

#if FUZZING
/// The target of this run, set once before the driver starts.
nonisolated(unsafe) private var selected = FuzzTarget.json

/// One input through the selected target.
private func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    selected.run(data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? [])
    return 0
}

/// libFuzzer's driver (`LLVMFuzzerRunDriver`): parses libFuzzer's options and runs the loop.
@_silgen_name("LLVMFuzzerRunDriver")
private func runFuzzerDriver(_ argc: UnsafeMutablePointer<CInt>,
                             _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
                             _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt
#endif
