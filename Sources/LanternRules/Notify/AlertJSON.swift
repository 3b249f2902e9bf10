import LanternPromQL

/// Alertmanager API v2's `postableAlerts` body.
enum AlertJSON {
    static func encode(_ alerts: [NotifiedAlert]) -> String {
        "[" + alerts.map { alert in
            "{\"labels\":" + PrometheusJSON.labels(alert.labels)
                + ",\"annotations\":" + map(alert.annotations)
                + ",\"startsAt\":" + PrometheusJSON.string(RFC3339Time.format(alert.startsAt))
                + ",\"endsAt\":" + PrometheusJSON.string(RFC3339Time.format(alert.endsAt))
                + ",\"generatorURL\":" + PrometheusJSON.string(alert.generatorURL) + "}"
        }.joined(separator: ",") + "]"
    }

    static func map(_ values: [String: String]) -> String {
        "{" + values.keys.sorted().map { PrometheusJSON.string($0) + ":" + PrometheusJSON.string(values[$0]!) }.joined(separator: ",") + "}"
    }
}

/// RFC 3339 with milliseconds in UTC, computed without Foundation (proleptic Gregorian).
public enum RFC3339Time {
    public static func format(_ milliseconds: Int64) -> String {
        let seconds = floorDivide(milliseconds, 1000)
        let fraction = milliseconds - seconds * 1000
        let days = floorDivide(seconds, 86400)
        let secondOfDay = seconds - days * 86400
        // Howard Hinnant's civil-from-days.
        let z = days + 719_468
        let era = floorDivide(z, 146_097)
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        func two(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }
        var text = "\(year)-\(two(month))-\(two(day))T\(two(secondOfDay / 3600)):\(two(secondOfDay / 60 % 60)):\(two(secondOfDay % 60))"
        if fraction != 0 {
            var digits = String(fraction)
            digits = String(repeating: "0", count: 3 - digits.count) + digits
            while digits.hasSuffix("0") { digits.removeLast() }
            text += "." + digits
        }
        return text + "Z"
    }
}
