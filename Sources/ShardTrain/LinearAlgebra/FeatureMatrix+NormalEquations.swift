extension FeatureMatrix {
    /// The weighted normal equations of least squares with an intercept column:
    /// `A = Zᵀ S Z` and `c = Zᵀ S y` for `Z = [X 1]` (`n × (d+1)`), `S = diag(s)`, in float64.
    ///
    /// Rows are widened to float64 a block at a time and accumulated with `dsyrk`/`dgemv`, so
    /// raw features of large magnitude keep their precision.
    /// - Returns: `A` as a full symmetric `(d+1) × (d+1)` row-major matrix, and `c`.
    public func normalEquations(targets: [Double], sampleWeights: [Double]?) -> (gram: [Double], moment: [Double]) {
        let d = columns, width = d + 1
        var gram = [Double](repeating: 0, count: width * width)
        var moment = [Double](repeating: 0, count: width)
        let blockRows = 1024
        var block = [Double](repeating: 0, count: blockRows * width)
        var y = [Double](repeating: 0, count: blockRows)
        var start = 0
        while start < rows {
            let end = min(start + blockRows, rows)
            for i in start ..< end {
                let root = (sampleWeights?[i] ?? 1).squareRoot()
                let base = (i - start) * width
                for j in 0 ..< d { block[base + j] = 0 }
                switch self {
                case .dense(let m):
                    for j in 0 ..< d { block[base + j] = root * Double(m.values[i * d + j]) }
                case .sparse(let m):
                    for p in m.rowOffsets[i] ..< m.rowOffsets[i + 1] {
                        block[base + Int(m.columnIndices[p])] = root * Double(m.values[p])
                    }
                }
                block[base + d] = root
                y[i - start] = root * targets[i]
            }
            block.withUnsafeBufferPointer { z in
                gram.withUnsafeMutableBufferPointer { a in
                    BLAS.accumulateGram(z.baseAddress!, rows: end - start, columns: width, into: a.baseAddress!)
                }
                y.withUnsafeBufferPointer { yp in
                    moment.withUnsafeMutableBufferPointer { c in
                        BLAS.accumulateTransposed(z.baseAddress!, rows: end - start, columns: width, yp.baseAddress!, into: c.baseAddress!)
                    }
                }
            }
            start = end
        }
        for i in 0 ..< width { for j in 0 ..< i { gram[i * width + j] = gram[j * width + i] } }
        return (gram, moment)
    }
}
