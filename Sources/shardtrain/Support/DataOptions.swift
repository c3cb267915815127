import ArgumentParser
import ShardTrain

/// How to read a data file: shared by every command that reads one.
struct DataOptions: ParsableArguments {
    @Option(help: "File format: libsvm, csv or npy (default: by extension, else by content).")
    var format: DataFormat?

    @Option(help: "Number of features (LIBSVM); default: the largest index in the file.")
    var features: Int?

    @Option(help: "Labels file for .npy features (a 1-D .npy array).")
    var labels: String?

    @Option(help: "CSV label column: a header name or a 0-based index (default: the last column).")
    var labelColumn: String?

    @Option(help: "CSV header: yes, no or auto (default: auto-detect).")
    var header: HeaderChoice = .auto

    enum HeaderChoice: String, ExpressibleByArgument, CaseIterable {
        case yes, no, auto
    }

    /// The loader options for these flags; `featureCount` overrides `--features` when given.
    func loadOptions(featureCount: Int? = nil) -> DataLoadOptions {
        let column: CSVLabelColumn? = labelColumn.map { text in
            if let index = Int(text) { return .index(index) }
            return .name(text)
        }
        let hasHeader: Bool? = switch header {
        case .yes: true
        case .no: false
        case .auto: nil
        }
        return DataLoadOptions(format: format, featureCount: featureCount ?? features, labelsPath: labels,
                               labelColumn: column, hasHeader: hasHeader)
    }

    /// The same options as command-line arguments, for starting workers.
    var arguments: [String] {
        var list: [String] = []
        if let format { list += ["--format", format.rawValue] }
        if let features { list += ["--features", String(features)] }
        if let labels { list += ["--labels", labels] }
        if let labelColumn { list += ["--label-column", labelColumn] }
        list += ["--header", header.rawValue]
        return list
    }

    func validate() throws {
        if let features, features < 1 || features > Int(Int32.max) {
            throw ValidationError("--features must be 1 to \(Int32.max) (feature indices are stored in 32 bits), got \(features)")
        }
    }
}

extension DataFormat: ExpressibleByArgument {}

/// Loads a dataset with timing, turning data errors into CLI errors.
func loadDataset(_ path: String, _ options: DataLoadOptions) throws -> (Dataset, seconds: Double) {
    let clock = ContinuousClock()
    let start = clock.now
    let dataset = try report { try DatasetLoader.load(path, options: options) }
    return (dataset, (clock.now - start).seconds)
}
