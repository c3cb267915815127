import Foundation

/// Worker processes on this machine: the same executable started with a `worker` subcommand,
/// one per shard, with one BLAS thread each.
public final class LocalWorkers: @unchecked Sendable {
    /// The processes, in rank order.
    public let processes: [Process]

    private init(processes: [Process]) { self.processes = processes }

    /// Starts `count` processes of `executable`, with the arguments `arguments(rank)`.
    public static func launch(executable: URL, count: Int, arguments: (Int) -> [String]) throws(TransportError) -> LocalWorkers {
        var environment = ProcessInfo.processInfo.environment
        environment["OPENBLAS_NUM_THREADS"] = "1"
        var started: [Process] = []
        for rank in 0 ..< count {
            let process = Process()
            process.executableURL = executable
            process.arguments = arguments(rank)
            process.environment = environment
            process.standardInput = FileHandle.nullDevice
            do {
                try process.run()
            } catch {
                for other in started { other.terminate() }
                throw TransportError(.workerFailed, peer: "worker \(rank)", "cannot start \(executable.path): \(error)")
            }
            started.append(process)
        }
        return LocalWorkers(processes: started)
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
        for process in processes {
            while process.isRunning, Date() < deadline { usleep(10_000) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        }
        for process in processes { process.waitUntilExit() }
    }

    /// Kills every process still running.
    public func terminate() {
        for process in processes where process.isRunning { kill(process.processIdentifier, SIGKILL) }
        for process in processes { process.waitUntilExit() }
    }
}
