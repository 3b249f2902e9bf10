@testable import LanternExporter
import Testing

@Suite("Exporter page release schedule")
struct PageReleaseScheduleTests {
    @Test func releasedAgainAfterPowerOfTwoScrapesUpToTheLast() {
        let releasing = (0...200).filter { PageReleaseSchedule.releases(afterScrape: $0) }
        #expect(releasing == [1, 2, 4, 8, 16, 32, 64])
        #expect(PageReleaseSchedule.lastScrape == releasing.last)
    }
}
