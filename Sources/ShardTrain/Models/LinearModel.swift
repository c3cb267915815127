/// A fitted linear model: coefficients on the original feature scale, intercepts, the class
/// labels it predicts and the record of its training.
///
/// For `outputs` = K rows of coefficients (K = 1 for linear and logistic models, the number of
/// classes for softmax), the margins of a sample `x` are `zₖ = Σⱼ W[k, j]·xⱼ + bₖ`:
/// a linear model predicts `z₀`; a logistic model predicts `P(positive) = σ(z₀)`; a softmax
/// model predicts `P(class k) = exp(zₖ) / Σ exp(z)`.
///
/// An unfitted model cannot exist: values of this type come from ``Trainer/fit(_:)`` or from
/// a model file.
public struct LinearModel: Sendable {
    /// Which loss the model was trained with and what it predicts.
    public let kind: ModelKind
    /// Number of input features.
    public let featureCount: Int
    /// Coefficients, `outputs × featureCount`, row-major (one row per output).
    public let weights: [Double]
    /// One intercept per output (zeros when fitted without an intercept).
    public let intercepts: [Double]
    /// The label value of each class, in class order (`[negative, positive]` for logistic);
    /// empty for regression.
    public let classes: [Double]
    /// The standardization used while training (already folded into `weights`), if any.
    public let standardization: Standardization?
    /// How training went.
    public let summary: TrainingSummary
    /// Free-form facts recorded with the model (data fingerprint, hyperparameters, metrics).
    public var metadata: [String: String]
    /// The int8 form of the weights, for a quantized model (``Quantization``); `weights` then
    /// holds exactly the values it stands for. With input quantization, scoring runs as int8 ×
    /// int8 dot products; without, in float on `weights`.
    public let quantization: QuantizedWeights?

    /// Creates a model from its parts; used by trainers and model-file readers.
    /// - Precondition: the shapes agree. With `quantization`, `weights` are its dequantized
    ///   values (see ``QuantizedWeights/dequantized(featureCount:)``).
    public init(kind: ModelKind, featureCount: Int, weights: [Double], intercepts: [Double],
                classes: [Double], standardization: Standardization?, summary: TrainingSummary,
                metadata: [String: String] = [:], quantization: QuantizedWeights? = nil) {
        precondition(weights.count == intercepts.count * featureCount, "weights must be outputs × features")
        precondition(quantization.map { $0.values.count == weights.count && [1, intercepts.count].contains($0.scales.count) } ?? true,
                     "quantized weights must be outputs × features with one scale or one per output")
        precondition(kind != .softmax || classes.count == intercepts.count, "softmax needs one output per class")
        precondition(kind != .logistic || (classes.count == 2 && intercepts.count == 1), "logistic needs two classes and one output")
        self.kind = kind
        self.featureCount = featureCount
        self.weights = weights
        self.intercepts = intercepts
        self.classes = classes
        self.standardization = standardization
        self.summary = summary
        self.metadata = metadata
        self.quantization = quantization
    }

    /// Number of margins per sample (K).
    public var outputs: Int { intercepts.count }

    /// The coefficients of output `k`.
    public func coefficients(ofOutput k: Int) -> ArraySlice<Double> {
        weights[k * featureCount ..< (k + 1) * featureCount]
    }
}
