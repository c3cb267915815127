import Foundation

/// How the learning rate of SGD and Adam changes over the epochs.
public enum LearningRateSchedule: Sendable, Equatable {
    /// The same rate throughout.
    case constant
    /// `η / (1 + decay·t)` after `t` epochs.
    case inverseTime(decay: Double)
    /// `η·factor^⌊t / every⌋`: multiply by `factor` every `every` epochs.
    case step(every: Int, factor: Double)
    /// Cosine annealing from `η` to 0 over the epoch limit.
    case cosine

    /// The rate for epoch `epoch` (from 0) of `totalEpochs`, starting at `base`.
    public func rate(base: Double, epoch: Int, totalEpochs: Int) -> Double {
        switch self {
        case .constant: base
        case .inverseTime(let decay): base / (1 + decay * Double(epoch))
        case .step(let every, let factor): base * pow(factor, Double(epoch / max(1, every)))
        case .cosine: base * 0.5 * (1 + cos(Double.pi * Double(epoch) / Double(max(1, totalEpochs))))
        }
    }
}
