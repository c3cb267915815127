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
