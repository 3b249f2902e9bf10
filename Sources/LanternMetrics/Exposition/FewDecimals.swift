extension GoFloat {
    /// Appends `strconv.FormatFloat(x, 'g', -1, 64)` for the values metrics mostly carry
    /// that are not integers, a few decimal places (seconds, ratios, load averages),
    /// without formatting Swift's `description` (a heap string for most values) and
    /// taking its digits apart. Returns false, having appended nothing, for the rest.
    ///
    /// For k = 1, 2, ... the integer m nearest to |x|·10^k is tried: the first that
    /// reads back as x (m / 10^k with m < 2^53 and k <= 22 is one correctly rounded
    /// division, as in Clinger's fast path) has the fewest digits, and being the nearest
    /// (worked out exactly from x's binary significand) it is the closest of them, as Go
    /// and Swift choose. Left out: powers of two (their rounding interval is lopsided, so
    /// the nearest m need not be the one in it), subnormals, an exact tie, more digits
    /// than 2^53 holds. (Integers come out right too; `append` writes them first.)
    static func appendFewDecimals(_ x: Double, to buffer: inout [UInt8]) -> Bool {
        guard let (significant, places) = fewDecimals(of: x.magnitude) else { return false }
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { text in
            var start = text.count
            var remaining = significant
            repeat {
                start -= 1
                text[start] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: remaining % 10)
                remaining /= 10
            } while remaining > 0
            let digits = UnsafeBufferPointer(rebasing: text[start...])
            ShortestDigits.layOut(digits, decimalPoint: digits.count - places, negative: x < 0, into: &buffer)
        }
        return true
    }

    /// The shortest m × 10^-places (m without trailing zeros) that reads back as
    /// `magnitude`, when it is one of those described above.
    private static func fewDecimals(of magnitude: Double) -> (significant: UInt64, places: Int)? {
        guard magnitude.isNormal, magnitude.significandBitPattern != 0, magnitude < 9_007_199_254_740_992 else {
            return nil
        }
        var power10: Double = 1
        for places in 1...22 {
            power10 *= 10
            let scaled = magnitude * power10
            guard scaled < 9_007_199_254_740_992 else { return nil }
            // A screen in floating point: the rounded product is within one of the exact
            // nearest integer, so if none of the three reads back, no m with this many
            // places does (the rounding interval is symmetric: if any m is inside it, the
            // nearest is).
            let guess = scaled.rounded()
            guard (guess - 1) / power10 == magnitude || guess / power10 == magnitude || (guess + 1) / power10 == magnitude
            else { continue }
            guard var significant = nearestInteger(to: magnitude, times10ToThe: places),
                  Double(significant) / power10 == magnitude
            else { return nil }
            var shortened = places
            while significant % 10 == 0 {
                significant /= 10
                shortened -= 1
            }
            return (significant, shortened)
        }
        return nil
    }

    /// The integer nearest to magnitude·10^places, exactly (magnitude = significand ·
    /// 2^exponent, times 5^places · 2^places); nil when it is exactly between two.
    private static func nearestInteger(to magnitude: Double, times10ToThe places: Int) -> UInt64? {
        var power5: UInt128 = 1
        for _ in 0..<places { power5 *= 5 }
        let product = UInt128(magnitude.significandBitPattern | (1 << 52)) * power5
        let shift = 52 - Int(magnitude.exponent) - places
        if shift <= 0 { return UInt64(product << -shift) }
        guard shift < 127 else { return 0 }
        let half = UInt128(1) << (shift - 1)
        let remainder = product & ((half << 1) - 1)
        if remainder == half { return nil }
        return UInt64((product >> shift) + (remainder > half ? 1 : 0))
    }
}
