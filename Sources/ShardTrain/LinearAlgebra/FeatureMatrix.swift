/// The feature matrix of a dataset: dense or sparse storage behind one interface.
///
/// Every kernel that training and inference use is defined for both cases, so objectives and
/// optimizers never look at the storage.
public enum FeatureMatrix: Sendable, Equatable {
    case dense(DenseMatrix)
    case sparse(SparseMatrix)

    /// Number of rows (samples).
    public var rows: Int {
        switch self {
        case .dense(let m): m.rows
        case .sparse(let m): m.rows
        }
    }

    /// Number of columns (features).
    public var columns: Int {
        switch self {
        case .dense(let m): m.columns
        case .sparse(let m): m.columns
        }
    }

    /// Whether the storage is sparse.
    public var isSparse: Bool {
        if case .sparse = self { return true }
        return false
    }

    /// Bytes a full pass must read.
    public var storageBytes: Int {
        switch self {
        case .dense(let m): m.storageBytes
        case .sparse(let m): m.storageBytes
        }
    }

    /// A copy of the rows at `indices`, in the order given, in the same storage.
    public func rows(at indices: [Int]) -> FeatureMatrix {
        switch self {
        case .dense(let m): .dense(m.rows(at: indices))
        case .sparse(let m): .sparse(m.rows(at: indices))
        }
    }

    /// The entry at row `row`, column `column`.
    public subscript(row: Int, column: Int) -> Float {
        switch self {
        case .dense(let m): m[row, column]
        case .sparse(let m): m[row, column]
        }
    }
}
