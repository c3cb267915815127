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

        let (coordinator, out, err, port) = try Self.startCoordinator(secret: secret, output: folder + "/tcp.model")
        defer { if coordinator.isRunning { coordinator.terminate() } }

        // A client speaking garbage is disconnected.
        #expect(RawTCP.sendAndExpectClose(port: port, bytes: Array("GET / HTTP/1.1\r\nHost: x\r\n\r\n".utf8)))
        // A worker with the wrong secret is refused.
        let intruder = try CLI.run(["worker", "--connect", "127.0.0.1:\(port)", "--secret-file", wrong,
                                    "--data", "datasets/a9a", "--features", "123"])
        #expect(intruder.status != 0)
        #expect(intruder.stderr.contains("refused"))
        // Two honest workers train the model.
        let first = try Self.startWorker(port: port, secret: secret, ["--data", "datasets/a9a", "--features", "123"])
        let second = try CLI.run(["worker", "--connect", "127.0.0.1:\(port)", "--secret-file", secret,
                                  "--data", "datasets/a9a", "--features", "123"])
        #expect(second.status == 0, "\(second.stderr)")
        first.waitUntilExit()
        let (status, result, stderr) = try Self.finish(coordinator, out, err)
        #expect(status == 0, "\(stderr)")
        #expect(stderr.contains("refused"))
        #expect(stderr.contains("wrong shared secret"))
        // The same model as two local worker processes.
        let local = try CLIDistributedTests.train(workers: 2)
        let a = try #require(result["objective"] as? Double), b = try #require(local["objective"] as? Double)
        #expect(abs(a - b) <= 1e-6 * b)
        #expect(result["workers"] as? Int == 2)
    }

    /// A worker without a copy of the data gets its shard's rows from the coordinator's file,
    /// and the model is the one two local workers train.
    @Test func rowsAreShippedToWorkersWithoutTheFile() throws {
        let folder = Fixtures.scratchDirectory("tcp-ship")
        let secret = folder + "/secret"
        try "a-secret-long-enough-to-pass\n".write(toFile: secret, atomically: true, encoding: .utf8)
        let (coordinator, out, err, port) = try Self.startCoordinator(secret: secret, output: folder + "/m",
                                                                extra: ["--data", "datasets/a9a"])
        defer { if coordinator.isRunning { coordinator.terminate() } }
        let first = try Self.startWorker(port: port, secret: secret, [])
        let second = try CLI.run(["worker", "--connect", "127.0.0.1:\(port)", "--secret-file", secret,
                                  "--data", "datasets/a9a", "--features", "123"])
        #expect(second.status == 0, "\(second.stderr)")
        first.waitUntilExit()
        #expect(first.terminationStatus == 0)
        let (status, result, stderr) = try Self.finish(coordinator, out, err)
        #expect(status == 0, "\(stderr)")
        let local = try CLIDistributedTests.train(workers: 2)
        let a = try #require(result["objective"] as? Double), b = try #require(local["objective"] as? Double)
        #expect(abs(a - b) <= 1e-6 * b, "\(a) vs \(b)")
    }

    /// A TCP worker killed mid-run is replaced by a worker that joins later (this one without
    /// the data file: its rows are shipped), and the run ends at the uninterrupted objective.
    @Test func aLostTCPWorkerIsReplacedByANewcomer() throws {
        let folder = Fixtures.scratchDirectory("tcp-replace")
        let secret = folder + "/secret", metrics = folder + "/rounds.jsonl"
        try "another-secret-long-enough\n".write(toFile: secret, atomically: true, encoding: .utf8)
        let limit = ["--max-iterations", "60", "--optimizer", "lbfgs"]
        let (coordinator, out, err, port) = try Self.startCoordinator(secret: secret, output: folder + "/m",
                                                                extra: ["--data", "datasets/a9a", "--heartbeat-timeout", "2",
                                                                        "--metrics-out", metrics] + limit)
        defer { if coordinator.isRunning { coordinator.terminate() } }
        func worker(_ extra: [String]) throws -> Process { try Self.startWorker(port: port, secret: secret, extra) }
        let steady = try worker(["--data", "datasets/a9a", "--features", "123"])
        // The doomed worker kills itself (SIGKILL) when its third request arrives: mid-run,
        // whatever the machine's speed.
        let doomed = try worker(["--data", "datasets/a9a", "--features", "123", "--kill-self-after", "3"])
        doomed.waitUntilExit()
        #expect(doomed.terminationReason == .uncaughtSignal && doomed.terminationStatus == SIGKILL)
        let newcomer = try worker([])
        newcomer.waitUntilExit()
        steady.waitUntilExit()
        #expect(newcomer.terminationStatus == 0 && steady.terminationStatus == 0)
        let (status, result, stderr) = try Self.finish(coordinator, out, err)
        #expect(status == 0, "\(stderr)")
        #expect(stderr.contains("replaced by"), "\(stderr)")
        #expect(result["replaced_workers"] as? Int == 1)
        // Every reduce round is on record, one JSON line each.
        let rounds = try String(contentsOfFile: metrics, encoding: .utf8).split(separator: "\n")
        #expect(rounds.count >= 60 && rounds.allSatisfy { $0.hasPrefix("{\"round\":") }, "\(rounds.count) rounds")
        let local = try CLIDistributedTests.train(workers: 2, limit)
        let a = try #require(result["objective"] as? Double), b = try #require(local["objective"] as? Double)
        #expect(abs(a - b) <= 1e-6 * b, "\(a) vs uninterrupted \(b)")
    }

    /// Starts `worker --connect 127.0.0.1:port` in the background (its stderr discarded).
    static func startWorker(port: Int, secret: String, _ extra: [String]) throws -> Process {
        let process = Process()
        process.executableURL = CLI.executable
        process.currentDirectoryURL = Fixtures.repositoryRoot
        process.arguments = ["worker", "--connect", "127.0.0.1:\(port)", "--secret-file", secret] + extra
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// Starts `train --listen 127.0.0.1:0` for two workers and returns its port, read from the
    /// `listening on` line it prints (a port picked in advance could be taken meanwhile by
    /// another test's server or client).
    static func startCoordinator(secret: String, output: String, extra: [String] = []) throws -> (Process, Pipe, ErrorText, Int) {
        let coordinator = Process()
        coordinator.executableURL = CLI.executable
        coordinator.currentDirectoryURL = Fixtures.repositoryRoot
        coordinator.arguments = ["train", "--model", "logistic", "--listen", "127.0.0.1:0", "--expect-workers", "2",
                                 "--secret-file", secret, "--features", "123", "--test", "datasets/a9a.t",
                                 "--worker-timeout", "60", "--quiet", "--json", "--output", output] + extra
        let out = Pipe(), err = Pipe()
        coordinator.standardOutput = out
        coordinator.standardError = err
        try coordinator.run()
        let text = ErrorText(err)
        let deadline = Date().addingTimeInterval(60)
        while !text.seen.contains("listening on"), Date() < deadline {
            guard text.readMore() else { break }
        }
        let line = text.seen.split(separator: "\n").first { $0.hasPrefix("listening on") } ?? ""
        let port = line.split(separator: " ").dropFirst(2).first?.split(separator: ":").last.flatMap { Int($0) } ?? 0
        return (coordinator, out, text, port)
    }

    /// A process's stderr, read as it comes; what was read stays available.
    final class ErrorText {
        let pipe: Pipe
        private(set) var seen = ""
        init(_ pipe: Pipe) { self.pipe = pipe }

        /// Reads what is there (blocking until something is); false at the end.
        func readMore() -> Bool {
            let chunk = pipe.fileHandleForReading.availableData
            seen += String(decoding: chunk, as: UTF8.self)
            return !chunk.isEmpty
        }

        func rest() -> String {
            seen += String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            return seen
        }
    }

    /// Waits for the coordinator: its exit status, its JSON result and its stderr.
    static func finish(_ coordinator: Process, _ out: Pipe, _ err: ErrorText) throws -> (Int32, [String: Any], String) {
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.rest()
        coordinator.waitUntilExit()
        let result = try CLI.lastJSON(ExternalTool.Output(status: 0, stdout: String(decoding: stdout, as: UTF8.self), stderr: stderr))
        return (coordinator.terminationStatus, result, stderr)
    }

    @Test func noSecretNoJoin() throws {
        let run = try ExternalTool.run(CLI.executable.path, ["worker", "--connect", "127.0.0.1:9", "--data", "datasets/a9a"],
                                       environment: ProcessInfo.processInfo.environment.filter { $0.key != "SHARDTRAIN_SECRET" })
        #expect(run.status != 0)
        #expect(run.stderr.contains("needs a shared secret"))
    }
}
