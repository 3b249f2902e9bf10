import Testing
@testable import LanternScrape

/// When a target's next round is due, as Prometheus' scrape loop (a Go ticker, which keeps
/// one missed tick) would scrape it.
@Suite struct ScrapeScheduleTests {
    @Test func aScrapeThatEndsInTimeWaitsForTheNextRound() {
        #expect(ScrapeSchedule.nextScrape(after: 10_000, endedAt: 10_300, interval: 1000) == 11_000)
        #expect(ScrapeSchedule.nextScrape(after: 10_000, endedAt: 11_000, interval: 1000) == 11_000)
    }

    /// A scrape of 1.3 s at a 1 s interval: the round at 11 s is scraped at once, late, not skipped.
    @Test func anOverrunScrapesTheMissedRoundAtOnce() {
        #expect(ScrapeSchedule.nextScrape(after: 10_000, endedAt: 11_300, interval: 1000) == 11_000)
    }

    /// A stall of 2.5 rounds: one scrape at once, for the latest round passed; no burst.
    @Test func aStallScrapesOnceForTheLatestRoundPassed() {
        #expect(ScrapeSchedule.nextScrape(after: 10_000, endedAt: 12_500, interval: 1000) == 12_000)
        #expect(ScrapeSchedule.nextScrape(after: 10_000, endedAt: 3_610_000, interval: 15_000) == 3_610_000)
    }
}
