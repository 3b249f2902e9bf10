import Glibc

/// A `Retry-After` header as a wait in milliseconds: delay-seconds, or an HTTP date in Go's
/// `http.TimeFormat` (IMF-fixdate, `Sun, 06 Nov 1994 08:49:37 GMT`). nil when absent,
/// unreadable, zero or in the past: then the normal backoff applies, as in Prometheus.
enum RetryAfter {
    static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    static let days = ["Mon,", "Tue,", "Wed,", "Thu,", "Fri,", "Sat,", "Sun,"]

    static func milliseconds(_ header: String?, nowMilliseconds: Int64) -> Int64? {
        guard let header, !header.isEmpty else { return nil }
        if let seconds = Int64(header) { return seconds > 0 ? seconds * 1000 : nil }
        guard let date = secondsSinceEpoch(httpDate: header) else { return nil }
        let wait = date * 1000 - nowMilliseconds
        return wait > 0 ? wait : nil
    }

    private static func secondsSinceEpoch(httpDate: String) -> Int64? {
        let parts = httpDate.split(separator: " ", omittingEmptySubsequences: false)
        guard parts.count == 6, days.contains(String(parts[0])), parts[1].count == 2, parts[5] == "GMT",
              let day = Int32(parts[1]), let month = months.firstIndex(of: String(parts[2])), parts[3].count == 4, let year = Int32(parts[3])
        else { return nil }
        let clock = parts[4].split(separator: ":")
        guard clock.count == 3, clock.allSatisfy({ $0.count == 2 }),
              let hour = Int32(clock[0]), let minute = Int32(clock[1]), let second = Int32(clock[2]) else { return nil }
        var time = tm()
        time.tm_year = year - 1900
        time.tm_mon = Int32(month)
        time.tm_mday = day
        time.tm_hour = hour
        time.tm_min = minute
        time.tm_sec = second
        return Int64(timegm(&time))
    }

    static var nowMilliseconds: Int64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Int64(now.tv_sec) * 1000 + Int64(now.tv_nsec) / 1_000_000
    }
}
