/// A checkpoint is read from a file, so it is checked like any input before a run resumes
/// from it: sizes against the problem, counts against each other, every number finite. Each
/// message names the part that does not fit.
extension LBFGSCheckpoint {
    /// Checks that the checkpoint fits a problem with `parameterCount` parameters and is a
    /// state L-BFGS or OWL-QN could have saved.
    func check(parameterCount: Int) throws(TrainingError) {
        func bad(_ what: String) -> TrainingError { TrainingError(.invalidConfiguration, "the checkpoint \(what)") }
        guard parameters.count == parameterCount else {
            throw bad("has \(parameters.count) parameters; this problem has \(parameterCount)")
        }
        guard gradient.count == parameterCount else {
            throw bad("has a gradient of \(gradient.count) values for \(parameterCount) parameters")
        }
        guard memoryS.count == memoryY.count else {
            throw bad("has \(memoryS.count) steps but \(memoryY.count) gradient changes in its curvature memory")
        }
        if let pair = (memoryS + memoryY).firstIndex(where: { $0.count != parameterCount }) {
            throw bad("has a curvature pair \(pair % max(memoryS.count, 1) + 1) of \((memoryS + memoryY)[pair].count) values for \(parameterCount) parameters")
        }
        guard iteration >= 0, history.count == iteration + 1 else {
            throw bad("says \(iteration) iterations but records \(history.count) objective values (expected iterations + 1)")
        }
        guard evaluations > iteration else {
            throw bad("says \(evaluations) evaluations for \(iteration) iterations (each iteration takes at least one)")
        }
        guard objective.isFinite, initialGradientNorm.isFinite, initialGradientNorm >= 0,
              parameters.allSatisfy(\.isFinite), gradient.allSatisfy(\.isFinite), history.allSatisfy(\.isFinite),
              memoryS.allSatisfy({ $0.allSatisfy(\.isFinite) }), memoryY.allSatisfy({ $0.allSatisfy(\.isFinite) }) else {
            throw bad("holds a number that is not finite")
        }
    }
}

extension MiniBatchCheckpoint {
    /// Checks that the checkpoint fits a problem with `parameterCount` parameters and is a
    /// state SGD or Adam could have saved.
    func check(parameterCount: Int) throws(TrainingError) {
        func bad(_ what: String) -> TrainingError { TrainingError(.invalidConfiguration, "the checkpoint \(what)") }
        guard parameters.count == parameterCount else {
            throw bad("has \(parameters.count) parameters; this problem has \(parameterCount)")
        }
        guard epoch >= 0, history.count == epoch + 1 else {
            throw bad("says \(epoch) epochs but records \(history.count) objective values (expected epochs + 1)")
        }
        guard calmEpochs >= 0, calmEpochs <= epoch else { throw bad("says \(calmEpochs) calm epochs of \(epoch)") }
        guard passes.isFinite, passes >= Double(epoch) else { throw bad("says \(passes) passes for \(epoch) epochs") }
        let vectors: [[Double]]
        switch update {
        case .momentum(let velocity): vectors = [velocity]
        case .adam(let first, let second, let steps):
            guard steps >= 0 else { throw bad("says Adam took \(steps) steps") }
            vectors = [first, second]
        }
        if let wrong = vectors.first(where: { $0.count != parameterCount }) {
            throw bad("has \(update.optimizer) state of \(wrong.count) values for \(parameterCount) parameters")
        }
        guard objective.isFinite, parameters.allSatisfy(\.isFinite), history.allSatisfy(\.isFinite),
              vectors.allSatisfy({ $0.allSatisfy(\.isFinite) }) else {
            throw bad("holds a number that is not finite")
        }
    }
}
