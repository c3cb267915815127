import Foundation
import ShardTrain

/// `DIR/checkpoint.json`: the optimizer state of a run and what run it belongs to, written
/// atomically so that a crash never leaves half a checkpoint.
///
/// Version 2 holds any optimizer's state, tagged with its name (``OptimizerCheckpoint``);
/// version 1 files (L-BFGS state only) are still read, as L-BFGS checkpoints.
struct CheckpointFile: Codable {
    static let formatName = "shardtrain-checkpoint"
    static let formatVersion = 2

    /// What must match for `--resume` to continue this run.
    struct Run: Codable, Equatable {
        var model: String
        var data: String
        var l2: Double
        var l1: Double
        var fitIntercept: Bool
        var features: Int?
        /// The optimizer's name (`lbfgs`, `owlqn`, `sgd`, `adam`); absent in version 1 files.
        var optimizer: String?
        /// SGD and Adam: rows per batch, which the saved batch order refers to.
        var batchSize: Int?
        /// SGD and Adam: the rows in the order the optimizer sees them (a fingerprint), which
        /// the saved batch order refers to.
        var rowOrder: String?
        /// The fingerprint of the data (``DatasetFingerprint``; with workers, of the shards in
        /// rank order), after `shards:` and the shard count: a changed file at the same path is
        /// another run. Absent in files of earlier releases.
        var dataFingerprint: String?
        /// The penalty convention (absent in earlier files: `original`).
        var penaltyConvention: String?

        /// The fields as `name value` pairs, for messages.
        var fields: [(name: String, value: String)] {
            [("model", model), ("data", data), ("l2", "\(l2)"), ("l1", "\(l1)"), ("intercept", "\(fitIntercept)"),
             ("features", features.map(String.init) ?? "auto"), ("optimizer", optimizer ?? "none"),
             ("batch size", batchSize.map(String.init) ?? "none"), ("rows", rowOrder ?? "any order"),
             ("data fingerprint", dataFingerprint ?? "unknown"), ("penalty convention", penaltyConvention ?? "original")]
        }

        /// The shard count a fingerprint was taken over.
        private var shardCount: Substring? { dataFingerprint?.split(separator: ":").first }

        /// What differs between this (saved) run and `current`, as `name A (this run: B)` items.
        /// Fingerprints taken over different shard counts cannot be compared (L-BFGS may
        /// resume with another worker count); an earlier file without one is not held to it.
        func differences(from current: Run) -> String {
            let comparable = dataFingerprint != nil && shardCount == current.shardCount
            return zip(fields, current.fields).filter { $0.value != $1.value && ($0.name != "data fingerprint" || comparable) }
                .map { "\($0.name) \($0.value) (this run: \($1.value))" }.joined(separator: "; ")
        }
    }

    var format: String
    var version: Int
    var run: Run
    var state: OptimizerCheckpoint

    /// A version 1 file: L-BFGS state only, no optimizer in the run.
    private struct Version1: Decodable {
        var run: Run
        var state: LBFGSCheckpoint
    }

    /// The fields every version has.
    private struct Header: Decodable {
        var format: String
        var version: Int
    }

    static func path(in directory: String) -> String { directory + "/checkpoint.json" }

    /// The optimizer that saved the checkpoint in `directory` (`lbfgs` for version 1 files), or
    /// `nil` when there is none or it cannot be read (``read(directory:expecting:)`` then says why).
    static func savedOptimizer(in directory: String) -> String? {
        struct Saved: Decodable {
            struct State: Decodable { var optimizer: String }
            var version: Int
            var state: State?
        }
        guard let data = FileManager.default.contents(atPath: path(in: directory)),
              let saved = try? JSONDecoder().decode(Saved.self, from: data) else { return nil }
        return saved.version == 1 ? "lbfgs" : saved.state?.optimizer
    }

    static func write(_ state: OptimizerCheckpoint, run: Run, directory: String) throws {
        let file = CheckpointFile(format: formatName, version: formatVersion, run: run, state: state)
        let encoder = JSONEncoder()
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        try AtomicFile.write(Array(try encoder.encode(file)), to: path(in: directory))
    }

    /// Reads and checks a checkpoint for `run`.
    static func read(directory: String, expecting run: Run) throws -> OptimizerCheckpoint {
        let path = path(in: directory)
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CLIError("\(path): no checkpoint to resume from")
        }
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        let saved: (run: Run, state: OptimizerCheckpoint)
        do {
            let header = try decoder.decode(Header.self, from: data)
            guard header.format == formatName, (1 ... formatVersion).contains(header.version) else {
                throw CLIError("\(path): format \(header.format) version \(header.version) — expected \(formatName) version 1 to \(formatVersion)")
            }
            if header.version == 1 {
                var old = try decoder.decode(Version1.self, from: data)
                old.run.optimizer = "lbfgs"
                saved = (old.run, .lbfgs(old.state))
            } else {
                let file = try decoder.decode(CheckpointFile.self, from: data)
                saved = (file.run, file.state)
            }
        } catch let error as CLIError {
            throw error
        } catch {
            throw CLIError("\(path): not a readable checkpoint (\(error))")
        }
        if let optimizer = run.optimizer, saved.state.optimizer != optimizer {
            throw CLIError("\(path): the checkpoint was saved by \(saved.state.optimizer) — this run uses \(optimizer)")
        }
        let differences = saved.run.differences(from: run)
        guard differences.isEmpty else {
            throw CLIError("\(path): the checkpoint is of another run (\(differences))")
        }
        return saved.state
    }
}
