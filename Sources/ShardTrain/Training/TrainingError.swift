/// Why training (or evaluating) could not run, with a message for the user.
public struct TrainingError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The kind of problem.
    public enum Code: String, Sendable {
        /// A hyperparameter is out of range or options conflict.
        case invalidConfiguration
        /// The labels do not fit the model kind.
        case badLabels
        /// The data does not fit (no rows, wrong feature count, sparse data asked to standardize).
        case badData
        /// A direct solve failed (singular system).
        case solverFailed
        /// Evaluating the objective failed (a lost worker, say).
        case evaluationFailed
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
