/// Consecutive rows of a dataset on the wire: how the server ships a shard to a worker that has
/// no copy of the data file (`worker --connect` without `--data`).
///
/// Payload: `sparse: Bool`, `columns: UInt64`, `rows: UInt64`, `last: Bool`, labels (doubles),
/// `hasWeights: Bool` and weights (doubles), then either the row-major float32 values (dense)
/// or `rows + 1` offsets (`UInt64`), column indices (`UInt32`) and float32 values (sparse).
/// Every count and index is checked when decoded.
public struct RowChunk: Sendable, Equatable {
    public var features: FeatureMatrix
    public var labels: [Double]
    public var sampleWeights: [Double]?
    /// Whether this is the shard's last chunk.
    public var isLast: Bool

    /// Rows per chunk so that a chunk stays near 8 MiB on the wire.
    static func rowsPerChunk(of dataset: Dataset) -> Int {
        let bytesPerRow: Int
        switch dataset.features {
        case .dense(let m): bytesPerRow = 4 * m.columns + 16
        case .sparse(let m): bytesPerRow = 8 * max(1, m.storedCount / max(1, m.rows)) + 24
        }
        return max(1, (8 << 20) / bytesPerRow)
    }

    /// The chunks of `dataset`, in order (one empty chunk for an empty dataset).
    /// - Parameter rowsPerChunk: rows in each chunk; by default, about 8 MiB worth.
    public static func chunks(of dataset: Dataset, rowsPerChunk: Int? = nil) -> [RowChunk] {
        let step = max(1, rowsPerChunk ?? Self.rowsPerChunk(of: dataset))
        let starts = Array(stride(from: 0, to: max(dataset.rowCount, 1), by: step))
        return starts.enumerated().map { index, start in
            let rows = Array(start ..< min(start + step, dataset.rowCount))
            let part = dataset.rows(at: rows)
            return RowChunk(features: part.features, labels: part.labels, sampleWeights: part.sampleWeights,
                            isLast: index == starts.count - 1)
        }
    }

    /// The dataset made of `chunks`, in order.
    /// - Throws: ``TransportError`` when the chunks disagree on storage, columns or weights.
    public static func assemble(_ chunks: [RowChunk], source: String, peer: String) throws(TransportError) -> Dataset {
        guard let first = chunks.first else { throw TransportError(.badMessage, peer: peer, "no rows were shipped") }
        guard chunks.allSatisfy({ $0.features.columns == first.features.columns && $0.features.isSparse == first.features.isSparse
                                  && ($0.sampleWeights == nil) == (first.sampleWeights == nil) }) else {
            throw TransportError(.badMessage, peer: peer, "shipped chunks disagree on their layout")
        }
        let parts = chunks.map { Dataset(uncheckedFeatures: $0.features, labels: $0.labels, sampleWeights: $0.sampleWeights, source: source) }
        return Dataset(concatenating: parts, columns: first.features.columns, source: source)
    }
}

extension WireWriter {
    mutating func write(_ chunk: RowChunk) {
        write(chunk.features.isSparse); write(UInt64(chunk.features.columns)); write(UInt64(chunk.features.rows))
        write(chunk.isLast)
        write(chunk.labels)
        write(chunk.sampleWeights != nil); write(chunk.sampleWeights ?? [])
        switch chunk.features {
        case .dense(let m):
            write(floats: m.values)
        case .sparse(let m):
            write(UInt64(m.rowOffsets.count))
            for offset in m.rowOffsets { write(UInt64(offset)) }
            write(UInt64(m.columnIndices.count))
            for index in m.columnIndices { write(UInt32(index)) }
            write(floats: m.values)
        }
    }
}

extension WireReader {
    mutating func readChunk() throws(TransportError) -> RowChunk {
        let sparse = try readBool(), columns = try read(UInt64.self), rows = try read(UInt64.self), last = try readBool()
        let labels = try readDoubles()
        let hasWeights = try readBool(), weights = try readDoubles()
        func bad(_ what: String) -> TransportError { TransportError(.badMessage, peer: peer, "\(context): \(what)") }
        guard rows == UInt64(labels.count), !hasWeights || weights.count == labels.count, columns < UInt64(Int32.max) else {
            throw bad("\(labels.count) labels and \(weights.count) weights for \(rows) rows of \(columns) columns")
        }
        let features: FeatureMatrix
        if sparse {
            let offsetCount = try readCount(elementSize: 8)
            guard offsetCount == labels.count + 1 else { throw bad("\(offsetCount) offsets for \(labels.count) rows") }
            var offsets: [Int] = []
            for _ in 0 ..< offsetCount {
                let offset = try read(UInt64.self)
                guard offset >= UInt64(offsets.last ?? 0), offset < UInt64(Int32.max) else { throw bad("row offsets out of order") }
                offsets.append(Int(offset))
            }
            let indexCount = try readCount(elementSize: 4)
            var indices: [Int32] = []
            indices.reserveCapacity(indexCount)
            for _ in 0 ..< indexCount {
                let index = try read(UInt32.self)
                guard UInt64(index) < columns else { throw bad("column \(index) not below \(columns)") }
                indices.append(Int32(index))
            }
            let values = try readFloats()
            guard offsets.first == 0, offsets.last == values.count, indices.count == values.count else {
                throw bad("offsets, indices and values do not agree")
            }
            do {
                features = .sparse(try SparseMatrix(rows: labels.count, columns: Int(columns), rowOffsets: offsets,
                                                    columnIndices: indices, values: values))
            } catch {
                throw bad(error.message)
            }
        } else {
            let values = try readFloats()
            guard values.count == labels.count * Int(columns) else { throw bad("\(values.count) values for \(rows) × \(columns)") }
            do {
                features = .dense(try DenseMatrix(rows: labels.count, columns: Int(columns), values: values))
            } catch {
                throw bad(error.message)
            }
        }
        do {
            _ = try Dataset(features: features, labels: labels, sampleWeights: hasWeights ? weights : nil, source: context)
        } catch {
            throw bad(error.message)
        }
        return RowChunk(features: features, labels: labels, sampleWeights: hasWeights ? weights : nil, isLast: last)
    }
}
