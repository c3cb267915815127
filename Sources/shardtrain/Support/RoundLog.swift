import Foundation
import ShardTrain

/// What each reduce round cost, per worker: JSON lines in `--metrics-out`, and straggler
/// warnings on stderr (a worker computing more than twice the median, at most once per 50
/// rounds).
final class RoundLog {
    private let handle: FileHandle?
    private var lastWarning: UInt64?

    init(path: String?) throws {
        if let path {
            guard FileManager.default.createFile(atPath: path, contents: nil), let handle = FileHandle(forWritingAtPath: path) else {
                throw CLIError("\(path): cannot write the metrics file")
            }
            self.handle = handle
        } else {
            handle = nil
        }
    }

    func record(_ round: DistributedProblem.RoundRecord) {
        if let handle {
            var line = JSONLine()
            line.add("round", Int(round.version))
            line.add("rows", round.rows)
            line.add("wait_seconds", round.waitSeconds)
            line.add("reduce_seconds", round.reduceSeconds)
            let workers = round.workers.map { worker -> String in
                var entry = JSONLine()
                entry.add("rank", worker.rank)
                entry.add("compute_seconds", worker.computeSeconds)
                entry.add("reply_seconds", worker.replySeconds)
                entry.add("bytes_sent", worker.bytesSent)
                entry.add("bytes_received", worker.bytesReceived)
                return entry.rendered
            }
            line.add("workers", raw: "[" + workers.joined(separator: ",") + "]")
            handle.write(Data((line.rendered + "\n").utf8))
        }
        warnAboutStragglers(round)
    }

    private func warnAboutStragglers(_ round: DistributedProblem.RoundRecord) {
        guard round.workers.count >= 2 else { return }
        let times = round.workers.map(\.computeSeconds).sorted()
        let median = times[times.count / 2]
        guard let slowest = round.workers.max(by: { $0.computeSeconds < $1.computeSeconds }),
              slowest.computeSeconds > 2 * median, slowest.computeSeconds - median > 0.005 else { return }
        if let lastWarning, round.version < lastWarning + 50 { return }
        lastWarning = round.version
        StandardError.line(String(format: "straggler: worker %d took %.4f s in round %llu, the median worker %.4f s",
                                  slowest.rank, slowest.computeSeconds, round.version, median))
    }

    func close() { try? handle?.close() }
}
