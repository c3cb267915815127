import Foundation
import Testing
@testable import ShardTrain
import TestSupport

/// The TCP surfaces under attack: a flood of unauthenticated connections against `train
/// --listen`, and a fake (but authenticated) server sending a real `worker` hostile messages.
@Suite(.serialized) struct CLITCPHostileTests {
    /// 1,000 connections that have not authenticated, each declaring the largest payload or
    /// stalling inside the admission frame, cost the coordinator under 200 MB; two real workers
    /// then join and finish with the usual objective.
    @Test func aThousandHostileConnectionsCostLittleAndWorkersStillTrain() throws {
        let folder = Fixtures.scratchDirectory("tcp-flood")
        let secret = folder + "/secret"
        try "a-secret-for-the-flood-test\n".write(toFile: secret, atomically: true, encoding: .utf8)
        let (coordinator, out, err, port) = try CLIRemoteWorkersTests.startCoordinator(secret: secret, output: folder + "/m")
        defer { if coordinator.isRunning { coordinator.terminate() } }
        let baseline = try #require(Self.memory(of: coordinator.processIdentifier, "VmRSS"))

        var largest = Frame(type: .authenticate, payload: []).encoded().prefix(Frame.headerSize).map { $0 }
        largest.replaceSubrange(8 ..< 12, with: [0xFF, 0xFF, 0xFF, 0xFF])
        var stalling = largest
        stalling.replaceSubrange(8 ..< 12, with: [0x00, 0x02, 0x00, 0x00])   // 512 bytes, the most allowed
        stalling += [UInt8](repeating: 0xAB, count: 400)
        var held: [Int32] = []
        for i in 0 ..< 1000 {
            guard let fd = RawTCP.connect(port: port) else { Issue.record("connection \(i) failed"); break }
            RawTCP.send(fd, i.isMultiple(of: 2) ? largest : stalling)
            held.append(fd)
            if held.count == 200 { held.forEach { close($0) }; held.removeAll() }
        }
        let peak = try #require(Self.memory(of: coordinator.processIdentifier, "VmHWM"))
        #expect(peak - baseline < 200 << 20, "resident memory grew by \((peak - baseline) >> 20) MiB")
        print("1,000 hostile connections: the coordinator's peak resident memory grew by \((peak - baseline) >> 10) KiB")

        let first = try CLIRemoteWorkersTests.startWorker(port: port, secret: secret, ["--data", "datasets/a9a", "--features", "123"])
        let second = try CLI.run(["worker", "--connect", "127.0.0.1:\(port)", "--secret-file", secret,
                                  "--data", "datasets/a9a", "--features", "123"])
        held.forEach { close($0) }
        #expect(second.status == 0, "\(second.stderr)")
        first.waitUntilExit()
        let (status, result, stderr) = try CLIRemoteWorkersTests.finish(coordinator, out, err)
        #expect(status == 0, "\(stderr)")
        #expect(stderr.contains("connections refused so far"), "\(stderr)")
        let local = try CLIDistributedTests.train(workers: 2)
        let a = try #require(result["objective"] as? Double), b = try #require(local["objective"] as? Double)
        #expect(abs(a - b) <= 1e-6 * b, "\(a) vs \(b)")
    }

