extension DatasetLoader {
    /// Reads shard `rank` of `count` of the file at `path`: what one worker trains on.
    ///
    /// LIBSVM files are split into `count` line-aligned byte ranges (Hadoop input-split
    /// semantics, ``LIBSVMReader/read(path:byteRange:)``), so each worker parses only its part
    /// and the shards, in rank order, are exactly the file's rows in order. NPY files are cut
    /// into `count` consecutive, nearly equal row ranges, each worker reading only its rows;
    /// CSV files are read whole and cut the same way.
    public static func loadShard(_ path: String, rank: Int, of count: Int,
                                 options: DataLoadOptions = DataLoadOptions()) throws(DataError) -> Dataset {
        guard count >= 1, rank >= 0, rank < count else {
            throw DataError(.invalidOption, file: path, message: "shard \(rank) of \(count) — expected 0 ≤ rank < count")
        }
        let format = options.format ?? DataFormat(sniffing: path)
        if format == .libsvm {
            let size = try FileBytes(path: path, prefetch: false).bytes.count
            let range = LIBSVMReader.byteRanges(fileSize: size, count: count)[rank]
            return try LIBSVMReader(featureCount: options.featureCount).read(path: path, byteRange: range)
        }
        if format == .npy, let labelsPath = options.labelsPath {
            let reader = NPYReader()
            let file = try FileBytes(path: path, prefetch: false)
            let header = try withExtendedLifetime(file) { () throws(DataError) in try NPYHeader.parse(file.bytes, file: path) }
            let total = header.shape.first ?? 0
            let rows = (total * rank / count) ..< (total * (rank + 1) / count)
            let features = try reader.readMatrix(path: path, rows: rows)
            let labels = try reader.readVector(path: labelsPath)
            guard labels.count == total else {
                throw DataError(.labelCountMismatch, file: labelsPath, message: "\(labels.count) labels — expected \(total), one per row of \(path)")
            }
            return Dataset(features: .dense(features), labels: Array(labels[rows]), source: path)
        }
        let whole = try load(path, options: options)
        let lower = whole.rowCount * rank / count, upper = whole.rowCount * (rank + 1) / count
        return whole.rows(at: Array(lower ..< upper))
    }
}
