import LanternMetrics

/// Go's `strconv.FormatFloat(v, 'e', -1, 64)` (`1.5e+00`, `-2e-07`): how Prometheus'
/// API shows alert values; promtool prints its 'E' twin.
public enum GoExponent {
    public static func format(_ value: Double, uppercase: Bool = false) -> String {
        let text = lowercase(value)
        return uppercase && value.isFinite ? text.uppercased() : text
    }

    private static func lowercase(_ value: Double) -> String {
        guard value.isFinite else { return GoFloat.format(value) }
        if value == 0 { return value.sign == .minus ? "-0e+00" : "0e+00" }
        let shortest = GoFloat.format(value.magnitude)
        var mantissa = shortest
        var exponent = 0
        if let marker = shortest.firstIndex(of: "e") {
            mantissa = String(shortest[..<marker])
            exponent = Int(shortest[shortest.index(after: marker)...])!
        }
        let parts = mantissa.split(separator: ".", omittingEmptySubsequences: false)
        var digits = String(parts[0]) + (parts.count > 1 ? String(parts[1]) : "")
        exponent += parts[0].count - 1
        // Leading zeros (0.00123) move the point right.
        while digits.hasPrefix("0") {
            digits.removeFirst()
            exponent -= 1
        }
        while digits.count > 1 && digits.hasSuffix("0") { digits.removeLast() }
        let body = digits.count > 1 ? String(digits.prefix(1)) + "." + String(digits.dropFirst()) : digits
        let magnitude = abs(exponent)
        return (value < 0 ? "-" : "") + body + "e" + (exponent < 0 ? "-" : "+") + (magnitude < 10 ? "0" : "") + String(magnitude)
    }
}
