import LanternSupport

/// Duration parsing in the two syntaxes the Prometheus tools accept on their command lines.

/// A duration that did not parse, with the message the Go implementation gives.
public struct DurationParseError: Error, Equatable, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}

/// Seconds in `text`, read as a kingpin duration, or else as a Prometheus model duration
/// (so that `ParsedFlags.duration` serves flags of both kinds).
public func parseDuration(_ text: String) throws -> Double {
    do {
        return Double(try parseGoDuration(text)) / 1e9
    } catch {
        guard let milliseconds = try? parseModelDuration(text) else { throw error }
        return Double(milliseconds) / 1e3
    }
}

/// Nanoseconds in `text`, with the syntax of Go's `time.ParseDuration` extended with `d` (24h)
/// and `w` (7d), as kingpin v2 parses durations (through xhit/go-str2duration).
/// Error messages are Go's: `time: invalid duration "x"`, `time: missing unit in duration "1"`,
/// `time: unknown unit "x" in duration "1x"`.
public func parseGoDuration(_ text: String) throws(DurationParseError) -> Int64 {
    let original = text
    var rest = Substring(text)
    func invalid() -> DurationParseError { DurationParseError(message: "time: invalid duration \(goQuote(original))") }

    var negative = false
    if let sign = rest.first, sign == "-" || sign == "+" {
        negative = sign == "-"
        rest = rest.dropFirst()
    }
    if rest == "0" { return 0 }
    if rest.isEmpty { throw invalid() }

    let limit = UInt64(1) << 63
    var total: UInt64 = 0
    while !rest.isEmpty {
        guard let first = rest.first, first == "." || first.isASCIIDigit else { throw invalid() }

        // Integer part; overflow is an invalid duration, as in Go.
        var whole: UInt64 = 0
        let wholeDigits = rest.prefix(while: \.isASCIIDigit)
        for digit in wholeDigits.utf8 {
            let (times10, overflowA) = whole.multipliedReportingOverflow(by: 10)
            let (sum, overflowB) = times10.addingReportingOverflow(UInt64(digit - 48))
            if overflowA || overflowB || sum > limit { throw invalid() }
            whole = sum
        }
        rest = rest.dropFirst(wholeDigits.count)

        // Fraction part: digits past 18 only lose precision, as Go's leadingFraction does.
        var fraction: UInt64 = 0
        var scale: Double = 1
        var fractionDigits = 0
        if rest.first == "." {
            rest = rest.dropFirst()
            let digits = rest.prefix(while: \.isASCIIDigit)
            fractionDigits = digits.count
            var overflowed = false
            for digit in digits.utf8 where !overflowed {
                let (times10, overflowA) = fraction.multipliedReportingOverflow(by: 10)
                let (sum, overflowB) = times10.addingReportingOverflow(UInt64(digit - 48))
                if overflowA || overflowB || sum > limit { overflowed = true; continue }
                fraction = sum
                scale *= 10
            }
            rest = rest.dropFirst(digits.count)
        }
        if wholeDigits.isEmpty && fractionDigits == 0 { throw invalid() }

        let unitText = rest.prefix(while: { $0 != "." && !$0.isASCIIDigit })
        if unitText.isEmpty {
            throw DurationParseError(message: "time: missing unit in duration \(goQuote(original))")
        }
        rest = rest.dropFirst(unitText.count)
        guard let unit = goDurationUnits[String(unitText)] else {
            throw DurationParseError(
                message: "time: unknown unit \(goQuote(String(unitText))) in duration \(goQuote(original))")
        }
        if whole > limit / unit { throw invalid() }
        var value = whole * unit
        if fraction > 0 {
            value += UInt64(Double(fraction) * (Double(unit) / scale))
            if value > limit { throw invalid() }
        }
        total += value
        if total > limit { throw invalid() }
    }
    if negative { return total == limit ? Int64.min : -Int64(total) }
    if total > limit - 1 { throw invalid() }
    return Int64(total)
}

private let goDurationUnits: [String: UInt64] = [
    "ns": 1,
    "us": 1_000, "\u{00B5}s": 1_000, "\u{03BC}s": 1_000,
    "ms": 1_000_000,
    "s": 1_000_000_000,
    "m": 60_000_000_000,
    "h": 3_600_000_000_000,
    "d": 86_400_000_000_000,
    "w": 604_800_000_000_000,
]

/// Milliseconds in `text`, with the syntax of Prometheus' `model.ParseDuration`: `0`, or integer
/// amounts of `y w d h m s ms`, each unit at most once and largest first (`1y` is 365 days).
public func parseModelDuration(_ text: String) throws(DurationParseError) -> Int64 {
    if text == "0" { return 0 }
    if text.isEmpty { throw DurationParseError(message: "empty duration string") }
    func invalid() -> DurationParseError {
        DurationParseError(message: "not a valid duration string: \(goQuote(text))")
    }

    var rest = Substring(text)
    var totalNanoseconds: UInt64 = 0
    var lastUnitRank = 0
    while !rest.isEmpty {
        let digits = rest.prefix(while: \.isASCIIDigit)
        guard !digits.isEmpty, let amount = UInt64(digits) else { throw invalid() }
        rest = rest.dropFirst(digits.count)
        let unitText = rest.prefix(while: { !$0.isASCIIDigit })
        if unitText.isEmpty { throw invalid() }
        rest = rest.dropFirst(unitText.count)
        guard let unit = modelDurationUnits[String(unitText)] else {
            throw DurationParseError(
                message: "unknown unit \(goQuote(String(unitText))) in duration \(goQuote(text))")
        }
        if unit.rank <= lastUnitRank { throw invalid() }
        lastUnitRank = unit.rank
        // model.Duration is a time.Duration underneath, hence the nanosecond range check.
        if amount > (UInt64(1) << 63) / unit.nanoseconds {
            throw DurationParseError(message: "duration out of range")
        }
        totalNanoseconds += amount * unit.nanoseconds
        if totalNanoseconds > UInt64(Int64.max) { throw DurationParseError(message: "duration out of range") }
    }
    return Int64(totalNanoseconds / 1_000_000)
}

private let modelDurationUnits: [String: (rank: Int, nanoseconds: UInt64)] = [
    "y": (1, 365 * 86_400_000_000_000),
    "w": (2, 7 * 86_400_000_000_000),
    "d": (3, 86_400_000_000_000),
    "h": (4, 3_600_000_000_000),
    "m": (5, 60_000_000_000),
    "s": (6, 1_000_000_000),
    "ms": (7, 1_000_000),
]

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
