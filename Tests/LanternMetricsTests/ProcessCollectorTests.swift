@testable import LanternMetrics
import Testing

/// The process collector's network octets from the netstat collector's read of the same scrape.
@Suite struct ProcessCollectorNetstatTests {
    private static let netstat = "TcpExt: SyncookiesSent\nTcpExt: 0\nIpExt: InNoRoutes InOctets OutOctets\nIpExt: 0 123 456\n"

    private func networkSamples(_ collector: ProcessCollector) throws -> [String: Double] {
        let sink = MetricSink()
        try collector.collect(into: sink)
        var values: [String: Double] = [:]
        for family in sink.families where family.name.hasPrefix("process_network_") {
            if case .scalar(let value) = try #require(family.metrics.first).value { values[family.name] = value }
        }
        return values
    }

    @Test func aPublishedTextIsUsedOnce() throws {
        let recent = RecentNetstatText()
        recent.publish(Self.netstat)
        let collector = ProcessCollector(recentNetstat: recent)
        #expect(try networkSamples(collector) == [
            "process_network_receive_bytes_total": 123, "process_network_transmit_bytes_total": 456])
        #expect(recent.take() == nil)
        // Nothing published: the collector reads /proc/self/net/netstat itself.
        #expect(try networkSamples(collector).count == 2)
    }

    @Test func anotherProcfsIgnoresThePublishedText() throws {
        let recent = RecentNetstatText()
        recent.publish(Self.netstat)
        let collector = ProcessCollector(procfs: "/proc/", recentNetstat: recent)
        #expect(try networkSamples(collector)["process_network_receive_bytes_total"] != 123)
        #expect(recent.take() == Self.netstat)
    }

    @Test func ipExtRowsWithoutOctetsGiveNothing() {
        #expect(ProcessCollector.ipExtOctets(in: "IpExt: InNoRoutes\nIpExt: 0\n") == nil)
        #expect(ProcessCollector.ipExtOctets(in: Self.netstat)! == (received: 123, sent: 456))
    }
}
