import Dispatch

/// The memory-bandwidth floor of a pass over data: the time to just read every byte once.
///
/// A training pass cannot be faster than reading its feature matrix, so kernels are reported as
/// a ratio to this baseline, measured on the same buffer in the same run.
public enum StreamRead {
    /// Sums every float of `values` with wide vector loads and independent accumulators, so the
    /// loop is limited by memory, not by add latency. Returns the sum so the read cannot be
    /// optimized away.
    public static func sum(_ values: UnsafeBufferPointer<Float>) -> Float {
        guard let base = values.baseAddress else { return 0 }
        let raw = UnsafeRawPointer(base)
        let stride = MemoryLayout<SIMD16<Float>>.size
        let vectors = values.count / 16
        var a = SIMD16<Float>(), b = SIMD16<Float>(), c = SIMD16<Float>(), d = SIMD16<Float>()
        var i = 0
        while i + 4 <= vectors {
            a += raw.loadUnaligned(fromByteOffset: i * stride, as: SIMD16<Float>.self)
            b += raw.loadUnaligned(fromByteOffset: (i + 1) * stride, as: SIMD16<Float>.self)
            c += raw.loadUnaligned(fromByteOffset: (i + 2) * stride, as: SIMD16<Float>.self)
            d += raw.loadUnaligned(fromByteOffset: (i + 3) * stride, as: SIMD16<Float>.self)
            i += 4
        }
        while i < vectors {
            a += raw.loadUnaligned(fromByteOffset: i * stride, as: SIMD16<Float>.self)
            i += 1
        }
        var total = (a + b + c + d).sum()
        for j in vectors * 16 ..< values.count { total += values[j] }
        return total
    }

    /// Reads `values` with `threads` threads, each summing one contiguous part: the memory
    /// bandwidth floor for `threads` workers sharing the machine.
    public static func parallelSum(_ values: UnsafeBufferPointer<Float>, threads: Int) -> Float {
        let parts = max(1, threads)
        var sums = [Float](repeating: 0, count: parts)
        sums.withUnsafeMutableBufferPointer { out in
            nonisolated(unsafe) let out = out
            nonisolated(unsafe) let values = values
            DispatchQueue.concurrentPerform(iterations: parts) { k in
                let lower = values.count * k / parts, upper = values.count * (k + 1) / parts
                out[k] = sum(UnsafeBufferPointer(rebasing: values[lower ..< upper]))
            }
        }
        return sums.reduce(0, +)
    }
}
