import ArgumentParser
import ShardTrain

/// `shardtrain predict`: write one prediction per row.
struct PredictCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict",
        abstract: "Predict labels (classifiers) or values (regression) for every row of a data file.",
        discussion: "One line per row: the label, then with --probabilities the class probabilities (space-separated, in class order)."
    )

    @Option(help: "Model file.")
    var model: String

    @Option(help: "Data file (labels in it are read but not used).")
    var data: String

    @OptionGroup var dataOptions: DataOptions

    @Flag(help: "Also write the class probabilities of each row.")
    var probabilities = false

    @Option(help: "Output file (default: stdout).")
    var output: String?

    func validate() throws {
        try OutputPath.check(output, against: [("--model", model), ("--data", data), ("--labels", dataOptions.labels)])
    }

    func run() throws {
        let fitted = try report { try ModelFile.read(from: model) }
        let (dataset, _) = try loadDataset(data, dataOptions.loadOptions(featureCount: dataOptions.features ?? fitted.featureCount))
        let labels = try report { try fitted.predict(dataset.features) }
        var scores: [Double] = []
        if probabilities, fitted.kind.isClassifier {
            scores = try report { try fitted.probabilities(dataset.features) }
        }
        var text = ""
        text.reserveCapacity(dataset.rowCount * 12)
        for i in 0 ..< dataset.rowCount {
            text += fitted.kind.isClassifier ? LabelEncoding.format(labels[i]) : "\(labels[i])"
            if !scores.isEmpty {
                if fitted.kind == .logistic {
                    text += " \(1 - scores[i]) \(scores[i])"
                } else {
                    let k = fitted.outputs
                    for c in 0 ..< k { text += " \(scores[i * k + c])" }
                }
            }
            text += "\n"
        }
        if let output {
            try report { try AtomicFile.write(text: text, to: output) }
        } else {
            print(text, terminator: "")
        }
    }
}
