import LanternMetrics
import Testing

/// Families with a series per CPU, device or queue come out of their collector in
/// exposition order, so the registry's merge finds them ordered and sorts nothing (it
/// sorted these every scrape: 8 series per CPU on a large host).
@Suite struct SeriesOrderTests {
    @Test(arguments: [
        ("cpu", "node_cpu_seconds_total"), ("cpu", "node_cpu_guest_seconds_total"),
        ("udp_queues", "node_udp_queues"), ("time", "node_time_clocksource_available_info"),
        ("arp", "node_arp_entries"),
    ])
    func seriesAreEmittedInExpositionOrder(collector: String, familyName: String) throws {
        let family = try #require(try scrape(collector).families.first { $0.name == familyName })
        #expect(family.metrics.count > 1)
        var sorted = family
        sorted.sortMetrics()
        #expect(family.metrics.map(\.labels) == sorted.metrics.map(\.labels))
    }
}
