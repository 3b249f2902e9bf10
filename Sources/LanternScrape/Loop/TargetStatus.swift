import Glibc

/// What `/api/v1/targets` shows about one target's last scrape.
public struct TargetStatus: Sendable {
    public enum Health: String, Sendable { case up, down, unknown }

    public var health = Health.unknown
    public var lastError = ""
    /// Wall-clock milliseconds at which the last scrape started; 0 before the first.
    public var lastScrape: Int64 = 0
    public var lastScrapeDurationSeconds = 0.0
    public var lastSamplesScraped = 0
    public var metadata: [String: MetricMetadata] = [:]
}

public enum WallClock {
    public static func nowMilliseconds() -> Int64 {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Int64(spec.tv_sec) * 1000 + Int64(spec.tv_nsec) / 1_000_000
    }

    public static func monotonicSeconds() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }
}

/// Prometheus spreads targets over the interval by a hash of the target, so that scrapes
/// do not all fire at once and a target keeps its phase across restarts.
enum ScrapeSchedule {
    static func offset(of target: ScrapeTarget, interval: Int64) -> Int64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325  // FNV-1a
        for byte in (target.url + target.labels.description).utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01b3
        }
        return Int64(hash % UInt64(interval))
    }

    /// The first scrape time at or after `now`: a multiple of the interval plus the offset,
    /// so that every timestamp of the target is `offset + k * interval` (deltas compress to nothing).
    static func firstScrape(after now: Int64, interval: Int64, offset: Int64) -> Int64 {
        let next = now - now % interval + offset
        return next < now ? next + interval : next
    }

    /// The round after the one at `scraped`, once that scrape ended at `now`. A scrape
    /// longer than the interval (a slow target, an overloaded machine) or a stall is late
    /// for the next round: as Prometheus' loop, whose Go ticker keeps one missed tick, it
    /// scrapes again at once, for the latest round passed (on the grid), and skips the
    /// rounds before it instead of bursting. Skipping them all cost a sample per overrun
    /// that Prometheus has.
    static func nextScrape(after scraped: Int64, endedAt now: Int64, interval: Int64) -> Int64 {
        let next = scraped + interval
        return next < now ? next + (now - next) / interval * interval : next
    }
}
