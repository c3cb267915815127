import ArgumentParser
import ShardTrain

/// `shardtrain evaluate`: score a model file on labelled data.
struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Score a model on labelled data: accuracy, log-loss, AUC, precision/recall/F1 or RMSE, MAE, R²."
    )

    @Option(help: "Model file.")
    var model: String

    @Option(help: "Labelled data file.")
    var data: String

    @OptionGroup var dataOptions: DataOptions

    @Flag(help: "Print one JSON object with the metrics as the last line of stdout.")
    var json = false

    func run() throws {
        let fitted = try report { try ModelFile.read(from: model) }
        let (dataset, _) = try loadDataset(data, dataOptions.loadOptions(featureCount: dataOptions.features ?? fitted.featureCount))
        let evaluation = try report { try fitted.evaluate(dataset) }
        if json {
            var line = evaluation.json
            line.add("rows", dataset.rowCount)
            print(line.rendered)
            return
        }
        print("\(fitted.kind.rawValue) model on \(dataset.rowCount) rows of \(data)")
        for (name, value) in evaluation.values {
            print("  \(name.padding(toLength: 10, withPad: " ", startingAt: 0)) \(value)")
        }
        if case .classification(let metrics) = evaluation {
            print("  confusion (rows: true class, columns: predicted)")
            let labels = metrics.classes.map { LabelEncoding.format($0) }
            print("    " + labels.map { $0.padding(toLength: 8, withPad: " ", startingAt: 0) }.joined())
            for (k, row) in metrics.confusion.enumerated() {
                print("    " + row.map { String($0).padding(toLength: 8, withPad: " ", startingAt: 0) }.joined() + " ← \(labels[k])")
            }
        }
    }
}
