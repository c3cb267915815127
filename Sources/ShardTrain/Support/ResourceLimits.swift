import Foundation

/// The limits on what an input may make ShardTrain allocate, where the input's own bytes do
/// not bound it already. A file of a few kilobytes must not make a command use gigabytes: a
/// LIBSVM index, a model's `feature_count` or a `--features` value sizes every parameter vector.
public enum ResourceLimits {
    /// The environment variable that raises (or lowers) ``parameters``.
    public static let parametersVariable = "SHARDTRAIN_MAX_PARAMETERS"
    /// The default of ``parameters``: 2²⁵ (33,554,432; 256 MiB per float64 vector).
    public static let defaultParameters = 1 << 25

    /// The most parameters (features × outputs, plus intercepts) a model may have: in
    /// training, in a model file, in a served model. `SHARDTRAIN_MAX_PARAMETERS` sets it.
    public static var parameters: Int {
        guard let text = ProcessInfo.processInfo.environment[parametersVariable], let value = Int(text),
              value > 0, value <= 1 << 40 else { return defaultParameters }
        return value
    }

    /// The feature count a sparse file may imply by its largest index alone (without
    /// `--features`): 2²⁰, or 16 per non-zero read, whichever is more. A real wide dataset has
    /// many non-zeros; a tiny file with one huge index does not.
    public static func inferredFeatures(nonzeros: Int) -> Int {
        max(1 << 20, nonzeros.multipliedReportingOverflow(by: 16).overflow ? .max : 16 * nonzeros)
    }

    /// What `count` parameters cost, for messages: one float64 vector, and L-BFGS's working set
    /// (its default memory of 10 pairs and about six more vectors).
    public static func cost(of count: Int) -> String {
        let vector = Double(count) * 8
        return "\(count) parameters (\(bytes(vector)) per float64 vector, about \(bytes(26 * vector)) for L-BFGS)"
    }

    static func bytes(_ value: Double) -> String {
        if value >= Double(1 << 30) { return String(format: "%.1f GiB", value / Double(1 << 30)) }
        return String(format: "%.0f MiB", value / Double(1 << 20))
    }

    /// The sentence that says how to go past ``parameters``.
    public static var howToRaise: String {
        "the limit is \(parameters) parameters (set \(parametersVariable) to raise it)"
    }
}
