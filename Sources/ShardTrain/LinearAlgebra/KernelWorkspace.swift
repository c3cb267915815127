/// Scratch memory for the blocked kernels, reused across calls to avoid allocation in the
/// hot loop. One workspace belongs to one thread of work at a time.
public struct KernelWorkspace: Sendable {
    /// Rows per block: a block of features plus its margins stays in the L2 cache.
    public let blockRows: Int
    /// `blockRows × outputs` margins, overwritten with loss derivatives.
    var margins: [Float]
    /// `features × outputs` float32 gradient of one block, before it joins the float64 sum.
    var blockGradient: [Float]

    /// Creates a workspace for a matrix with `features` columns and `outputs` margins per row.
    /// - Parameter blockRows: rows per block; `nil` picks about 128 KiB of dense features.
    public init(features: Int, outputs: Int, blockRows: Int? = nil) {
        let rows = blockRows ?? Self.defaultBlockRows(features: features)
        self.blockRows = max(1, rows)
        margins = [Float](repeating: 0, count: self.blockRows * outputs)
        blockGradient = [Float](repeating: 0, count: features * outputs)
    }

    /// About 128 KiB of float32 features per block, between 64 and 4096 rows.
    public static func defaultBlockRows(features: Int) -> Int {
        min(4096, max(64, (128 * 1024) / (4 * max(1, features))))
    }
}
