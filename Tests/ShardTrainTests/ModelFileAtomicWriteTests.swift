import Foundation
import Testing
import TestSupport
@testable import ShardTrain

@Suite struct ModelFileAtomicWriteTests {
    private func temporaryFiles(in folder: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { $0.contains(".tmp-") }
    }

    @Test func writingOverAnExistingFileReplacesIt() throws {
        let folder = Fixtures.scratchDirectory("atomic")
        let path = folder + "/model.safetensors"
        try Data("an older, unrelated file".utf8).write(to: URL(fileURLWithPath: path))
        try ModelFile.write(ModelFileSamples.logistic(), to: path)
        try ModelFile.write(ModelFileSamples.softmax(), to: path)
        expectSameModel(try ModelFile.read(from: path), ModelFileSamples.softmax())
        #expect(temporaryFiles(in: folder).isEmpty)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["model.safetensors"])
    }

    @Test func writingIntoAMissingFolderFailsCleanly() {
        let folder = Fixtures.scratchDirectory("atomic")
        let missing = folder + "/no-such-folder"
        expectModelFileError(.writeFailed, "cannot write the file") { () throws(ModelFileError) in
            try ModelFile.write(ModelFileSamples.linear(), to: missing + "/model.safetensors")
        }
        do {
            try ModelFile.write(ModelFileSamples.linear(), to: missing + "/model.safetensors")
        } catch {
            #expect(error.path == missing + "/model.safetensors")
            #expect(error.cause is AtomicFile.WriteError)
        }
        #expect(!FileManager.default.fileExists(atPath: missing))
        #expect(temporaryFiles(in: folder).isEmpty)
    }

    @Test func aFailedRenameLeavesNoTemporaryFile() throws {
        let folder = Fixtures.scratchDirectory("atomic")
        let occupied = folder + "/model.safetensors"
        try FileManager.default.createDirectory(atPath: occupied + "/inside", withIntermediateDirectories: true)
        expectModelFileError(.writeFailed, "cannot write the file") { () throws(ModelFileError) in
            try ModelFile.write(ModelFileSamples.linear(), to: occupied)
        }
        #expect(temporaryFiles(in: folder).isEmpty)
        #expect(try FileManager.default.contentsOfDirectory(atPath: occupied) == ["inside"])
    }

    @Test func containerWritesAtomicallyToo() throws {
        let folder = Fixtures.scratchDirectory("atomic")
        let file = try SafeTensorsFile(tensors: ["x": .init(floats: [1, 2])], metadata: ["a": "b"])
        try file.write(to: folder + "/x.safetensors")
        #expect(try SafeTensorsFile.read(from: folder + "/x.safetensors") == file)
        expectModelFileError(.writeFailed, "cannot write") { () throws(ModelFileError) in
            try file.write(to: folder + "/missing/x.safetensors")
        }
        #expect(temporaryFiles(in: folder).isEmpty)
    }
}
