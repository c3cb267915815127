import Testing
@testable import ShardTrain

/// Choosing the OpenBLAS kernel from CPU features.
@Suite struct KernelSelectionTests {
    @Test func genericKernelOnAnAVX2MachineIsUpgradedToHaswell() {
        let selection = KernelSelection(cpuFlags: ["sse4_2", "avx", "avx2", "fma"], runningCoreName: "Prescott")
        #expect(selection.cpuLevel == .avx2)
        #expect(selection.recommendedCoreType == "Haswell")
    }

    @Test func avx512MachinesGetSkylakeX() {
        let flags: Set<String> = ["avx2", "fma", "avx512f", "avx512bw", "avx512vl", "avx512dq", "avx512cd"]
        #expect(KernelSelection(cpuFlags: flags, runningCoreName: "Prescott").recommendedCoreType == "SkylakeX")
        #expect(KernelSelection(cpuFlags: flags, runningCoreName: "Haswell").recommendedCoreType == "SkylakeX")
    }

    @Test func aGoodChoiceIsLeftAlone() {
        #expect(KernelSelection(cpuFlags: ["avx2", "fma"], runningCoreName: "Zen").recommendedCoreType == nil)
        #expect(KernelSelection(cpuFlags: ["sse2"], runningCoreName: "Prescott").recommendedCoreType == nil)
    }

    @Test func theRunningKernelIsReported() {
        #expect(!BLASRuntime.coreName.isEmpty)
        #expect(BLASRuntime.configuration.contains("OpenBLAS"))
    }
}
