/// Prometheus' template humanizers, digit for digit (`%.4g` with SI or binary prefixes).
enum Humanize {
    static func metric(_ input: Double) -> String {
        var value = input
        var prefix = ""
        if abs(value) >= 1 {
            for candidate in ["k", "M", "G", "T", "P", "E", "Z", "Y"] {
                if abs(value) < 1000 { break }
                prefix = candidate
                value /= 1000
            }
        } else {
            value = scaleUp(value, prefix: &prefix)
        }
        return GoFormat.g(value, precision: 4) + prefix
    }

    static func binary(_ input: Double) -> String {
        var value = input
        if abs(value) <= 1 { return GoFormat.g(value, precision: 4) }
        var prefix = ""
        for candidate in ["ki", "Mi", "Gi", "Ti", "Pi", "Ei", "Zi", "Yi"] {
            if abs(value) < 1024 { break }
            prefix = candidate
            value /= 1024
        }
        return GoFormat.g(value, precision: 4) + prefix
    }

    static func duration(_ input: Double) -> String {
        if input.isNaN || input.isInfinite { return GoFormat.g(input, precision: 4) }
        if input == 0 { return GoFormat.g(input, precision: 4) + "s" }
        if abs(input) >= 1 {
            let sign = input < 0 ? "-" : ""
            let magnitude = abs(input)
            let whole = Int64(magnitude)
            let (seconds, minutes, hours, days) = (whole % 60, (whole / 60) % 60, (whole / 3600) % 24, whole / 86400)
            if days != 0 { return "\(sign)\(days)d \(hours)h \(minutes)m \(seconds)s" }
            if hours != 0 { return "\(sign)\(hours)h \(minutes)m \(seconds)s" }
            if minutes != 0 { return "\(sign)\(minutes)m \(seconds)s" }
            return sign + GoFormat.g(magnitude, precision: 4) + "s"
        }
        var prefix = ""
        let scaled = scaleUp(input, prefix: &prefix)
        return GoFormat.g(scaled, precision: 4) + prefix + "s"
    }

    /// Go's `time.Time.String()` of Unix seconds, in UTC at millisecond precision:
    /// `2023-11-14 22:13:20.5 +0000 UTC`.
    static func timestamp(_ seconds: Double) -> String {
        if seconds.isNaN || seconds.isInfinite { return GoFormat.g(seconds, precision: 4) }
        let rfc3339 = RFC3339Time.format(Int64(seconds * 1e9) / 1_000_000)
        return String(rfc3339.dropLast().map { $0 == "T" ? " " : $0 }) + " +0000 UTC"
    }

    /// Multiplies a fraction by 1000 until it reaches 1, naming the SI prefix it took.
    private static func scaleUp(_ input: Double, prefix: inout String) -> Double {
        var value = input
        for candidate in ["m", "u", "n", "p", "f", "a", "z", "y"] {
            if abs(value) >= 1 { break }
            prefix = candidate
            value *= 1000
        }
        return value
    }
}
