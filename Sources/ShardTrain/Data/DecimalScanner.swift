/// A fast scanner for decimal numbers in text, over raw bytes.
///
/// Grammar: `[+-]? (digits [. digits?] | . digits) ([eE] [+-]? digits)?`, plus `nan`, `inf` and
/// `infinity` in any case (recognized so that callers can report them as non-finite).
///
/// The scanner keeps up to 19 significant digits in a `UInt64` mantissa and a base-10 exponent.
/// Conversion then takes an exact fast path where the mantissa and the power of ten are both
/// exactly representable (Clinger's condition), so that one IEEE multiplication or division
/// gives the correctly rounded result; every other input (more than 19 significant digits,
/// large exponents, a `Double` result that falls exactly halfway between two `Float`s) goes
/// through the standard library's correctly rounded parser on the token's bytes.
enum DecimalScanner {
    /// What a scan found.
    enum Kind: UInt8 {
        case number, notANumber, infinity, invalid
    }

    /// The result of a scan: the value as `±mantissa × 10^exponent` and where the token ended.
    struct Token {
        var kind: Kind
        var negative: Bool
        /// Up to 19 significant digits.
        var mantissa: UInt64
        /// The power of ten that scales `mantissa`.
        var exponent: Int
        /// `false` when nonzero digits past the 19th were dropped.
        var isExact: Bool
        /// The first byte after the token (for `.invalid`, where scanning stopped).
        var end: UnsafePointer<UInt8>
    }

    /// Scans one number starting at `start`, reading no further than `end`.
    ///
    /// Stops at the first byte that cannot continue the number; the caller checks that this
    /// byte is a valid terminator for its format.
    @inline(__always)
    static func scan(_ start: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>) -> Token {
        var p = start
        var negative = false
        if p < end {
            if p.pointee == UInt8(ascii: "-") { negative = true; p += 1 } else if p.pointee == UInt8(ascii: "+") { p += 1 }
        }
        var mantissa: UInt64 = 0
        var significant = 0
        var exponent = 0
        var isExact = true
        var sawDigit = false
        while p < end {
            let digit = p.pointee &- 48
            if digit > 9 { break }
            sawDigit = true
            if significant < 19 {
                mantissa = mantissa &* 10 &+ UInt64(digit)
                if mantissa != 0 { significant += 1 }
            } else {
                exponent += 1
                if digit != 0 { isExact = false }
            }
            p += 1
        }
        if p < end && p.pointee == UInt8(ascii: ".") {
            p += 1
            while p < end {
                let digit = p.pointee &- 48
                if digit > 9 { break }
                sawDigit = true
                if significant < 19 {
                    mantissa = mantissa &* 10 &+ UInt64(digit)
                    exponent -= 1
                    if mantissa != 0 { significant += 1 }
                } else if digit != 0 {
                    isExact = false
                }
                p += 1
            }
        }
        guard sawDigit else { return scanSpecial(start: start, after: p, end: end, negative: negative) }
        if p < end && (p.pointee | 0x20) == UInt8(ascii: "e") {
            var q = p + 1
            var exponentNegative = false
            if q < end {
                if q.pointee == UInt8(ascii: "-") { exponentNegative = true; q += 1 } else if q.pointee == UInt8(ascii: "+") { q += 1 }
            }
            var value = 0
            var sawExponentDigit = false
            while q < end {
                let digit = q.pointee &- 48
                if digit > 9 { break }
                sawExponentDigit = true
                if value < 100_000 { value = value * 10 + Int(digit) }
                q += 1
            }
            guard sawExponentDigit else {
                return Token(kind: .invalid, negative: negative, mantissa: 0, exponent: 0, isExact: true, end: q)
            }
            exponent += exponentNegative ? -value : value
            p = q
        }
        return Token(kind: .number, negative: negative, mantissa: mantissa, exponent: exponent, isExact: isExact, end: p)
    }

