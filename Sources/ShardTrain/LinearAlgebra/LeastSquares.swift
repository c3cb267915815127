import CBLAS

/// Dense least-squares solves in double precision through LAPACKE.
public enum LeastSquares {
    /// Why a direct solve did not produce an answer.
    public enum Failure: Error, Equatable, Sendable {
        /// The system is singular or not positive definite, with LAPACK's `info`.
        case singular(info: Int32)
        /// LAPACK rejected an argument, with its `info`.
        case invalidArgument(info: Int32)
    }

    /// Solves `A·x = b` for a symmetric positive-definite `n × n` matrix `A` (row-major) by
    /// Cholesky factorization (`dposv`).
    /// - Returns: `x`, or throws ``Failure/singular(info:)`` if `A` is not positive definite.
    public static func solveSymmetricPositiveDefinite(_ a: [Double], _ b: [Double], n: Int) throws(Failure) -> [Double] {
        var a = a, x = b
        let info = LAPACKE_dposv(LAPACK_ROW_MAJOR, Int8(UInt8(ascii: "U")), Int32(n), 1, &a, Int32(n), &x, 1)
        if info > 0 { throw .singular(info: info) }
        if info < 0 { throw .invalidArgument(info: info) }
        return x
    }

    /// Minimizes `‖A·x − b‖₂` for a row-major `m × n` matrix `A` with `m ≥ n` by QR (`dgels`).
    public static func solveByQR(_ a: [Double], _ b: [Double], rows m: Int, columns n: Int) throws(Failure) -> [Double] {
        var a = a, x = b
        let info = LAPACKE_dgels(LAPACK_ROW_MAJOR, Int8(UInt8(ascii: "N")), Int32(m), Int32(n), 1, &a, Int32(n), &x, 1)
        if info > 0 { throw .singular(info: info) }
        if info < 0 { throw .invalidArgument(info: info) }
        return Array(x.prefix(n))
    }
}
