/// The file formats the data layer reads.
public enum DataFormat: String, Sendable, CaseIterable, Codable {
    /// LIBSVM / SVMlight sparse text (``LIBSVMReader``).
    case libsvm
    /// Delimited numeric text (``CSVReader``).
    case csv
    /// NumPy `.npy` arrays, features and labels in two files (``NPYReader``).
    case npy

    /// The format a path's extension suggests: `.csv` → ``csv``, `.npy` → ``npy`` (any case),
    /// anything else → ``libsvm`` (LIBSVM files usually have no or varied extensions).
    public init(detectingFrom path: String) {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        let lowered = name.lowercased()
        if lowered.hasSuffix(".csv") {
            self = .csv
        } else if lowered.hasSuffix(".npy") {
            self = .npy
        } else {
            self = .libsvm
        }
    }
}
