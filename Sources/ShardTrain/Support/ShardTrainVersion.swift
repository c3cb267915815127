/// The version of this build of ShardTrain, as the CLI and exported files report it.
public enum ShardTrainVersion {
    public static let current = "0.1.0"
}
