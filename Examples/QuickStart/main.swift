// A tour of the ShardTrain library: load data, configure, fit, evaluate, save and load.
// Run it from the repository root: swift run -c release QuickStart
import Foundation
import ShardTrain

do {
    // 1. Data: the LIBSVM files bundled in datasets/ (a9a: 32,561 rows, 123 sparse features).
    let options = DataLoadOptions(featureCount: 123)
    let train = try DatasetLoader.load("datasets/a9a", options: options)
    let test = try DatasetLoader.load("datasets/a9a.t", options: options)

    // 2. Configuration, validated before any work: L2 logistic regression, λ = 1 (C = 1).
    var configuration = TrainingConfiguration(kind: .logistic)
    configuration.l2Penalty = 1
    configuration.optimizer = .lbfgs
    let trainer = try Trainer(configuration)

    // 3. Fit: the result is a fitted model with its training summary.
    let model = try trainer.fit(train)
    let summary = model.summary
    print("objective \(summary.objective) after \(summary.iterations) iterations, converged: \(summary.converged)")

    // 4. Evaluate and predict.
    let report = try model.evaluate(test)
    for (name, value) in report.values { print("test \(name): \(value)") }
    let firstLabels = try model.predict(test.features).prefix(5)
    print("first predictions: \(Array(firstLabels))")

    // 5. Save and load the deployable model file (safetensors).
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("quickstart-a9a.model").path
    try ModelFile.write(model, to: path)
    let loaded = try ModelFile.read(from: path)
    print("reloaded a \(loaded.kind.rawValue) model with \(loaded.featureCount) features from \(path)")
} catch {
    print("QuickStart failed: \(error)")
}
