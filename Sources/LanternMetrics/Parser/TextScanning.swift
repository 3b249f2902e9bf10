/// Byte-level helpers shared by the parser: character classes, number syntax
/// (Go's `strconv` rules) and Go's `%q` quoting for messages.
enum ASCII {
    static let newline: UInt8 = 0x0A
    static let tab: UInt8 = 0x09
    static let space: UInt8 = 0x20
    static let quote: UInt8 = 0x22
    static let hash: UInt8 = 0x23
    static let plus: UInt8 = 0x2B
    static let comma: UInt8 = 0x2C
    static let minus: UInt8 = 0x2D
    static let dot: UInt8 = 0x2E
    static let colon: UInt8 = 0x3A
    static let equals: UInt8 = 0x3D
    static let backslash: UInt8 = 0x5C
    static let underscore: UInt8 = 0x5F
    static let braceOpen: UInt8 = 0x7B
    static let braceClose: UInt8 = 0x7D

    @inline(__always) static func isBlankOrTab(_ c: UInt8) -> Bool { c == space || c == tab }
    @inline(__always) static func isDigit(_ c: UInt8) -> Bool { c &- 0x30 < 10 }
    @inline(__always) static func isLetter(_ c: UInt8) -> Bool { (c | 0x20) &- 0x61 < 26 }
    @inline(__always) static func isLabelNameStart(_ c: UInt8) -> Bool { isLetter(c) || c == underscore }
    @inline(__always) static func isLabelNameContinuation(_ c: UInt8) -> Bool { isLabelNameStart(c) || isDigit(c) }
    @inline(__always) static func isMetricNameStart(_ c: UInt8) -> Bool { isLabelNameStart(c) || c == colon }
    @inline(__always) static func isMetricNameContinuation(_ c: UInt8) -> Bool { isLabelNameContinuation(c) || c == colon }
}

enum NumberSyntax {
    /// Parses a float the way Prometheus does: Go's `strconv.ParseFloat` (decimal
    /// digits, `Inf`/`Infinity` with optional sign, `NaN`, case-insensitive), minus
    /// underscores and hex floats. Values too large for a Double are rejected, as
    /// Go reports them as a range error.
    static func parseFloat(_ text: UnsafeBufferPointer<UInt8>) -> Double? {
        let count = text.count
        guard count > 0 else { return nil }
        var index = 0
        var negative = false
        if text[0] == ASCII.plus || text[0] == ASCII.minus {
            negative = text[0] == ASCII.minus
            index = 1
        }
        if index < count, !ASCII.isDigit(text[index]), text[index] != ASCII.dot {
            if matchesIgnoringCase(text, from: index, "inf") || matchesIgnoringCase(text, from: index, "infinity") {
                return negative ? -.infinity : .infinity
            }
            if index == 0, matchesIgnoringCase(text, from: 0, "nan") { return .nan }
            return nil
        }
        // Decimal: mantissa digits with at most one dot, then an optional exponent.
        var mantissa: UInt64 = 0
        var significantDigits = 0
        var digitsSeen = 0
        var decimalExponent = 0
        var sawDot = false
        while index < count {
            let c = text[index]
            if ASCII.isDigit(c) {
                digitsSeen += 1
                if mantissa == 0 && c == 0x30 {
                    if sawDot { decimalExponent -= 1 }
                } else if significantDigits < 19 {
                    mantissa = mantissa &* 10 &+ UInt64(c &- 0x30)
                    significantDigits += 1
                    if sawDot { decimalExponent -= 1 }
                } else {
                    // Digits beyond what a UInt64 holds: only the slow path is exact.
                    significantDigits += 1
                    if !sawDot { decimalExponent += 1 }
                }
            } else if c == ASCII.dot && !sawDot {
                sawDot = true
            } else {
                break
            }
            index += 1
        }
        guard digitsSeen > 0 else { return nil }
        if index < count {
            guard text[index] | 0x20 == 0x65 else { return nil }  // 'e' or 'E'
            index += 1
            var exponentNegative = false
            if index < count, text[index] == ASCII.plus || text[index] == ASCII.minus {
                exponentNegative = text[index] == ASCII.minus
                index += 1
            }
            var exponent = 0
            var exponentDigits = 0
            while index < count, ASCII.isDigit(text[index]) {
                // Saturate: anything this large is already out of range either way.
                exponent = min(exponent * 10 + Int(text[index] &- 0x30), 1_000_000)
                exponentDigits += 1
                index += 1
            }
            guard exponentDigits > 0, index == count else { return nil }
            decimalExponent += exponentNegative ? -exponent : exponent
        }
        let magnitude: Double
        if mantissa == 0 {
            magnitude = 0
        } else if significantDigits <= 19, mantissa < 1 << 53, abs(decimalExponent) <= 22 {
            // Clinger's fast path: both operands are exact, so one rounding is correct.
            let powersOfTen: Double = exactPowersOfTen[abs(decimalExponent)]
            magnitude = decimalExponent < 0 ? Double(mantissa) / powersOfTen : Double(mantissa) * powersOfTen
        } else {
            // Rare: long or extreme numbers go through the C library's correctly rounded strtod.
            let start = negative || text[0] == ASCII.plus ? 1 : 0
            guard let slow = Double(String(decoding: UnsafeBufferPointer(rebasing: text[start...]), as: UTF8.self)) else { return nil }
            magnitude = slow
        }
        guard magnitude.isFinite else { return nil }
        return negative ? -magnitude : magnitude
    }

