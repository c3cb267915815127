import Foundation
import Testing
import TestSupport

/// `train --listen` and `worker --connect` as separate processes over TCP on loopback.
@Suite(.serialized) struct CLIRemoteWorkersTests {
    @Test func workersJoinOverTCPAndIntrudersAreRefused() throws {
        let folder = Fixtures.scratchDirectory("tcp")
        let secret = folder + "/secret", wrong = folder + "/wrong"
        try "correct-horse-battery-staple\n".write(toFile: secret, atomically: true, encoding: .utf8)
        try "not-the-right-secret-at-all\n".write(toFile: wrong, atomically: true, encoding: .utf8)
        let port = RawTCP.freePort()

        let coordinator = Process()
        coordinator.executableURL = CLI.executable
        coordinator.currentDirectoryURL = Fixtures.repositoryRoot
        coordinator.arguments = ["train", "--model", "logistic", "--listen", "127.0.0.1:\(port)", "--expect-workers", "2",
                                 "--secret-file", secret, "--features", "123", "--test", "datasets/a9a.t",
                                 "--worker-timeout", "60", "--quiet", "--json", "--output", folder + "/tcp.model"]
        let out = Pipe(), err = Pipe()
        coordinator.standardOutput = out
        coordinator.standardError = err
        try coordinator.run()
        defer { if coordinator.isRunning { coordinator.terminate() } }

        // A client speaking garbage is disconnected.
        #expect(RawTCP.sendAndExpectClose(port: port, bytes: Array("GET / HTTP/1.1\r\nHost: x\r\n\r\n".utf8)))
        // A worker with the wrong secret is refused.
        let intruder = try CLI.run(["worker", "--connect", "127.0.0.1:\(port)", "--secret-file", wrong,
                                    "--data", "datasets/a9a", "--features", "123"])
        #expect(intruder.status != 0)
        #expect(intruder.stderr.contains("refused"))
        // Two honest workers train the model.
        let first = Process()
        first.executableURL = CLI.executable
        first.currentDirectoryURL = Fixtures.repositoryRoot
        first.arguments = ["worker", "--connect", "127.0.0.1:\(port)", "--secret-file", secret, "--data", "datasets/a9a", "--features", "123"]
        first.standardError = FileHandle.nullDevice
        try first.run()
        let second = try CLI.run(["worker", "--connect", "127.0.0.1:\(port)", "--secret-file", secret,
                                  "--data", "datasets/a9a", "--features", "123"])
        #expect(second.status == 0, "\(second.stderr)")
        first.waitUntilExit()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        coordinator.waitUntilExit()
        #expect(coordinator.terminationStatus == 0, "\(stderr)")
        #expect(stderr.contains("refused"))
        #expect(stderr.contains("wrong shared secret"))
        let result = try CLI.lastJSON(ExternalTool.Output(status: 0, stdout: String(decoding: stdout, as: UTF8.self), stderr: stderr))
        // The same model as two local worker processes.
        let local = try CLIDistributedTests.train(workers: 2)
        let a = try #require(result["objective"] as? Double), b = try #require(local["objective"] as? Double)
        #expect(abs(a - b) <= 1e-6 * b)
        #expect(result["workers"] as? Int == 2)
    }

    @Test func noSecretNoJoin() throws {
        let run = try ExternalTool.run(CLI.executable.path, ["worker", "--connect", "127.0.0.1:9", "--data", "datasets/a9a"],
                                       environment: ProcessInfo.processInfo.environment.filter { $0.key != "SHARDTRAIN_SECRET" })
        #expect(run.status != 0)
        #expect(run.stderr.contains("needs a shared secret"))
    }
}
