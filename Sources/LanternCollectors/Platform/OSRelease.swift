/// An os-release file (`etc/os-release`, `usr/lib/os-release`): shell-like `KEY=value`
/// assignments, parsed like hashicorp/go-envparse as node_exporter does.
public enum OSRelease {
    /// Values by key. Comments and blank lines are skipped; values may be unquoted,
    /// 'single-quoted' (literal) or "double-quoted" (with backslash escapes).
    public static func parse(_ text: String) throws(KernelParseError) -> [String: String] {
        var values: [String: String] = [:]
        for rawLine in lines(text) {
            var line = trimmed(rawLine)
            guard !line.isEmpty, !line.hasPrefix("#") else { continue }
            if line.hasPrefix("export ") { line = trimmed(line.dropFirst(7)) }
            guard let equals = line.firstIndex(of: "=") else { throw KernelParseError("line \"\(line)\" has no \"=\"") }
            let key = line[..<equals]
            guard isValidKey(key) else { throw KernelParseError("invalid key \"\(key)\"") }
            values[String(key)] = try value(line[line.index(after: equals)...], key: key)
        }
        return values
    }

    static func value(_ text: Substring, key: Substring) throws(KernelParseError) -> String {
        guard let quote = text.first, quote == "\"" || quote == "'" else {
            // Unquoted: up to a ` #` comment.
            var end = text.endIndex
            if let comment = text.firstRange(of: " #") { end = comment.lowerBound }
            return String(trimmed(text[..<end]))
        }
        var result = ""
        var index = text.index(after: text.startIndex)
        while index < text.endIndex {
            let character = text[index]
            if character == quote {
                let rest = trimmed(text[text.index(after: index)...])
                guard rest.isEmpty || rest.hasPrefix("#") else { throw KernelParseError("unexpected \"\(rest)\" after the value of \(key)") }
                return result
            }
            if character == "\\" && quote == "\"" {
                index = text.index(after: index)
                guard index < text.endIndex else { break }
                switch text[index] {
                case "n": result.append("\n")
                case "t": result.append("\t")
                case let escaped: result.append(escaped)
                }
            } else {
                result.append(character)
            }
            index = text.index(after: index)
        }
        throw KernelParseError("unterminated quoted value of \(key)")
    }

    private static func isValidKey(_ key: Substring) -> Bool {
        guard let first = key.unicodeScalars.first, !(first >= "0" && first <= "9") else { return false }
        return key.unicodeScalars.allSatisfy { ($0 >= "a" && $0 <= "z") || ($0 >= "A" && $0 <= "Z") || ($0 >= "0" && $0 <= "9") || $0 == "_" }
    }

    /// The `major.minor` number at the start of VERSION_ID (`20.04`, `12`); 0 without one.
    public static func majorMinor(_ versionID: String) -> Double {
        var prefix = Substring(versionID).prefix { $0.isASCII && $0.isWholeNumber }
        guard !prefix.isEmpty else { return 0 }
        var rest = versionID.dropFirst(prefix.count)
        if rest.first == "." {
            rest = rest.dropFirst()
            let fraction = rest.prefix { $0.isASCII && $0.isWholeNumber }
            prefix = versionID.prefix(prefix.count + 1 + fraction.count)
        }
        return Double(prefix) ?? 0
    }
}

extension OSRelease {
    /// Seconds since the epoch of a `YYYY-MM-DD` date at midnight UTC (Go's
    /// `time.Parse(time.DateOnly, ...)`); nil when it is not such a date.
    public static func unixTime(ofDate text: String) -> Int64? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let year = Int64(parts[0]), let month = Int64(parts[1]), let day = Int64(parts[2]),
              (1...12).contains(month), day >= 1, day <= daysInMonth(year: year, month: month) else { return nil }
        // Days from the civil date (Howard Hinnant's algorithm).
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
        let yearOfEra = shiftedYear - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return (era * 146_097 + dayOfEra - 719_468) * 86_400
    }

    private static func daysInMonth(year: Int64, month: Int64) -> Int64 {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}
