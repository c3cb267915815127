import Foundation

/// How well predicted class probabilities match the true classes (sample weights ignored).
public struct ClassificationMetrics: Sendable, Codable, Equatable {
    /// Number of rows scored.
    public var count: Int
    /// Share of rows whose most probable class is the true one.
    public var accuracy: Double
    /// Mean negative log-probability of the true class (probabilities clipped to [1e-15, 1]).
    public var logLoss: Double
    /// Area under the ROC curve of the positive-class probability (binary only; ties count half).
    public var auc: Double?
    /// Precision, recall and F1 of the positive class (binary), or their macro averages over
    /// classes (multiclass).
    public var precision: Double
    public var recall: Double
    public var f1: Double
    /// `confusion[true][predicted]` counts, in class order.
    public var confusion: [[Int]]
    /// The class labels, in class order.
    public var classes: [Double]

    /// Computes the metrics.
    /// - Parameters:
    ///   - probabilities: `P(positive)` per row when `classCount == 2` and one value per row is
    ///     given; otherwise `rows × classCount` class probabilities.
    ///   - targets: the true class index of each row.
    public init(probabilities: [Double], classCount: Int, targets: [Int], classes: [Double]) {
        let n = targets.count
        let binaryScores = classCount == 2 && probabilities.count == n
        func probability(_ i: Int, _ c: Int) -> Double {
            if binaryScores { return c == 1 ? probabilities[i] : 1 - probabilities[i] }
            return probabilities[i * classCount + c]
        }
        var confusion = [[Int]](repeating: [Int](repeating: 0, count: classCount), count: classCount)
        var logLoss = 0.0, correct = 0
        for i in 0 ..< n {
            var predicted = 0
            if binaryScores {
                predicted = probabilities[i] >= 0.5 ? 1 : 0
            } else {
                for c in 1 ..< classCount where probability(i, c) > probability(i, predicted) { predicted = c }
            }
            confusion[targets[i]][predicted] += 1
            if predicted == targets[i] { correct += 1 }
            logLoss -= log(min(max(probability(i, targets[i]), 1e-15), 1))
        }
        count = n
        accuracy = n > 0 ? Double(correct) / Double(n) : .nan
        self.logLoss = n > 0 ? logLoss / Double(n) : .nan
        self.confusion = confusion
        self.classes = classes
        func scores(_ c: Int) -> (precision: Double, recall: Double, f1: Double) {
            let truePositive = Double(confusion[c][c])
            let predictedPositive = Double((0 ..< classCount).reduce(0) { $0 + confusion[$1][c] })
            let actualPositive = Double(confusion[c].reduce(0, +))
            let p = predictedPositive > 0 ? truePositive / predictedPositive : 0
            let r = actualPositive > 0 ? truePositive / actualPositive : 0
            return (p, r, p + r > 0 ? 2 * p * r / (p + r) : 0)
        }
        if classCount == 2 {
            (precision, recall, f1) = scores(1)
            auc = Self.areaUnderROC(scores: (0 ..< n).map { probability($0, 1) }, positives: targets.map { $0 == 1 })
        } else {
            let all = (0 ..< classCount).map(scores)
            precision = all.map(\.precision).reduce(0, +) / Double(classCount)
            recall = all.map(\.recall).reduce(0, +) / Double(classCount)
            f1 = all.map(\.f1).reduce(0, +) / Double(classCount)
            auc = nil
        }
    }

    /// ROC AUC as the Mann–Whitney statistic: the chance that a random positive scores above a
    /// random negative, ties counting one half. `nil` when one class is absent.
    public static func areaUnderROC(scores: [Double], positives: [Bool]) -> Double? {
        let order = scores.indices.sorted { scores[$0] < scores[$1] }
        let positiveCount = positives.filter { $0 }.count, negativeCount = positives.count - positiveCount
        guard positiveCount > 0, negativeCount > 0 else { return nil }
        var rankSum = 0.0
        var start = 0
        while start < order.count {
            var end = start
            while end + 1 < order.count, scores[order[end + 1]] == scores[order[start]] { end += 1 }
            let averageRank = Double(start + end) / 2 + 1
            for p in start ... end where positives[order[p]] { rankSum += averageRank }
            start = end + 1
        }
        let positivesTotal = Double(positiveCount)
        return (rankSum - positivesTotal * (positivesTotal + 1) / 2) / (positivesTotal * Double(negativeCount))
    }
}