    private static let exactPowersOfTen: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ]

    private static func matchesIgnoringCase(_ text: UnsafeBufferPointer<UInt8>, from start: Int, _ word: StaticString) -> Bool {
        guard text.count - start == word.utf8CodeUnitCount else { return false }
        let wordBytes = UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)
        for offset in 0..<wordBytes.count where text[start + offset] | 0x20 != wordBytes[offset] {
            return false
        }
        return true
    }

    /// Go's `strconv.ParseInt(s, 10, 64)`: optional sign, decimal digits, no overflow.
    static func parseInt64(_ text: UnsafeBufferPointer<UInt8>) -> Int64? {
        var index = 0
        var negative = false
        if let first = text.first, first == ASCII.plus || first == ASCII.minus {
            negative = first == ASCII.minus
            index = 1
        }
        guard index < text.count else { return nil }
        var result: Int64 = 0
        while index < text.count {
            let c = text[index]
            guard ASCII.isDigit(c) else { return nil }
            let digit = Int64(c &- 0x30)
            // Accumulate negatively so Int64.min is representable.
            let (shifted, overflowA) = result.multipliedReportingOverflow(by: 10)
            let (next, overflowB) = shifted.subtractingReportingOverflow(digit)
            guard !overflowA, !overflowB else { return nil }
            result = next
            index += 1
        }
        if negative { return result }
        let (positive, overflow) = (0 as Int64).subtractingReportingOverflow(result)
        return overflow ? nil : positive
    }
}

enum GoQuoting {
    /// Go's `%q` of a string: double quotes, backslash escapes, `\x` for invalid
    /// UTF-8 and control bytes.
    static func quote<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> String {
        var result = "\""
        var scalars = [UInt8](bytes)[...]
        while let first = scalars.first {
            let length = UTF8Validation.sequenceLength(scalars)
            if length == 0 {
                result += hexEscape(first)
                scalars = scalars.dropFirst()
                continue
            }
            if length == 1 {
                result += escapeASCII(first, quote: "\"")
            } else {
                result += String(decoding: scalars.prefix(length), as: UTF8.self)
            }
            scalars = scalars.dropFirst(length)
        }
        return result + "\""
    }

    /// Go's `%q` of a byte, which Go formats as a rune literal: `'a'`, `'\n'`.
    static func quote(byte: UInt8) -> String {
        if byte < 0x80 { return "'" + escapeASCII(byte, quote: "'") + "'" }
        if byte < 0xA0 { return "'\\u00" + hexDigits(byte) + "'" }
        return "'" + String(Character(Unicode.Scalar(byte))) + "'"
    }

    private static func escapeASCII(_ c: UInt8, quote: String) -> String {
        switch c {
        case 0x07: return "\\a"
        case 0x08: return "\\b"
        case 0x0C: return "\\f"
        case 0x0A: return "\\n"
        case 0x0D: return "\\r"
        case 0x09: return "\\t"
        case 0x0B: return "\\v"
        case ASCII.backslash: return "\\\\"
        case _ where String(Character(Unicode.Scalar(c))) == quote: return "\\" + quote
        case _ where c < 0x20 || c == 0x7F: return hexEscape(c)
        default: return String(Character(Unicode.Scalar(c)))
        }
    }

    private static func hexEscape(_ c: UInt8) -> String { "\\x" + hexDigits(c) }

    private static func hexDigits(_ c: UInt8) -> String {
        let digits = Array("0123456789abcdef")
        return String(digits[Int(c >> 4)]) + String(digits[Int(c & 0xF)])
    }
}

enum UTF8Validation {
    /// Length of the valid UTF-8 sequence starting the bytes, or 0 when invalid.
    static func sequenceLength<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> Int {
        var iterator = bytes.makeIterator()
        guard let lead = iterator.next() else { return 0 }
        let length: Int
        var lowerBound: UInt8 = 0x80, upperBound: UInt8 = 0xBF
        switch lead {
        case 0x00...0x7F: return 1
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; lowerBound = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED: length = 3; upperBound = 0x9F
        case 0xF0: length = 4; lowerBound = 0x90
        case 0xF1...0xF3: length = 4
        case 0xF4: length = 4; upperBound = 0x8F
        default: return 0
        }
        for position in 1..<length {
            guard let next = iterator.next() else { return 0 }
            let low = position == 1 ? lowerBound : 0x80, high = position == 1 ? upperBound : 0xBF
            guard next >= low, next <= high else { return 0 }
        }
        return length
    }

    static func isValid(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var index = 0
        while index < bytes.count {
            if bytes[index] < 0x80 { index += 1; continue }
            let length = sequenceLength(UnsafeBufferPointer(rebasing: bytes[index...]))
            guard length > 0 else { return false }
            index += length
        }
        return true
    }

    /// Number of code points in valid UTF-8 (continuation bytes do not count).
    static func scalarCount(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        var count = 0
        for byte in bytes where byte & 0xC0 != 0x80 { count += 1 }
        return count
    }
}
