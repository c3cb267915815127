import Foundation
import ShardTrain

/// Makes OpenBLAS run the best kernel for this CPU before any BLAS call.
///
/// OpenBLAS picks its kernel once, when it loads; an old OpenBLAS that does not know a new CPU
/// falls back to slow generic kernels. If `OPENBLAS_CORETYPE` is unset and the kernel OpenBLAS
/// picked uses fewer instruction-set features than the CPU has, the tool sets
/// `OPENBLAS_CORETYPE` (`SkylakeX` for AVX-512, `Haswell` for AVX2+FMA) and restarts itself once
/// with the same arguments. A value already in the environment is always kept.
enum BLASBootstrap {
    /// Environment marker: the kernel was set by this bootstrap (also stops a second restart).
    static let marker = "SHARDTRAIN_BLAS_KERNEL_SET"

    static func ensureBestKernel() {
        let environment = ProcessInfo.processInfo.environment
        guard environment["OPENBLAS_CORETYPE"] == nil, environment[marker] == nil else { return }
        guard let coreType = KernelSelection.current().recommendedCoreType else { return }
        setenv("OPENBLAS_CORETYPE", coreType, 1)
        setenv(marker, coreType, 1)
        let arguments = CommandLine.arguments
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) }
        argv.append(nil)
        execv("/proc/self/exe", &argv)
        // execv returned: the restart failed; carry on with the kernel we have.
        for pointer in argv { free(pointer) }
    }

    /// One line saying which kernel runs and why, for `--verbose`.
    static func describe() -> String {
        let environment = ProcessInfo.processInfo.environment
        let selection = KernelSelection.current()
        let cpu = switch selection.cpuLevel {
        case .avx512: "AVX-512"
        case .avx2: "AVX2+FMA"
        case .generic: "no AVX2"
        }
        let source: String
        if environment[marker] != nil {
            source = "set by shardtrain from the CPU features"
        } else if let value = environment["OPENBLAS_CORETYPE"] {
            source = "OPENBLAS_CORETYPE=\(value) from the environment"
        } else {
            source = "OpenBLAS's own choice"
        }
        return "BLAS: OpenBLAS kernel \(BLASRuntime.coreName) (\(source); CPU has \(cpu)), \(BLASRuntime.threadCount) thread(s)"
    }
}
