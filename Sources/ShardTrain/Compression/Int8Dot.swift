/// The int8 × int8 → int32 dot product of quantized inference.
///
/// The weight levels are widened to 16 bits once per model (``LinearModel`` keeps them as
/// `Int16` in its scorer), the inputs stay 8-bit; the loop is a plain multiply-accumulate
/// that the compiler vectorizes into `pmaddwd` (x86) or `smlal` (ARM) on 128-bit registers
/// (256-bit with AVX2 when the build targets it). Measured on one Zen core, 100 000 × 1 000:
/// this form takes 17 ms where int8 × int8 operands take 24 ms and a hand-written
/// `SIMD32<Int8>` widening version 27 ms (the widening shuffles dominate without SSE4.1's
/// `pmovsxbw`); see docs/measurements.md.
///
/// The sum is exact: a product of two levels is at most 128² = 16 384, so `count` up to
/// 2³¹ / 16 384 − 1 = 131 071 cannot overflow 32 bits (131 072 products of −128 · −128 would
/// reach 2³¹); ``longDot(_:_:count:)`` splits longer rows.
enum Int8Dot {
    /// The longest vectors one call accepts without overflowing 32 bits.
    static let maximumCount = 131_071

    /// `Σᵢ w[i]·x[i]` over `count` elements (`w` holds int8 levels widened to 16 bits).
    @inline(__always)
    static func dot(_ w: UnsafePointer<Int16>, _ x: UnsafePointer<Int8>, count: Int) -> Int32 {
        var total: Int32 = 0
        for i in 0 ..< count { total &+= Int32(w[i]) &* Int32(x[i]) }
        return total
    }

    /// `Σᵢ w[i]·x[i]` for vectors of any length, summed in 64 bits over chunks of
    /// ``maximumCount``.
    static func longDot(_ w: UnsafePointer<Int16>, _ x: UnsafePointer<Int8>, count: Int) -> Int64 {
        var total: Int64 = 0
        var start = 0
        while start < count {
            let length = min(maximumCount, count - start)
            total += Int64(dot(w + start, x + start, count: length))
            start += length
        }
        return total
    }
}
