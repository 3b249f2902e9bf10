/// Go's `strconv.ParseFloat(s, 64)` for the spellings Prometheus data uses: decimal,
/// exponent, hex integers are not floats there, and the case-insensitive words
/// `Inf`, `+Inf`, `-Inf`, `Infinity` and `NaN`.
func parseGoFloat(_ text: String) -> Double? {
    let lower = text.lowercased()
    switch lower {
    case "inf", "+inf", "infinity", "+infinity": return .infinity
    case "-inf", "-infinity": return -.infinity
    case "nan": return .nan
    default:
        guard !lower.isEmpty, lower.allSatisfy({ "0123456789.eE+-_".contains($0) }), !lower.contains("_") else { return nil }
        return Double(text)
    }
}
