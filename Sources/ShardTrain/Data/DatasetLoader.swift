import Foundation

/// How ``DatasetLoader`` reads a file; every option has a sensible default.
public struct DataLoadOptions: Sendable {
    /// The format, or `nil` to detect it from the extension or content (``DataFormat/init(sniffing:)``).
    public var format: DataFormat?
    /// The number of features: fixed for LIBSVM, checked for CSV and NPY; `nil` for what the file holds.
    public var featureCount: Int?
    /// The labels file for NPY features (required for NPY).
    public var labelsPath: String?
    /// The CSV label column; `nil` for the last column.
    public var labelColumn: CSVLabelColumn?
    /// Whether a CSV file starts with a header row; `nil` to detect it.
    public var hasHeader: Bool?
    /// Threads parsing LIBSVM text; `nil` uses every core for files of 16 MiB or more.
    public var threads: Int?

    /// Creates options.
    public init(format: DataFormat? = nil, featureCount: Int? = nil, labelsPath: String? = nil,
                labelColumn: CSVLabelColumn? = nil, hasHeader: Bool? = nil, threads: Int? = nil) {
        self.threads = threads
        self.format = format
        self.featureCount = featureCount
        self.labelsPath = labelsPath
        self.labelColumn = labelColumn
        self.hasHeader = hasHeader
    }
}

/// Loads a dataset from any supported format: one entry point for the CLI and library users.
public enum DatasetLoader {
    /// Reads the dataset at `path`.
    /// - Parameters:
    ///   - path: the data file (for NPY, the features file).
    ///   - options: format and format-specific options.
    /// - Throws: ``DataError``; ``DataError/Code/invalidOption`` for an NPY file without
    ///   ``DataLoadOptions/labelsPath`` or a negative feature count;
    ///   ``DataError/Code/shapeMismatch`` when a dense file's feature count differs from
    ///   ``DataLoadOptions/featureCount``.
    public static func load(_ path: String, options: DataLoadOptions = DataLoadOptions()) throws(DataError) -> Dataset {
        if let count = options.featureCount, count < 0 {
            throw DataError(.invalidOption, file: path, message: "feature count \(count) — expected a non-negative number")
        }
        let format = options.format ?? DataFormat(sniffing: path)
        let dataset: Dataset
        switch format {
        case .libsvm:
            let reader = LIBSVMReader(featureCount: options.featureCount)
            return try reader.read(path: path, threads: options.threads ?? automaticThreads(for: path))
        case .csv:
            dataset = try CSVReader(hasHeader: options.hasHeader, labelColumn: options.labelColumn).read(path: path)
        case .npy:
            guard let labelsPath = options.labelsPath else {
                throw DataError(.invalidOption, file: path, message: "NPY features need a labels file — expected a labels path (a 1-D .npy array)")
            }
            dataset = try NPYReader().read(featuresPath: path, labelsPath: labelsPath)
        }
        if let count = options.featureCount, count != dataset.featureCount {
            throw DataError(.shapeMismatch, file: path, message: "file has \(dataset.featureCount) features — expected \(count)")
        }
        return dataset
    }

    /// Every core for files of 16 MiB or more, else one thread.
    static func automaticThreads(for path: String) -> Int {
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        return size >= 16 << 20 ? max(1, ProcessInfo.processInfo.activeProcessorCount) : 1
    }
}
