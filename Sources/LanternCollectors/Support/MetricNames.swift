/// node_exporter's `SanitizeMetricName`: each run of characters outside `[A-Za-z0-9_]`,
/// with the underscores around it, becomes one `_`.
func sanitizedMetricName(_ name: String) -> String {
    func isAllowed(_ scalar: Unicode.Scalar) -> Bool {
        (scalar >= "a" && scalar <= "z") || (scalar >= "A" && scalar <= "Z") || (scalar >= "0" && scalar <= "9") || scalar == "_"
    }
    let scalars = Array(name.unicodeScalars)
    var result = String.UnicodeScalarView()
    var position = 0
    while position < scalars.count {
        // A match is `_*[^0-9A-Za-z_]+_*` starting here; leading underscores belong to it
        // only when an invalid character follows them.
        var end = position
        while end < scalars.count && scalars[end] == "_" { end += 1 }
        var invalidEnd = end
        while invalidEnd < scalars.count && !isAllowed(scalars[invalidEnd]) { invalidEnd += 1 }
        if invalidEnd > end {
            while invalidEnd < scalars.count && scalars[invalidEnd] == "_" { invalidEnd += 1 }
            result.append("_")
            position = invalidEnd
        } else {
            result.append(scalars[position])
            position += 1
        }
    }
    return String(result)
}
