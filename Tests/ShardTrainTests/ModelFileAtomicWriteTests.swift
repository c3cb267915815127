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

    /// A named pipe (like /dev/null or /dev/stdout, not a regular file) is written through,
    /// not replaced: it is still a pipe afterwards and its reader gets the bytes.
    @Test func specialFilesAreWrittenThroughNotReplaced() throws {
        let folder = Fixtures.scratchDirectory("atomic")
        let pipe = folder + "/pipe"
        #expect(mkfifo(pipe, 0o600) == 0)
        let received = ReceivedBytes()
        let reader = Thread {
            let fd = open(pipe, O_RDONLY)
            var all: [UInt8] = [], chunk = [UInt8](repeating: 0, count: 4096)
            while fd >= 0 {
                let count = read(fd, &chunk, chunk.count)
                if count <= 0 { break }
                all += chunk[..<count]
            }
            if fd >= 0 { close(fd) }
            received.bytes = all
        }
        reader.start()
        try AtomicFile.write(Array("through the pipe".utf8), to: pipe)
        while received.bytes == nil { usleep(1_000) }
        #expect(received.bytes == Array("through the pipe".utf8))
        #expect(AtomicFile.isSpecialFile(pipe))
        #expect(temporaryFiles(in: folder).isEmpty)
        // Regular files and folders are not special: they go the atomic way.
        try AtomicFile.write(Array("a file".utf8), to: folder + "/regular")
        #expect(!AtomicFile.isSpecialFile(folder + "/regular") && !AtomicFile.isSpecialFile(folder))
    }
}

/// The bytes a reader thread got.
private final class ReceivedBytes: @unchecked Sendable {
    private let lock = NSLock()
    private var value: [UInt8]?
    var bytes: [UInt8]? {
        get { lock.withLock { value } }
        set { lock.withLock { value = newValue } }
    }
}