    /// Recognizes `nan`, `inf` and `infinity` (any case) after an optional sign.
    private static func scanSpecial(start: UnsafePointer<UInt8>, after p: UnsafePointer<UInt8>,
                                    end: UnsafePointer<UInt8>, negative: Bool) -> Token {
        func matches(_ word: StaticString) -> Bool {
            let count = word.utf8CodeUnitCount
            guard end - p >= count else { return false }
            let letters = word.utf8Start
            for i in 0 ..< count where (p[i] | 0x20) != letters[i] { return false }
            return true
        }
        if matches("infinity") {
            return Token(kind: .infinity, negative: negative, mantissa: 0, exponent: 0, isExact: true, end: p + 8)
        }
        if matches("inf") {
            return Token(kind: .infinity, negative: negative, mantissa: 0, exponent: 0, isExact: true, end: p + 3)
        }
        if matches("nan") {
            return Token(kind: .notANumber, negative: negative, mantissa: 0, exponent: 0, isExact: true, end: p + 3)
        }
        return Token(kind: .invalid, negative: negative, mantissa: 0, exponent: 0, isExact: true, end: p)
    }

    /// The `Float` nearest to a `.number` token that starts at `start` (correctly rounded;
    /// may be infinite when the value overflows `Float`).
    @inline(__always)
    static func float(_ token: Token, start: UnsafePointer<UInt8>) -> Float {
        let m = token.mantissa, e = token.exponent
        if m == 0 { return token.negative ? -0.0 : 0 }
        if token.isExact {
            if m <= 1 << 24 && e >= -10 && e <= 10 {
                // Both operands exact in Float: one correctly rounded operation.
                var value = Float(m)
                if e < 0 { value /= floatPowersOfTen[-e] } else if e > 0 { value *= floatPowersOfTen[e] }
                return token.negative ? -value : value
            }
            if m <= 1 << 53 && e >= -22 && e <= 22 {
                var value = Double(m)
                if e < 0 { value /= doublePowersOfTen[-e] } else if e > 0 { value *= doublePowersOfTen[e] }
                // Rounding the correctly rounded Double to Float is correct unless the Double
                // sits exactly halfway between two Floats (the exact value may not).
                if value.bitPattern & 0x1FFF_FFFF != 0x1000_0000 {
                    return Float(token.negative ? -value : value)
                }
            }
        }
        return Float(text(start, token.end)) ?? .nan
    }

    /// The `Double` nearest to a `.number` token that starts at `start` (correctly rounded;
    /// may be infinite when the value overflows `Double`).
    @inline(__always)
    static func double(_ token: Token, start: UnsafePointer<UInt8>) -> Double {
        let m = token.mantissa, e = token.exponent
        if m == 0 { return token.negative ? -0.0 : 0 }
        if token.isExact && m <= 1 << 53 && e >= -22 && e <= 22 {
            var value = Double(m)
            if e < 0 { value /= doublePowersOfTen[-e] } else if e > 0 { value *= doublePowersOfTen[e] }
            return token.negative ? -value : value
        }
        return Double(text(start, token.end)) ?? .nan
    }

    /// The bytes `start ..< end` as a string (for the slow path and for messages).
    static func text(_ start: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>) -> String {
        String(decoding: UnsafeBufferPointer(start: start, count: end - start), as: UTF8.self)
    }

    /// 10⁰ … 10¹⁰, all exact in `Float`.
    private static let floatPowersOfTen: [Float] = (0 ... 10).map { Float(exactPowerOfTen($0)) }
    /// 10⁰ … 10²², all exact in `Double`.
    private static let doublePowersOfTen: [Double] = (0 ... 22).map { exactPowerOfTen($0) }

    private static func exactPowerOfTen(_ n: Int) -> Double {
        var value: Double = 1
        for _ in 0 ..< n { value *= 10 }  // exact up to 10²²
        return value
    }
}
