extension DatasetLoader {
    /// Reads shard `rank` of `count` of the file at `path`, consecutive (unshuffled): what one
    /// worker trains on. See ``loadShard(_:shard:options:)``.
    public static func loadShard(_ path: String, rank: Int, of count: Int,
                                 options: DataLoadOptions = DataLoadOptions()) throws(DataError) -> Dataset {
        try loadShard(path, shard: DataShard(rank: rank, of: count), options: options)
    }

    /// Reads one shard of the file at `path`: what one worker trains on.
    ///
    /// The shard's pieces (``DataShard/ranges(of:)``) are line-aligned byte ranges of a LIBSVM
    /// file (Hadoop input-split semantics, ``LIBSVMReader/read(path:byteRanges:)``), so each
    /// worker parses only its part; row ranges of an NPY file, each worker reading only its
    /// rows; row ranges of a CSV file, which is read whole and cut. Either way the rows of the
    /// pieces come in file order, and the shards of all ranks hold every row exactly once (in
    /// rank order: the file's rows in order, unless the shard assignment is shuffled).
    public static func loadShard(_ path: String, shard: DataShard,
                                 options: DataLoadOptions = DataLoadOptions()) throws(DataError) -> Dataset {
        guard shard.count >= 1, shard.rank >= 0, shard.rank < shard.count else {
            throw DataError(.invalidOption, file: path, message: "shard \(shard.rank) of \(shard.count) — expected 0 ≤ rank < count")
        }
        let format = options.format ?? DataFormat(sniffing: path)
        if format == .libsvm {
            let size = try FileBytes(path: path, prefetch: false).bytes.count
            return try LIBSVMReader(featureCount: options.featureCount).read(path: path, byteRanges: shard.ranges(of: size))
        }
        if format == .npy, let labelsPath = options.labelsPath {
            let reader = NPYReader()
            let file = try FileBytes(path: path, prefetch: false)
            let header = try withExtendedLifetime(file) { () throws(DataError) in try NPYHeader.parse(file.bytes, file: path) }
            let total = header.shape.first ?? 0
            let labels = try reader.readVector(path: labelsPath)
            guard labels.count == total else {
                throw DataError(.labelCountMismatch, file: labelsPath, message: "\(labels.count) labels — expected \(total), one per row of \(path)")
            }
            var parts: [Dataset] = []
            for rows in shard.ranges(of: total) {
                let features = try reader.readMatrix(path: path, rows: rows)
                parts.append(Dataset(uncheckedFeatures: .dense(features), labels: Array(labels[rows]), source: path))
            }
            return parts.count == 1 ? parts[0] : Dataset(concatenating: parts, source: path)
        }
        let whole = try load(path, options: options)
        return whole.rows(at: shard.ranges(of: whole.rowCount).flatMap { Array($0) })
    }
}