    /// Bytes of a process's memory from /proc (`VmRSS`: now; `VmHWM`: the peak).
    static func memory(of pid: Int32, _ field: String) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        let line = status.split(separator: "\n").first { $0.hasPrefix(field + ":") }
        return line?.split(separator: " ").dropFirst().first.flatMap { Int($0) }.map { $0 * 1024 }
    }

    /// What the fake server sends after the worker's data summary, and what the worker must say.
    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let assign: Message
        let messages: [Message]
        let expected: String
        var testDescription: String { name }
    }

    static let setup = ShardSetup(kind: .logistic, featureCount: 123, classes: [-1, 1], means: [], scales: [], fitIntercept: true)
    static func setup(_ change: (inout ShardSetup) -> Void) -> Message {
        var value = setup
        change(&value)
        return .setup(value)
    }
    static let parameters = [Float](repeating: 0, count: 124)
    static let rule = LocalStepPlan.Rule(kind: .sgd, l2Penalty: 0, l1Penalty: 0, penalizedCount: 10_000, penaltyScale: 1)

    static let cases: [Case] = [
        Case(name: "no workers", assign: .assign(rank: 0, workers: 0), messages: [], expected: "assigned rank 0 of 0 workers"),
        Case(name: "2⁶² features", assign: .assign(rank: 0, workers: 1), messages: [setup { $0.featureCount = 1 << 62 }],
             expected: "beyond the protocol's limit of 2⁴⁰"),
        Case(name: "2³⁹ features", assign: .assign(rank: 0, workers: 1), messages: [setup { $0.featureCount = 1 << 39 }],
             expected: "features with 2 classes is beyond"),
        Case(name: "infinite heartbeat", assign: .assign(rank: 0, workers: 1),
             messages: [setup { $0.heartbeatSeconds = .infinity }], expected: "heartbeat interval"),
        Case(name: "nanosecond heartbeat", assign: .assign(rank: 0, workers: 1),
             messages: [setup { $0.heartbeatSeconds = 1e-9 }], expected: "heartbeat interval"),
        Case(name: "means for other features", assign: .assign(rank: 0, workers: 1),
             messages: [setup { $0.means = [0, 1]; $0.scales = [1, 1] }], expected: "standardization of 2 means"),
        Case(name: "NaN parameters", assign: .assign(rank: 0, workers: 1),
             messages: [.setup(setup), .evaluate(version: 1, rows: 0 ..< 10, parameters: [.nan] + parameters.dropFirst())],
             expected: "not finite"),
        Case(name: "rows past the shard", assign: .assign(rank: 0, workers: 1),
             messages: [.setup(setup), .evaluate(version: 1, rows: 0 ..< 1_000_000, parameters: parameters)],
             expected: "outside the shard"),
        Case(name: "penalty past the parameters", assign: .assign(rank: 0, workers: 1),
             messages: [.setup(setup), .localSteps(LocalStepPlan(version: 1, batches: [0 ..< 10], rate: 0.1, rule: rule,
                                                                 parameters: parameters))],
             expected: "penalizes 10000 of 124"),
        Case(name: "silence", assign: .assign(rank: 0, workers: 1), messages: [], expected: "no message within"),
    ]

    @Test(arguments: cases) func aFakeServerCannotCrashAWorker(_ hostile: Case) throws {
        let folder = Fixtures.scratchDirectory("fake-server")
        let secretFile = folder + "/secret", secret = "a-secret-the-fake-server-holds"
        try (secret + "\n").write(toFile: secretFile, atomically: true, encoding: .utf8)
        let server = try SocketServer.listen(host: "127.0.0.1", port: 0, secret: Array(secret.utf8)) { _ in }
        defer { server.close() }
        let port = try #require(server.port)
        let worker = Process()
        worker.executableURL = CLI.executable
        worker.currentDirectoryURL = Fixtures.repositoryRoot
        worker.arguments = ["worker", "--connect", "127.0.0.1:\(port)", "--secret-file", secretFile,
                            "--data", "datasets/a9a", "--features", "123", "--idle-timeout", "2"]
        let errors = Pipe()
        worker.standardError = errors
        try worker.run()
        defer { if worker.isRunning { worker.terminate() } }
        let connection = try server.accept(timeout: .seconds(30))
        defer { connection.close() }
        try connection.send(hostile.assign)
        if case .assign(_, let workers) = hostile.assign, workers > 0 {
            #expect(try connection.receive(timeout: .seconds(30)) == .hello(rank: 0))
            guard case .dataSummary = try connection.receive(timeout: .seconds(60)) else { Issue.record("no summary"); return }
            for message in hostile.messages {
                try connection.send(message)
                if case .setup = message, hostile.messages.count > 1 {
                    #expect(try connection.receive(timeout: .seconds(30)) == .ready(rows: 32_561, keys: []))
                }
            }
        }
        let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        worker.waitUntilExit()
        #expect(worker.terminationReason == .exit && worker.terminationStatus == 1, "\(stderr)")
        #expect(stderr.contains(hostile.expected), "\(stderr)")
    }
}
