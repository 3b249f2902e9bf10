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

/// The byte-wise readers of /proc/self/stat and /proc/self/limits.
@Suite struct ProcessCollectorParsingTests {
    @Test func statFieldsAreCountedAfterTheLastParenthesis() throws {
        let line = "4242 (a) b (c d) S 1 4242 4242 0 -1 4194560 900 0 0 0 17 23 0 0 20 0 9 0 1234567 987654321 2345 18446744073709551615\n"
        let stat = try #require(ProcessStat(contents: line))
        #expect(stat.userTicks == 17 && stat.systemTicks == 23)
        #expect(stat.startTicks == 1_234_567 && stat.virtualBytes == 987_654_321 && stat.residentPages == 2345)
        // Too few fields, or a field that is not a number.
        #expect(ProcessStat(contents: "1 (x) S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20") == nil)
        #expect(ProcessStat(contents: "4242 (a) S 1 4242 4242 0 -1 4194560 900 0 0 0 17 x 0 0 20 0 9 0 1234567 987654321 2345") == nil)
        #expect(ProcessStat(contents: "no parenthesis") == nil)
        #expect(ProcessStat(contents: nil) == nil)
    }

    @Test func softLimitsAreTheFirstColumn() {
        let limits = """
            Limit                     Soft Limit           Hard Limit           Units
            Max open files            1024                 524288               files
            Max address space         unlimited            unlimited            bytes
            Max locked memory         bogus                8388608              bytes

            """
        #expect(ProcessCollector.softLimit(named: "Max open files", in: limits) == 1024)
        #expect(ProcessCollector.softLimit(named: "Max address space", in: limits) == Double(UInt64.max))
        #expect(ProcessCollector.softLimit(named: "Max locked memory", in: limits) == nil)
        #expect(ProcessCollector.softLimit(named: "Max processes", in: limits) == nil)
    }

    @Test func ipExtColumnsAreMatchedByPosition() {
        #expect(ProcessCollector.ipExtOctets(in: "IpExt: OutOctets  InOctets\nIpExt: 7  9\n")! == (received: 9, sent: 7))
        // A value row shorter than the header gives nothing.
        #expect(ProcessCollector.ipExtOctets(in: "IpExt: InOctets OutOctets Other\nIpExt: 1 2\n") == nil)
        #expect(ProcessCollector.ipExtOctets(in: "IpExt: InOctets OutOctets\n") == nil)
    }
}
