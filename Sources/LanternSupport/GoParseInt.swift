/// Why Go's `strconv.ParseInt` rejects a text.
public enum GoIntParseFailure: Error, Sendable, Equatable {
    /// `invalid syntax`
    case syntax
    /// `value out of range`
    case range
}

/// Go's `strconv.ParseInt(text, 0, 64)`: an optional sign, then a `0x`/`0o`/`0b` prefix,
/// a leading `0` for octal, or decimal, with `_` allowed between digits. kingpin's int
/// flags and procfs's value parser both read integers this way.
public func goParseInt64(_ text: Substring) throws(GoIntParseFailure) -> Int64 {
    if let value = plainDecimalInt64(text) { return value }
    var digits = text
    var negative = false
    if let sign = digits.first, sign == "+" || sign == "-" {
        negative = sign == "-"
        digits = digits.dropFirst()
    }
    var radix = 10
    let lowered = digits.lowercased()
    if lowered.hasPrefix("0x") { radix = 16; digits = digits.dropFirst(2) }
    else if lowered.hasPrefix("0o") { radix = 8; digits = digits.dropFirst(2) }
    else if lowered.hasPrefix("0b") { radix = 2; digits = digits.dropFirst(2) }
    else if digits.count > 1 && digits.first == "0" { radix = 8; digits = digits.dropFirst() }

    if digits.contains("_") {
        // Go allows `_` only between digits (or right after a base prefix).
        if digits.hasSuffix("_") || digits.contains("__") || (radix == 10 && digits.hasPrefix("_")) {
            throw .syntax
        }
        digits = Substring(digits.filter { $0 != "_" })
    }
    guard !digits.isEmpty, digits.allSatisfy({ $0.isHexDigit }) else { throw .syntax }
    guard let magnitude = UInt64(digits, radix: radix) else {
        // All characters were hex digits, so failure is either a digit beyond the radix or overflow.
        if digits.allSatisfy({ Int(String($0), radix: radix) != nil }) { throw .range }
        throw .syntax
    }
    if negative {
        guard magnitude <= UInt64(Int64.max) + 1 else { throw .range }
        return magnitude == UInt64(Int64.max) + 1 ? Int64.min : -Int64(magnitude)
    }
    guard magnitude <= UInt64(Int64.max) else { throw .range }
    return Int64(magnitude)
}

/// A plain decimal: an optional `-`, then 1 to 18 digits without a leading 0. It is what
/// the kernel writes, and Go's base-0 parse reads it as written, so it is read here byte by
/// byte, without the general path's lowercased copy and per-character checks. Nil for
/// anything else (a base prefix, a leading 0, `_`, `+`, more digits), which the general
/// path decides.
func plainDecimalInt64(_ text: Substring) -> Int64? {
    var bytes = text.utf8[...]
    let negative = bytes.first == UInt8(ascii: "-")
    if negative { bytes = bytes.dropFirst() }
    guard let first = bytes.first, bytes.count <= 18, first != UInt8(ascii: "0") || bytes.count == 1 else { return nil }
    var value: Int64 = 0
    for byte in bytes {
        let digit = byte &- UInt8(ascii: "0")
        guard digit < 10 else { return nil }
        value = value * 10 + Int64(digit)
    }
    return negative ? -value : value
}
