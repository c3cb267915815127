import Foundation

/// The file formats the data layer reads.
public enum DataFormat: String, Sendable, CaseIterable, Codable {
    /// LIBSVM / SVMlight sparse text (``LIBSVMReader``).
    case libsvm
    /// Delimited numeric text (``CSVReader``).
    case csv
    /// NumPy `.npy` arrays, features and labels in two files (``NPYReader``).
    case npy

    /// The format of the file at `path`: by extension when it says (`.csv`, `.npy`, `.svm`,
    /// `.libsvm`), otherwise by content — a first data line with commas and no `index:value`
    /// pair is CSV (as in `cal_housing.data`), anything else LIBSVM.
    public init(sniffing path: String) {
        let byName = DataFormat(detectingFrom: path)
        let lowered = path.lowercased()
        guard byName == .libsvm, !lowered.hasSuffix(".svm"), !lowered.hasSuffix(".libsvm"),
              let handle = FileHandle(forReadingAtPath: path) else {
            self = byName
            return
        }
        defer { try? handle.close() }
        let head = (try? handle.read(upToCount: 4096)) ?? Data()
        let text = String(decoding: head, as: UTF8.self)
        let firstLine = text.split(whereSeparator: \.isNewline).first { line in
            let trimmed = line.drop { $0 == " " || $0 == "\t" }
            return !trimmed.isEmpty && !trimmed.hasPrefix("#")
        }
        if let firstLine, firstLine.contains(","), !firstLine.contains(":") {
            self = .csv
        } else {
            self = .libsvm
        }
    }

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
