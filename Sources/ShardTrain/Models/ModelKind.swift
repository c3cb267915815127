/// The kind of linear model: which loss it minimizes and what it predicts.
public enum ModelKind: String, Sendable, CaseIterable, Codable {
    /// Linear regression: squared loss `½(xᵀw + b − y)²`; predicts a real value.
    case linear
    /// Binary logistic regression: `log(1 + exp(−y·(xᵀw + b)))` with `y ∈ {−1, +1}`;
    /// predicts the probability of the second (positive) class.
    case logistic
    /// Multinomial logistic regression: softmax cross-entropy over `K` classes; predicts class
    /// probabilities.
    case softmax

    /// Whether the model predicts classes.
    public var isClassifier: Bool { self != .linear }

    /// The loss this kind of model minimizes (`classes` is used by softmax).
    public func makeLoss(classes: Int) -> any Loss {
        switch self {
        case .linear: SquaredLoss()
        case .logistic: LogisticLoss()
        case .softmax: SoftmaxLoss(classes: classes)
        }
    }
}
