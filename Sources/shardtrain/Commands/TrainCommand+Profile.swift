import Foundation
import ShardTrain

/// The reference profile `train` stores in the model file for drift monitoring (`serve`).
extension TrainCommand {
    /// The profile of the training rows: those in this process, or, when workers hold them, a
    /// sample the coordinator reads itself (16 pieces spread over the file, about 32 MiB).
    func referenceProfile(of model: LinearModel, train: Dataset?) -> String? {
        guard !noProfile else { return nil }
        let clock = ContinuousClock(), start = clock.now
        defer {
            if verbose { StandardError.line(String(format: "reference profile: %.3f s", (clock.now - start).seconds)) }
        }
        do {
            if let train { return try ReferenceProfile(model: model, data: train.features, featureCap: profileFeatures).json }
            guard let data, let size = (try? FileManager.default.attributesOfItem(atPath: data))?[.size] as? Int else { return nil }
            let pieces = max(1, size / (32 << 20))
            let shard = DataShard(rank: 0, of: pieces, shuffleSeed: pieces > 1 ? seed : nil)
            let sample = try DatasetLoader.loadShard(data, shard: shard, options: dataOptions.loadOptions(featureCount: model.featureCount))
            return try ReferenceProfile(model: model, data: sample.features, featureCap: profileFeatures).json
        } catch {
            StandardError.line("note: no reference profile in the model file (drift monitoring off): \(error)")
            return nil
        }
    }
}
