import ShardTrain

/// The bundled datasets, loaded the way the CLI loads them.
public enum Datasets {
    public static func a9a() throws -> (train: Dataset, test: Dataset) {
        let options = DataLoadOptions(featureCount: 123)
        return (try DatasetLoader.load(Fixtures.dataset("a9a"), options: options),
                try DatasetLoader.load(Fixtures.dataset("a9a.t"), options: options))
    }

    public static func dna() throws -> (train: Dataset, test: Dataset) {
        let options = DataLoadOptions(featureCount: 180)
        return (try DatasetLoader.load(Fixtures.dataset("dna.scale"), options: options),
                try DatasetLoader.load(Fixtures.dataset("dna.scale.t"), options: options))
    }

    public static func calHousing() throws -> Dataset {
        try DatasetLoader.load(Fixtures.dataset("cal_housing.data"), options: DataLoadOptions(format: .csv, hasHeader: false))
    }
}

extension TrainingConfiguration {
    /// The configuration the reference values of the tests were measured with: L-BFGS run to
    /// its tight default tolerances (the exact optimum, to float32-margin precision), not the
    /// default Newton run stopped by LIBLINEAR's rule.
    public static func exactOptimum(_ kind: ModelKind) -> TrainingConfiguration {
        var configuration = TrainingConfiguration(kind: kind)
        configuration.optimizer = .lbfgs
        return configuration
    }
}
