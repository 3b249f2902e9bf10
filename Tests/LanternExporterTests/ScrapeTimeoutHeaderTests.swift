@testable import LanternExporter
import Testing

/// What the collectors get of a scraper's `X-Prometheus-Scrape-Timeout-Seconds`.
@Suite("Announced scrape timeout")
struct ScrapeTimeoutHeaderTests {
    @Test(arguments: [(10.0, 9.5), (5.0, 4.5), (1.0, 0.9), (0.5, 0.45), (0.0, 0.0), (-1.0, 0.0)])
    func collectorsKeepMostOfAShortTimeout(announced: Double, collectors: Double) {
        #expect(abs(Router.collectorDeadline(scrapeTimeout: announced) - collectors) < 1e-9)
    }
}
