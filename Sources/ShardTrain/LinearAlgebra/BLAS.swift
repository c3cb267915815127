import CBLAS

/// The BLAS operations the project uses, over unsafe buffers: the only place that calls CBLAS.
///
/// All matrices are row-major. Each function is a thin, documented wrapper; the shapes are
/// checked with `precondition` because a mismatch is a programmer error inside the library.
public enum BLAS {
    /// Returns `Σ x[i]·y[i]` (`sdot`).
    @inlinable
    public static func dot(_ x: UnsafeBufferPointer<Float>, _ y: UnsafeBufferPointer<Float>) -> Float {
        precondition(x.count == y.count, "dot: lengths differ")
        return cblas_sdot(Int32(x.count), x.baseAddress, 1, y.baseAddress, 1)
    }

    /// `y ← α·x + y` (`saxpy`).
    @inlinable
    public static func axpy(_ alpha: Float, _ x: UnsafeBufferPointer<Float>, _ y: UnsafeMutableBufferPointer<Float>) {
        precondition(x.count == y.count, "axpy: lengths differ")
        cblas_saxpy(Int32(x.count), alpha, x.baseAddress, 1, y.baseAddress, 1)
    }

    /// Returns `Σ x[i]·y[i]` in double precision (`ddot`).
    @inlinable
    public static func dot(_ x: [Double], _ y: [Double]) -> Double {
        precondition(x.count == y.count, "dot: lengths differ")
        return x.withUnsafeBufferPointer { a in
            y.withUnsafeBufferPointer { b in cblas_ddot(Int32(a.count), a.baseAddress, 1, b.baseAddress, 1) }
        }
    }

    /// `y ← α·x + y` in double precision (`daxpy`).
    @inlinable
    public static func axpy(_ alpha: Double, _ x: [Double], _ y: inout [Double]) {
        precondition(x.count == y.count, "axpy: lengths differ")
        x.withUnsafeBufferPointer { a in
            y.withUnsafeMutableBufferPointer { b in cblas_daxpy(Int32(a.count), alpha, a.baseAddress, 1, b.baseAddress, 1) }
        }
    }

    /// `y ← α·A·x + β·y` for a row-major `rows × columns` matrix `A` (`sgemv`, no transpose).
    @inlinable
    public static func multiply(_ a: UnsafePointer<Float>, rows: Int, columns: Int,
                                _ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>,
                                alpha: Float = 1, beta: Float = 0) {
        cblas_sgemv(CblasRowMajor, CblasNoTrans, Int32(rows), Int32(columns), alpha,
                    a, Int32(columns), x, 1, beta, y, 1)
    }

    /// `y ← α·Aᵀ·x + β·y` for a row-major `rows × columns` matrix `A` (`sgemv`, transposed).
    @inlinable
    public static func multiplyTransposed(_ a: UnsafePointer<Float>, rows: Int, columns: Int,
                                          _ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>,
                                          alpha: Float = 1, beta: Float = 0) {
        cblas_sgemv(CblasRowMajor, CblasTrans, Int32(rows), Int32(columns), alpha,
                    a, Int32(columns), x, 1, beta, y, 1)
    }

    /// `C ← α·op(A)·B + β·C` with row-major `A` (`m × k`, or `k × m` when `transposeA`),
    /// `B` (`k × n`) and `C` (`m × n`) (`sgemm`).
    @inlinable
    public static func multiply(_ a: UnsafePointer<Float>, transposeA: Bool = false,
                                _ b: UnsafePointer<Float>, into c: UnsafeMutablePointer<Float>,
                                m: Int, n: Int, k: Int, alpha: Float = 1, beta: Float = 0) {
        cblas_sgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha,
                    a, Int32(transposeA ? m : k), b, Int32(n), beta, c, Int32(n))
    }
}

extension BLAS {
    /// `C ← C + AᵀA` (upper triangle) for a row-major `rows × columns` float64 matrix `A`
    /// (`dsyrk`); `C` is `columns × columns`, row-major.
    public static func accumulateGram(_ a: UnsafePointer<Double>, rows: Int, columns: Int, into c: UnsafeMutablePointer<Double>) {
        cblas_dsyrk(CblasRowMajor, CblasUpper, CblasTrans, Int32(columns), Int32(rows), 1,
                    a, Int32(columns), 1, c, Int32(columns))
    }

    /// `y ← y + Aᵀx` for a row-major `rows × columns` float64 matrix `A` (`dgemv`, transposed).
    public static func accumulateTransposed(_ a: UnsafePointer<Double>, rows: Int, columns: Int,
                                            _ x: UnsafePointer<Double>, into y: UnsafeMutablePointer<Double>) {
        cblas_dgemv(CblasRowMajor, CblasTrans, Int32(rows), Int32(columns), 1, a, Int32(columns), x, 1, 1, y, 1)
    }
}
