import LanternMetrics

/// Go's `strconv.FormatFloat(x, 'f', -1, 64)`: the shortest round-tripping digits, never
/// in exponent form. count_values uses it for the label values it creates.
func formatFixed(_ value: Double) -> String {
    let shortest = GoFloat.format(value)
    guard let exponentIndex = shortest.firstIndex(where: { $0 == "e" }) else { return shortest }
    let exponent = Int(shortest[shortest.index(after: exponentIndex)...])!
    var mantissa = String(shortest[..<exponentIndex])
    let negative = mantissa.hasPrefix("-")
    if negative { mantissa.removeFirst() }
    let parts = mantissa.split(separator: ".", omittingEmptySubsequences: false)
    let digits = String(parts[0]) + (parts.count > 1 ? String(parts[1]) : "")
    // Position of the decimal point within `digits` after applying the exponent.
    let point = parts[0].count + exponent
    var result: String
    if point <= 0 {
        result = "0." + String(repeating: "0", count: -point) + digits
    } else if point >= digits.count {
        result = digits + String(repeating: "0", count: point - digits.count)
    } else {
        result = String(digits.prefix(point)) + "." + String(digits.dropFirst(point))
    }
    if negative { result = "-" + result }
    return result
}
