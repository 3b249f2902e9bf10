/// Float formatting compatible with Go, so that exposition bytes match node_exporter's.
///
/// `append(_:to:)` is Go's `strconv.FormatFloat(x, 'g', -1, 64)`: the shortest digits
/// that round-trip, in exponent form iff the decimal exponent is < -4 or >= 6.
/// The exposition writers of client_golang add their own special cases on top; those
/// are `appendPrometheusText` and `appendOpenMetrics`.
public enum GoFloat {
    /// `strconv.FormatFloat(x, 'g', -1, 64)`.
    public static func format(_ x: Double) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(24)
        append(x, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// client_golang's OpenMetrics float (`writeOpenMetricsFloat`) as a String.
    public static func formatOpenMetrics(_ x: Double) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(24)
        appendOpenMetrics(x, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends `strconv.FormatFloat(x, 'g', -1, 64)`. Special values are `NaN`, `+Inf`
    /// and `-Inf` (strconv itself prints `+Inf` for 'g'); negative zero is `-0`.
    public static func append(_ x: Double, to buffer: inout [UInt8]) {
        if x.isNaN {
            buffer.append(contentsOf: [0x4E, 0x61, 0x4E])  // NaN
            return
        }
        if x.isInfinite {
            buffer.append(x < 0 ? UInt8(ascii: "-") : UInt8(ascii: "+"))
            buffer.append(contentsOf: [0x49, 0x6E, 0x66])  // Inf
            return
        }
        if x == 0 {
            if x.sign == .minus { buffer.append(UInt8(ascii: "-")) }
            buffer.append(UInt8(ascii: "0"))
            return
        }
        // Below 2^53 every integer is exact and its neighbours are at most 1 apart, so
        // its own digits (minus trailing zeros) are the shortest round-trip digits.
        if x.rounded(.towardZero) == x && x.magnitude < 9_007_199_254_740_992 {
            appendIntegral(Int64(x), to: &buffer)
            return
        }
        if appendFewDecimals(x, to: &buffer) { return }
        ShortestDigits(x).layOut(negative: x < 0, into: &buffer)
    }

    /// The text format 0.0.4 writer's float (client_golang `writeFloat`): Go's 'g'
    /// format, except that both zeros print as `0` (Go tests `f == 0` first).
    @inlinable
    public static func appendPrometheusText(_ x: Double, to buffer: inout [UInt8]) {
        if x == 0 {
            buffer.append(UInt8(ascii: "0"))
        } else {
            append(x, to: &buffer)
        }
    }

    /// client_golang's `writeOpenMetricsFloat`: `1.0`, `0.0` (also for -0), `-1.0`, and
    /// `.0` appended to any 'g' output that has neither `.` nor `e`.
    public static func appendOpenMetrics(_ x: Double, to buffer: inout [UInt8]) {
        if x == 0 {
            buffer.append(contentsOf: [0x30, 0x2E, 0x30])  // 0.0
            return
        }
        if !x.isFinite {
            append(x, to: &buffer)
            return
        }
        let start = buffer.count
        append(x, to: &buffer)
        var hasPointOrExponent = false
        for index in start..<buffer.count where buffer[index] == UInt8(ascii: ".") || buffer[index] == UInt8(ascii: "e") {
            hasPointOrExponent = true
            break
        }
        if !hasPointOrExponent {
            buffer.append(contentsOf: [0x2E, 0x30])  // .0
        }
    }

    /// Appends a signed decimal integer (Go `strconv.AppendInt`).
    @inlinable
    public static func appendDecimal(_ value: Int64, to buffer: inout [UInt8]) {
        if value < 0 {
            buffer.append(UInt8(ascii: "-"))
        }
        appendDecimal(value.magnitude, to: &buffer)
    }

    /// Appends an unsigned decimal integer (Go `strconv.AppendUint`) without allocating.
    @inlinable
    public static func appendDecimal(_ value: UInt64, to buffer: inout [UInt8]) {
        if value < 10 {
            buffer.append(UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: value))
            return
        }
        // Digits from the last, into stack memory, then one append.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var start = digits.count
            var remaining = value
            while remaining > 0 {
                start -= 1
                digits[start] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: remaining % 10)
                remaining /= 10
            }
            buffer.append(contentsOf: UnsafeBufferPointer(rebasing: digits[start...]))
        }
    }

    /// Integral, nonzero, magnitude below 2^53: the common case for counters and gauges.
    private static func appendIntegral(_ value: Int64, to buffer: inout [UInt8]) {
        let magnitude = value.magnitude
        if magnitude < 1_000_000 {
            appendDecimal(value, to: &buffer)
            return
        }
        // Exponent form (the exponent is 6...15 here): the significant digits without
        // trailing zeros, a point after the first when there are more, then e+XX.
        var significand = magnitude
        var exponent = 0
        while significand % 10 == 0 {
            significand /= 10
            exponent += 1
        }
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 24) { text in
            var start = text.count
            var remaining = significand
            while remaining >= 10 {
                start -= 1
                text[start] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: remaining % 10)
                remaining /= 10
                exponent += 1
            }
            if start < text.count {
                start -= 1
                text[start] = UInt8(ascii: ".")
            }
            start -= 1
            text[start] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: remaining)
            if value < 0 {
                start -= 1
                text[start] = UInt8(ascii: "-")
            }
            buffer.append(contentsOf: UnsafeBufferPointer(rebasing: text[start...]))
        }
        buffer.append(UInt8(ascii: "e"))
        buffer.append(UInt8(ascii: "+"))
        buffer.append(UInt8(ascii: "0") &+ UInt8(exponent / 10))
        buffer.append(UInt8(ascii: "0") &+ UInt8(exponent % 10))
    }
}

