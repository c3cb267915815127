import Foundation
import ShardTrain

/// `DIR/checkpoint.json`: the L-BFGS state of a run and what run it belongs to, written
/// atomically so that a crash never leaves half a checkpoint.
struct CheckpointFile: Codable {
    static let formatName = "shardtrain-checkpoint"
    static let formatVersion = 1

    /// What must match for `--resume` to continue this run.
    struct Run: Codable, Equatable {
        var model: String
        var data: String
        var l2: Double
        var l1: Double
        var fitIntercept: Bool
        var features: Int?
    }

    var format: String
    var version: Int
    var run: Run
    var state: LBFGSCheckpoint

    static func path(in directory: String) -> String { directory + "/checkpoint.json" }

    static func write(_ state: LBFGSCheckpoint, run: Run, directory: String) throws {
        let file = CheckpointFile(format: formatName, version: formatVersion, run: run, state: state)
        let encoder = JSONEncoder()
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        try AtomicFile.write(Array(try encoder.encode(file)), to: path(in: directory))
    }

    /// Reads and checks a checkpoint for `run`.
    static func read(directory: String, expecting run: Run) throws -> LBFGSCheckpoint {
        let path = path(in: directory)
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CLIError("\(path): no checkpoint to resume from")
        }
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        let file: CheckpointFile
        do {
            file = try decoder.decode(CheckpointFile.self, from: data)
        } catch {
            throw CLIError("\(path): not a readable checkpoint (\(error))")
        }
        guard file.format == formatName, file.version == formatVersion else {
            throw CLIError("\(path): format \(file.format) version \(file.version) — expected \(formatName) version \(formatVersion)")
        }
        guard file.run == run else {
            throw CLIError("\(path): the checkpoint is of another run (\(file.run)) — this one is \(run)")
        }
        return file.state
    }
}
