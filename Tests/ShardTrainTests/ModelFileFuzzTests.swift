import Testing
@testable import ShardTrain

/// Random corruption of a valid file must end in a ``ModelFileError`` or a valid model, never
/// in a crash.
@Suite struct ModelFileFuzzTests {
    @Test func corruptedBytesNeverCrash() throws {
        let original = try ModelFile.encode(ModelFileSamples.softmax(standardized: true, metadata: ModelFileSamples.metadata))
        var random = SeededGenerator(seed: 20_240_611)
        var rejected = 0
        for trial in 0 ..< 500 {
            var bytes = original
            for _ in 0 ... Int.random(in: 0 ..< 4, using: &random) {
                let index = Int.random(in: 0 ..< bytes.count, using: &random)
                switch trial % 3 {
                case 0: bytes[index] = UInt8.random(in: 0 ... 255, using: &random)
                case 1: bytes[index] ^= 1 << UInt8.random(in: 0 ..< 8, using: &random)
                default: bytes.insert(UInt8.random(in: 0x20 ... 0x7E, using: &random), at: index)
                }
            }
            do throws(ModelFileError) {
                let model = try ModelFile.decode(bytes, source: "fuzz")
                let finite = model.weights.allSatisfy { $0.isFinite }
                #expect(finite)
            } catch {
                rejected += 1
                #expect(!error.message.isEmpty)
            }
        }
        #expect(rejected > 0)
    }
}
