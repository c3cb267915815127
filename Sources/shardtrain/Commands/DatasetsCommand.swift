import ArgumentParser
import ShardTrain

/// `shardtrain datasets`: make data.
struct DatasetsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "datasets",
        abstract: "Make datasets.",
        subcommands: [SynthCommand.self]
    )
}

/// `shardtrain datasets synth`: deterministic synthetic data of any shape.
struct SynthCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "synth",
        abstract: "Generate a synthetic dataset (the same seed gives the same bytes).",
        discussion: """
        Labels follow a random true model: linear (value + noise), logistic (±1) or softmax \
        (classes 1…K). Output format by extension: .npy writes float32 features to FILE and \
        float64 labels to FILE with .labels.npy in place of .npy; anything else is LIBSVM text.
        """
    )

    @Option(help: "Which model the labels follow: linear, logistic or softmax.")
    var kind: ModelKind

    @Option(help: "Number of rows.")
    var rows: Int

    @Option(help: "Number of features.")
    var features: Int

    @Option(help: "Stored entries per row (sparse data); default dense.")
    var nnzPerRow: Int?

    @Option(help: "With --nnz-per-row: draw column j with probability ∝ 1/(j+1)^S (Zipf's law, like text or click logs) instead of uniformly.")
    var zipf: Double?

    @Option(help: "Classes for softmax.")
    var classes: Int = 3

    @Option(help: "Noise standard deviation added to the true scores.")
    var noise: Double = 0.1

    @Option(help: "Seed.")
    var seed: UInt64 = 1

    @Option(help: "Output file (.npy or LIBSVM text).")
    var output: String

    func validate() throws {
        guard rows >= 1 else { throw ValidationError("--rows must be ≥ 1") }
        guard features >= 1 else { throw ValidationError("--features must be ≥ 1") }
        if let nnzPerRow, !(1 ... features).contains(nnzPerRow) {
            throw ValidationError("--nnz-per-row must be in 1…\(features), got \(nnzPerRow)")
        }
        if let zipf {
            guard zipf > 0, zipf.isFinite else { throw ValidationError("--zipf must be a number > 0, got \(zipf)") }
            guard let nnzPerRow, 2 * nnzPerRow <= features else {
                throw ValidationError("--zipf needs --nnz-per-row of at most half of --features")
            }
        }
        guard classes >= 2 else { throw ValidationError("--classes must be ≥ 2") }
        guard noise >= 0, noise.isFinite else { throw ValidationError("--noise must be ≥ 0") }
        if output.hasSuffix(".npy"), nnzPerRow != nil {
            throw ValidationError(".npy holds dense data; drop --nnz-per-row or write LIBSVM")
        }
    }

    func run() throws {
        let dataset = SyntheticData.generate(kind: kind, rows: rows, features: features, nonzerosPerRow: nnzPerRow,
                                             columnSkew: zipf, classes: classes, noise: noise, seed: seed)
        if output.hasSuffix(".npy"), case .dense(let matrix) = dataset.features {
            let labelsPath = String(output.dropLast(4)) + ".labels.npy"
            try report {
                try NPYWriter.write(matrix, to: output)
                try NPYWriter.write(dataset.labels, to: labelsPath)
            }
            print("wrote \(rows) × \(features) to \(output) and labels to \(labelsPath)")
        } else {
            try report { try LIBSVMWriter.write(dataset, to: output) }
            print("wrote \(rows) × \(features) to \(output)")
        }
    }
}
