import Foundation

extension ModelFile {
    /// The `training_summary` entry: ``TrainingSummary`` as a JSON object with snake_case keys
    /// (`optimizer`, `iterations`, `passes`, `stop_reason`, `objective`, `objective_history`,
    /// `gradient_norm`, `train_seconds`, `workers`), keys sorted. NaN and infinities (a run that
    /// failed numerically) are written as the strings `"NaN"`, `"Infinity"`, `"-Infinity"`.
    /// The objective history is bounded (``boundedHistory(_:)``).
    static func summaryJSON(_ summary: TrainingSummary) throws(ModelFileError) -> String {
        var summary = summary
        summary.objectiveHistory = boundedHistory(summary.objectiveHistory)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.nonConformingFloatEncodingStrategy = nonConformingFloatEncoding
        do {
            return String(decoding: try encoder.encode(summary), as: UTF8.self)
        } catch {
            throw ModelFileError(.badMetadata, path: "", "cannot encode the training summary: \(error)", cause: error)
        }
    }

    /// The most objective-history entries a model file stores.
    static let maximumHistory = 32

    /// `history` with at most ``maximumHistory`` entries: all of it when short enough, else the
    /// entries at positions `round(i·(n − 1) / 31)` for `i = 0 … 31` — the first, the last and
    /// 30 evenly spaced between. A 300-iteration fit's history otherwise takes ≈ 6 KB, more
    /// than the weights of a small model.
    static func boundedHistory(_ history: [Double]) -> [Double] {
        guard history.count > maximumHistory else { return history }
        let last = Double(history.count - 1), steps = Double(maximumHistory - 1)
        return (0 ..< maximumHistory).map { i in history[Int((Double(i) * last / steps).rounded())] }
    }

    /// Decodes the `training_summary` entry written by ``summaryJSON(_:)``.
    /// - Throws: ``ModelFileError/Code/badMetadata`` saying which field is missing or ill-typed.
    static func summary(fromJSON text: String, source: String) throws(ModelFileError) -> TrainingSummary {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        decoder.nonConformingFloatDecodingStrategy = nonConformingFloatDecoding
        do {
            return try decoder.decode(TrainingSummary.self, from: Data(text.utf8))
        } catch let error as DecodingError {
            throw ModelFileError(.badMetadata, path: source,
                                 "\(Key.trainingSummary) is not a valid training summary: \(describe(error))", cause: error)
        } catch {
            throw ModelFileError(.badMetadata, path: source,
                                 "\(Key.trainingSummary) is not a valid training summary: \(error)", cause: error)
        }
    }

    private static var nonConformingFloatEncoding: JSONEncoder.NonConformingFloatEncodingStrategy {
        .convertToString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
    }

    private static var nonConformingFloatDecoding: JSONDecoder.NonConformingFloatDecodingStrategy {
        .convertFromString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
    }

    /// A one-line account of a decoding error: the field path and what was wrong.
    private static func describe(_ error: DecodingError) -> String {
        func path(_ keys: [any CodingKey]) -> String {
            keys.isEmpty ? "top level" : keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
        }
        switch error {
        case .keyNotFound(let key, let context):
            return "missing field \(key.stringValue) (at \(path(context.codingPath)))"
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            return "\(context.debugDescription) (at \(path(context.codingPath)))"
        @unknown default:
            return "\(error)"
        }
    }
}
