import CBLAS
#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// What OpenBLAS is doing in this process: which kernel it runs and with how many threads.
///
/// Debian 12's OpenBLAS 0.3.21 picks its kernels at load time from the CPU model it knows; on
/// processors newer than it, it silently falls back to generic SSE3 kernels that run 3–6×
/// slower. ``KernelSelection`` works out, from the CPU's real instruction-set features, the
/// kernel OpenBLAS should use; the command-line tool applies it by setting `OPENBLAS_CORETYPE`
/// and restarting itself before any BLAS call (the library cannot change a loaded kernel).
public enum BLASRuntime {
    /// The name of the kernel OpenBLAS runs (`openblas_get_corename`), e.g. `Haswell`, `Zen`.
    public static var coreName: String {
        guard let name = openblas_get_corename() else { return "unknown" }
        return String(cString: name)
    }

    /// OpenBLAS's build configuration string.
    public static var configuration: String {
        guard let config = openblas_get_config() else { return "unknown" }
        return String(cString: config)
    }

    /// The number of threads OpenBLAS uses for one call.
    public static var threadCount: Int { Int(openblas_get_num_threads()) }

    /// Sets the number of threads OpenBLAS uses for one call.
    ///
    /// Data-parallel training runs one BLAS thread per worker process (the default the CLI
    /// applies), so that workers do not fight over cores.
    public static func setThreadCount(_ count: Int) {
        openblas_set_num_threads(Int32(max(1, count)))
    }
}

/// The OpenBLAS kernel that fits this CPU, decided from its instruction-set features.
public struct KernelSelection: Sendable, Equatable {
    /// The instruction-set level the CPU supports, as far as OpenBLAS kernels care.
    public enum Level: Int, Sendable, Comparable {
        case generic = 0, avx2 = 1, avx512 = 2
        public static func < (a: Level, b: Level) -> Bool { a.rawValue < b.rawValue }

        /// The `OPENBLAS_CORETYPE` name of the best kernel at this level, if any.
        public var coreType: String? {
            switch self {
            case .generic: nil
            case .avx2: "Haswell"
            case .avx512: "SkylakeX"
            }
        }
    }

    /// What the CPU supports.
    public let cpuLevel: Level
    /// What the kernel OpenBLAS picked by itself uses.
    public let runningLevel: Level
    /// The `OPENBLAS_CORETYPE` to set, or `nil` when OpenBLAS's own choice is as good.
    public let recommendedCoreType: String?

    /// Decides from the CPU feature flags (as in `/proc/cpuinfo`) and the running kernel name.
    public init(cpuFlags: Set<String>, runningCoreName: String) {
        let level: Level
        if cpuFlags.isSuperset(of: ["avx512f", "avx512bw", "avx512vl", "avx512dq", "avx512cd"]) {
            level = .avx512
        } else if cpuFlags.isSuperset(of: ["avx2", "fma"]) {
            level = .avx2
        } else {
            level = .generic
        }
        cpuLevel = level
        runningLevel = Self.level(ofCoreName: runningCoreName)
        recommendedCoreType = runningLevel < cpuLevel ? cpuLevel.coreType : nil
    }

    /// The instruction-set level of an OpenBLAS kernel, by its core name.
    public static func level(ofCoreName name: String) -> Level {
        switch name.lowercased() {
        case "skylakex", "cooperlake", "sapphirerapids": .avx512
        case "haswell", "zen", "skylake", "zen2", "zen3", "zen4", "alderlake": .avx2
        default: .generic
        }
    }

    /// The instruction-set flags of this CPU, read from `/proc/cpuinfo` (empty where unavailable).
    public static func currentCPUFlags() -> Set<String> {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return [] }
        for line in text.split(separator: "\n") where line.hasPrefix("flags") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            return Set(line[line.index(after: colon)...].split(separator: " ").map(String.init))
        }
        return []
    }

    /// The selection for this process: this CPU and the kernel OpenBLAS loaded.
    public static func current() -> KernelSelection {
        KernelSelection(cpuFlags: currentCPUFlags(), runningCoreName: BLASRuntime.coreName)
    }
}