/// Shortest round-trip decimal digits of a finite nonzero Double, as Go's `decimalSlice`:
/// value = 0.d1d2...dn × 10^decimalPoint, with no leading or trailing zero digits.
struct ShortestDigits {
    /// ASCII digits; at most 17 for a Double.
    var digits: [UInt8] = []
    var decimalPoint = 0

    /// Takes the digits from Swift's `description`, which is also shortest round-trip
    /// (and, like Go, picks the closest of several shortest candidates), and
    /// normalizes whichever layout Swift chose ("1e-05", "0.0001", "12345.678", "1e+16").
    init(_ x: Double) {
        digits.reserveCapacity(17)
        var pointPosition: Int?
        var exponent = 0
        var exponentNegative = false
        var inExponent = false
        for byte in x.description.utf8 {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                if inExponent {
                    exponent = exponent * 10 + Int(byte &- UInt8(ascii: "0"))
                } else {
                    digits.append(byte)
                }
            case UInt8(ascii: "."):
                pointPosition = digits.count
            case UInt8(ascii: "e"), UInt8(ascii: "E"):
                inExponent = true
            case UInt8(ascii: "-"):
                if inExponent { exponentNegative = true }
            default:
                break
            }
        }
        decimalPoint = (pointPosition ?? digits.count) + (exponentNegative ? -exponent : exponent)
        let leadingZeros = digits.prefix { $0 == UInt8(ascii: "0") }.count
        digits.removeFirst(leadingZeros)
        decimalPoint -= leadingZeros
        while digits.last == UInt8(ascii: "0") {
            digits.removeLast()
        }
    }

    /// Go's 'g' with shortest precision: %e iff exponent < -4 or >= 6 (Go uses precision
    /// 6 for this test when asked for the shortest form), else %f with just the digits.
    func layOut(negative: Bool, into buffer: inout [UInt8]) {
        digits.withUnsafeBufferPointer { Self.layOut($0, decimalPoint: decimalPoint, negative: negative, into: &buffer) }
    }

    /// The same for digits d1...dn and the value 0.d1...dn × 10^decimalPoint.
    static func layOut(_ digits: UnsafeBufferPointer<UInt8>, decimalPoint: Int, negative: Bool, into buffer: inout [UInt8]) {
        if negative { buffer.append(UInt8(ascii: "-")) }
        let exponent = decimalPoint - 1
        if exponent < -4 || exponent >= 6 {
            buffer.append(digits[0])
            if digits.count > 1 {
                buffer.append(UInt8(ascii: "."))
                buffer.append(contentsOf: UnsafeBufferPointer(rebasing: digits[1...]))
            }
            buffer.append(UInt8(ascii: "e"))
            buffer.append(exponent < 0 ? UInt8(ascii: "-") : UInt8(ascii: "+"))
            let magnitude = exponent.magnitude
            if magnitude < 10 { buffer.append(UInt8(ascii: "0")) }
            GoFloat.appendDecimal(UInt64(magnitude), to: &buffer)
        } else if decimalPoint <= 0 {
            buffer.append(contentsOf: [UInt8(ascii: "0"), UInt8(ascii: ".")])
            buffer.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: -decimalPoint))
            buffer.append(contentsOf: digits)
        } else if decimalPoint >= digits.count {
            buffer.append(contentsOf: digits)
            buffer.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: decimalPoint - digits.count))
        } else {
            buffer.append(contentsOf: UnsafeBufferPointer(rebasing: digits[..<decimalPoint]))
            buffer.append(UInt8(ascii: "."))
            buffer.append(contentsOf: UnsafeBufferPointer(rebasing: digits[decimalPoint...]))
        }
    }
}
