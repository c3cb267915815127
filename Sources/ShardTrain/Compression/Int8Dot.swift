/// The int8 × int8 → int32 dot product of quantized inference.
///
/// 32 pairs at a time: both vectors are widened to 16-bit lanes, multiplied (a product of two
/// int8 values, at most 128² = 16 384, fits 16 bits), and adjacent products are added into
/// 32-bit lanes — the pattern x86's `pmaddwd` and ARM's `smlal` compute in one instruction.
/// The sum is exact: `count` up to 2³¹ / 16 384 = 131 072 per call cannot overflow, and callers
/// split longer rows.
enum Int8Dot {
    /// The longest vectors one call accepts without overflowing 32 bits.
    static let maximumCount = 131_072

    /// `Σᵢ a[i]·b[i]` over `count` elements.
    @inline(__always)
    static func dot(_ a: UnsafePointer<Int8>, _ b: UnsafePointer<Int8>, count: Int) -> Int32 {
        var sum0 = SIMD8<Int32>.zero, sum1 = SIMD8<Int32>.zero
        let rawA = UnsafeRawPointer(a), rawB = UnsafeRawPointer(b)
        var i = 0
        while i + 32 <= count {
            let x = rawA.loadUnaligned(fromByteOffset: i, as: SIMD32<Int8>.self)
            let y = rawB.loadUnaligned(fromByteOffset: i, as: SIMD32<Int8>.self)
            let low = SIMD16<Int16>(truncatingIfNeeded: x.lowHalf) &* SIMD16<Int16>(truncatingIfNeeded: y.lowHalf)
            let high = SIMD16<Int16>(truncatingIfNeeded: x.highHalf) &* SIMD16<Int16>(truncatingIfNeeded: y.highHalf)
            sum0 &+= SIMD8<Int32>(truncatingIfNeeded: low.evenHalf) &+ SIMD8<Int32>(truncatingIfNeeded: low.oddHalf)
            sum1 &+= SIMD8<Int32>(truncatingIfNeeded: high.evenHalf) &+ SIMD8<Int32>(truncatingIfNeeded: high.oddHalf)
            i += 32
        }
        var total = (sum0 &+ sum1).wrappedSum()
        while i < count {
            total &+= Int32(a[i]) &* Int32(b[i])
            i += 1
        }
        return total
    }

    /// `Σᵢ a[i]·b[i]` for vectors of any length, summed in 64 bits over chunks of
    /// ``maximumCount``.
    static func longDot(_ a: UnsafePointer<Int8>, _ b: UnsafePointer<Int8>, count: Int) -> Int64 {
        var total: Int64 = 0
        var start = 0
        while start < count {
            let length = min(maximumCount, count - start)
            total += Int64(dot(a + start, b + start, count: length))
            start += length
        }
        return total
    }
}
