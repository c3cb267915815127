import Foundation

/// Worker processes on this machine: the same executable started with a `worker` subcommand,
/// one per shard, with one BLAS thread each.
public final class LocalWorkers: @unchecked Sendable {
    /// The processes, in rank order (a replaced worker's new process takes its place).
    public private(set) var processes: [Process]
    /// Every process started, replaced ones included, so that all are reaped.
    private var everyProcess: [Process]
    private let executable: URL
    private let arguments: [[String]]

    private init(processes: [Process], executable: URL, arguments: [[String]]) {
        self.processes = processes
        everyProcess = processes
        self.executable = executable
        self.arguments = arguments
    }

    /// Starts `count` processes of `executable`, with the arguments `arguments(rank)`.
    public static func launch(executable: URL, count: Int, arguments: (Int) -> [String]) throws(TransportError) -> LocalWorkers {
        let lists = (0 ..< count).map(arguments)
        var started: [Process] = []
        for rank in 0 ..< count {
            do {
                started.append(try start(executable, lists[rank], rank: rank))
            } catch {
                for other in started { kill(other.processIdentifier, SIGKILL) }
                throw error
            }
        }
        return LocalWorkers(processes: started, executable: executable, arguments: lists)
    }

    private static func start(_ executable: URL, _ arguments: [String], rank: Int) throws(TransportError) -> Process {
        var environment = ProcessInfo.processInfo.environment
        environment["OPENBLAS_NUM_THREADS"] = "1"
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.environment = environment
        process.standardInput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw TransportError(.workerFailed, peer: "worker \(rank)", "cannot start \(executable.path): \(error)")
        }
        return process
    }

    /// Starts a new process for `rank` (the old one is killed if it still runs).
    public func relaunch(_ rank: Int) throws(TransportError) {
        if processes[rank].isRunning { kill(processes[rank].processIdentifier, SIGKILL) }
        let process = try Self.start(executable, arguments[rank], rank: rank)
        processes[rank] = process
        everyProcess.append(process)
    }

    /// A current worker process that has exited with a failure, if any: its rank, its status
    /// (or signal), and whether a signal ended it.
    public func exitedEarly() -> (rank: Int, status: Int32, bySignal: Bool)? {
        for (rank, process) in processes.enumerated() where !process.isRunning && process.terminationStatus != 0 {
            return (rank, process.terminationStatus, process.terminationReason == .uncaughtSignal)
        }
        return nil
    }

    /// Starts a new process for a worker whose connection was lost, unless the old one exited
    /// by itself with an error status (a failure of its own, which ends the run).
    public func replaceLost(_ rank: Int) throws(TransportError) {
        let process = processes[rank]
        let deadline = Date().addingTimeInterval(2)
        while process.isRunning, Date() < deadline { usleep(10_000) }
        if !process.isRunning, process.terminationReason == .exit, process.terminationStatus != 0 {
            throw TransportError(.workerFailed, peer: "worker \(rank)", "exited with status \(process.terminationStatus)")
        }
        try relaunch(rank)
    }

    /// Sends SIGKILL to the worker of `rank`, as `kill -9` would.
    public func kill9(_ rank: Int) {
        kill(processes[rank].processIdentifier, SIGKILL)
    }

    /// Sends SIGSTOP to the worker of `rank`: it stops answering and sending heartbeats.
    public func stop(_ rank: Int) {
        kill(processes[rank].processIdentifier, SIGSTOP)
    }

    /// The path of the running executable (to start workers of the same binary).
    public static var currentExecutable: URL {
        if let resolved = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            return URL(fileURLWithPath: resolved)
        }
        return URL(fileURLWithPath: CommandLine.arguments[0])
    }

    /// Waits up to `timeout` for every process to exit, then kills those still running.
    public func finish(timeout: Duration = .seconds(10)) {
        let deadline = Date().addingTimeInterval(timeout.seconds)
        for process in everyProcess {
            while process.isRunning, Date() < deadline { usleep(10_000) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        }
        for process in everyProcess { process.waitUntilExit() }
    }

    /// Kills every process still running.
    public func terminate() {
        for process in everyProcess where process.isRunning { kill(process.processIdentifier, SIGKILL) }
        for process in everyProcess { process.waitUntilExit() }
    }
}
