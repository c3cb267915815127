/// Scratch memory for the blocked kernels, reused across calls to avoid allocation in the
/// hot loop. One workspace belongs to one thread of work at a time.
public struct KernelWorkspace: Sendable {
    /// Rows per block: a block of features plus its margins stays in the L2 cache.
    public let blockRows: Int
    /// `blockRows × outputs` float32 margins.
    var margins: [Float]
    /// `blockRows × outputs` float64 loss derivatives.
    var derivatives: [Double]
    /// `features × outputs` float32 gradient of one dense block, before it joins the float64 sum.
    var blockGradient: [Float]
    /// The compressed-column copy of a wide sparse matrix for ``FeatureMatrix/accumulateGradientByColumns``.
    var columnCopy: ColumnCopy?
    /// `rows × outputs` float64 residuals of every row, for the column kernel.
    var allResiduals: [Double] = []

    /// Creates a workspace for a matrix with `features` columns and `outputs` margins per row.
    /// - Parameter blockRows: rows per block; `nil` picks about 128 KiB of dense features.
    public init(features: Int, outputs: Int, blockRows: Int? = nil) {
        let rows = blockRows ?? Self.defaultBlockRows(features: features)
        self.blockRows = max(1, rows)
        margins = [Float](repeating: 0, count: self.blockRows * outputs)
        derivatives = [Double](repeating: 0, count: self.blockRows * outputs)
        blockGradient = [Float](repeating: 0, count: features * outputs)
    }

    /// About 128 KiB of float32 features per block (a quarter of a typical L2 cache, so the
    /// block is still there for the second half of the fused kernel), between 64 and 2048 rows.
    public static func defaultBlockRows(features: Int) -> Int {
        min(2048, max(64, (128 * 1024) / (4 * max(1, features))))
    }
}
