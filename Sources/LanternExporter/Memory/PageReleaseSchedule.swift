/// After which scrapes the exporter releases its read-only pages again (`StartupPages`).
///
/// Why more than after the first: the first scrapes keep doing one-time work. The second
/// one alone ran ~1 MB of code that later scrapes never run again (the Swift runtime's
/// metadata lookups by mangled name for paths a scrape takes once the previous one is
/// known, worker threads started), which otherwise stays resident for the life of the
/// process (docs/performance.md, "Session 4: exporter resident memory"). Powers of two up
/// to the 64th scrape: seven releases in all, each costing only the few dozen page faults
/// that bring the scrape path back.
enum PageReleaseSchedule {
    /// The last scrape after which pages are released.
    static let lastScrape = 64

    /// Whether to release after the `number`th scrape (counted from 1).
    static func releases(afterScrape number: Int) -> Bool {
        number >= 1 && number <= lastScrape && number & (number - 1) == 0
    }
}
